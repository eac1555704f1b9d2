"""`import events`: dated history, replayed with the rules (chibo.members.interchange.import_events)."""

import datetime as dt

import pytest
from django.utils import translation

from chibo.members.models import Member, MemberEvent
from chibo.members.services import event_record

from .test_interchange_members import assert_cache_is_the_replay, counts, errors, run
from .test_interchange_readers import write_csv, write_xlsx

HEADER = ["member_id", "kind", "date", "org_code", "decision_no", "reason",
          "full_name", "birth_date", "gender", "occupation"]  # fmt: skip
VI_HEADER = ["Mã đảng viên", "Loại sự kiện", "Ngày", "Mã đơn vị", "Số quyết định", "Lý do",
             "Họ và tên", "Ngày sinh", "Giới tính", "Nghề nghiệp"]  # fmt: skip


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def row(member: str, kind: str, day: str, unit: str = "", **person: str) -> list[str]:
    return [member, kind, day, unit, person.get("decision_no", ""), person.get("reason", ""),
            person.get("full_name", ""), person.get("birth_date", ""), person.get("gender", ""),
            person.get("occupation", "")]  # fmt: skip


def test_transfers_deaths_and_new_members(world, tmp_path):
    rows = [
        VI_HEADER,
        row("M-DUC", "transferred", "15/03/2024", "C2", decision_no="12-QĐ/ĐU"),
        row("M-HAI", "died", "2024-06-01"),
        row(
            "M-NEW",
            "admitted",
            "2016-05-01",
            "C3",
            full_name="Võ Thị Mới",
            birth_date="1990-06-05",
            gender="Nữ",
            occupation="teacher",
        ),
        row("M-NEW", "recognized", "2017-05-02"),
        row("M-NEW", "transferred", "2018-01-01", "C1"),
    ]
    before = counts()
    report = run(write_xlsx(tmp_path / "events.xlsx", rows), "events")
    assert report.errors == []
    assert (report.rows, report.created, report.members_created) == (5, 5, 1)
    duc = Member.objects.get(member_code="M-DUC")
    assert duc.org.code == "C2"
    move = MemberEvent.objects.get(member=duc, kind="transferred")
    assert (move.from_org.code, move.org.code, move.decision_no) == ("C1", "C2", "12-QĐ/ĐU")
    hai = Member.objects.get(member_code="M-HAI")
    assert hai.status == "deceased"
    assert MemberEvent.objects.get(member=hai, kind="died").org.code == "C3"
    new = Member.objects.get(member_code="M-NEW")
    assert (new.full_name, new.gender, new.occupation) == ("Võ Thị Mới", "female", "teacher")
    assert (new.status, new.org.code, new.admitted_on) == ("official", "C1", dt.date(2016, 5, 1))
    history = list(new.events.values_list("kind", "org__code", "from_org__code"))
    assert history == [
        ("admitted", "C3", None),
        ("recognized", "C3", None),
        ("transferred", "C1", "C3"),
    ]
    for member in (duc, hai, new):
        assert_cache_is_the_replay(member)
    after = counts()
    assert after["MemberEvent"] == before["MemberEvent"] + 5
    assert after["AuditEntry"] == before["AuditEntry"] + 1


def test_recorded_events_are_skipped_and_the_same_file_twice_changes_nothing(world, tmp_path):
    rows = [
        HEADER,
        row("M-DUC", "admitted", "2012-05-01", "C1"),  # recorded by the fixture
        row("M-DUC", "recognized", "2013-05-02", "C1"),  # recorded too
        row("M-DUC", "removed", "2020-01-01", reason="Bỏ sinh hoạt"),
    ]
    path = write_csv(tmp_path / "e.csv", rows)
    first = run(path, "events")
    assert first.errors == [] and (first.created, first.unchanged) == (1, 2)
    before = counts()
    again = run(path, "events")
    assert again.errors == [] and (again.created, again.unchanged) == (0, 3)
    assert counts() == before


def test_a_back_dated_row_must_leave_the_later_history_possible(world, tmp_path):
    # Đức was recognized on 2013-05-02; a removal dated before it makes the recognition impossible.
    rows = [HEADER, row("M-DUC", "removed", "2013-01-01")]
    before = counts()
    report = run(write_csv(tmp_path / "e.csv", rows), "events")
    assert errors(report) == {(2, "kind")}
    assert "Recognized as official on 02/05/2013" in report.errors[0].message
    assert counts() == before


def test_every_bad_row_is_reported_and_nothing_is_written(world, tmp_path):
    rows = [
        HEADER,
        row("M-DUC", "transferred", "2024-01-01", "C2"),  # 2: fine
        row("M-HAI", "died", "2024-01-01"),  # 3: the death …
        row("M-HAI", "transferred", "2024-02-01", "C3"),  # 4: … then a transfer: refused
        row("M-LAN", "teleported", "2024-01-01"),  # 5: unknown kind
        row("M-NOBODY", "died", "2024-01-01"),  # 6: unknown member
        row("M-MINH", "died", "2024-02-30"),  # 7: no such day
        row("M-DUC", "transferred", "2024-01-01", "C2"),  # 8: same as line 2
        row("M-MINH", "transferred", "2024-01-01", "ZZ"),  # 9: unknown unit
        row("M-MINH", "transferred", "2024-03-01"),  # 10: a transfer needs its destination
        row(
            "M-NEW", "admitted", "2020-01-01", "C1", full_name="Người Mới"
        ),  # 11: no birth date, gender
        row(
            "M-NEW2",
            "admitted",
            "2020-01-01",
            "G1",
            full_name="Người Khác",
            birth_date="1990-01-01",
            gender="male",
        ),  # 12: not a cell
        row("M-MINH", "removed", "2099-01-01"),  # 13: in the future
        row("", "died", "2024-01-01"),  # 14: no member id
    ]
    before = counts()
    report = run(write_csv(tmp_path / "e.csv", rows), "events")
    assert errors(report) == {
        (4, "kind"),
        (5, "kind"),
        (6, "member_id"),
        (7, "date"),
        (8, "member_id"),
        (9, "org_code"),
        (10, "org_code"),
        (11, "birth_date"),
        (11, "gender"),
        (12, "org_code"),
        (13, "date"),
        (14, "member_id"),
    }
    by_line = {e.line: e.message for e in report.errors}
    assert "died" in by_line[4]
    assert "not a cell" in by_line[12]
    assert counts() == before


def test_a_member_changed_meanwhile_is_not_overwritten(world, tmp_path, monkeypatch):
    """Rows are checked before the transaction; a member changed in between refuses the import."""
    from chibo.members.interchange import import_events

    duc = world.members["duc"]
    read = import_events.EventImport.read

    def read_then_someone_else_writes(self, table, columns):  # type: ignore[no-untyped-def]
        read(self, table, columns)
        event_record(actor=None, member=duc, kind="exempted", date=dt.date(2025, 1, 1))

    monkeypatch.setattr(import_events.EventImport, "read", read_then_someone_else_writes)
    report = run(
        write_csv(tmp_path / "e.csv", [HEADER, row("M-DUC", "died", "2025-06-01")]), "events"
    )
    assert errors(report) == {(2, "member_id")}
    assert not MemberEvent.objects.filter(member=duc, kind="died").exists()

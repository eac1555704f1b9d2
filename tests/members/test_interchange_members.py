"""`import members`: the roster, all or nothing (chibo.members.interchange.import_members)."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from chibo.core.models import AuditEntry
from chibo.core.text import search_key, sort_key
from chibo.members.interchange.base import ImportContext
from chibo.members.interchange.importers import import_file
from chibo.members.models import ImportJob, Member, MemberEvent
from chibo.members.rules import replay
from chibo.members.services.events import CACHED_FIELDS, effective_events
from chibo.orgs.models import Organization

from .test_interchange_readers import write_csv, write_xlsx

HEADER = ["member_id", "full_name", "birth_date", "gender", "national_id", "org_code",
          "admitted_on", "recognized_on", "occupation", "phone"]  # fmt: skip
VI_HEADER = ["Mã đảng viên", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Mã đơn vị",
             "Ngày vào Đảng", "Ngày chính thức", "Nghề nghiệp", "Điện thoại"]  # fmt: skip
GOOD = [
    ["M-100", "Phạm Thị Hoa", "05/06/1990", "Nữ", "079190000001", "C1", "01/02/2015", "02/02/2016", "teacher", "0912000001"],
    ["M-101", "Đỗ Văn Bình", "1988-01-31", "male", "", "C2", "2024-03-01", "", "farmer", ""],
    ["M-102", "Hoàng  Minh", "1970-12-01", "Nam", "", "C3", "2001-05-19", "2002-06-01", "", ""],
]  # fmt: skip


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def counts() -> dict[str, int]:
    models = (Organization, Member, MemberEvent, AuditEntry, ImportJob)
    return {m.__name__: m.objects.count() for m in models}


def run(path: Path, kind: str = "members", **ctx: Any):  # type: ignore[no-untyped-def]
    with path.open("rb") as source:
        return import_file(kind=kind, source=source, name=path.name, ctx=ImportContext(**ctx))


def errors(report: Any) -> set[tuple[int | None, str | None]]:
    return {(e.line, e.column) for e in report.errors}


def assert_cache_is_the_replay(member: Member) -> None:
    state = replay(effective_events(member), birth_date=member.birth_date)
    for name in CACHED_FIELDS:
        assert getattr(member, name) == getattr(state, name), name


# --- good files -------------------------------------------------------------------------------


def test_a_roster_with_a_bom_semicolons_vietnamese_headers_and_day_first_dates(world, tmp_path):
    path = write_csv(tmp_path / "roster.csv", [VI_HEADER, *GOOD], delimiter=";", bom=True)
    before = counts()
    report = run(path)
    assert report.errors == []
    assert (report.rows, report.created, report.unchanged) == (3, 3, 0)
    hoa = Member.objects.get(member_code="M-100")
    assert (hoa.family_name, hoa.middle_name, hoa.given_name) == ("Phạm", "Thị", "Hoa")
    assert hoa.birth_date == dt.date(1990, 6, 5) and hoa.gender == "female"
    assert hoa.national_id == "079190000001" and hoa.phone == "0912000001"
    assert (hoa.status, hoa.org.code, hoa.occupation) == ("official", "C1", "teacher")
    assert hoa.sort_key == sort_key("Hoa", "Phạm", "Thị")
    assert hoa.search_name == search_key("Phạm Thị Hoa") == " pham thi hoa"
    binh = Member.objects.get(member_code="M-101")
    assert (binh.status, binh.recognized_on, binh.ethnicity) == ("probationary", None, "Kinh")
    minh = Member.objects.get(member_code="M-102")
    assert (minh.family_name, minh.middle_name, minh.given_name) == ("Hoàng", "", "Minh")
    assert minh.occupation == "other"
    kinds = list(MemberEvent.objects.filter(member=hoa).values_list("kind", "date", "org__code"))
    assert kinds == [
        ("admitted", dt.date(2015, 2, 1), "C1"),
        ("recognized", dt.date(2016, 2, 2), "C1"),
    ]
    for member in (hoa, binh, minh):
        assert_cache_is_the_replay(member)
    after = counts()
    assert after["Member"] == before["Member"] + 3
    assert after["MemberEvent"] == before["MemberEvent"] + 5
    assert after["AuditEntry"] == before["AuditEntry"] + 1
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "import.members" and entry.actor_label == "system"
    assert entry.changes["created"] == 3 and len(entry.changes["sha256"]) == 64
    job = ImportJob.objects.get(pk=entry.object_id)
    assert (job.status, job.file_name, job.created_by) == ("done", "roster.csv", None)
    # The audit row belongs to the unit that holds every unit touched (the province here).
    assert entry.org_id == world.org("BT").pk


def test_a_workbook_with_vietnamese_headers(world, tmp_path):
    rows = [[dt.date(1990, 6, 5) if v == "05/06/1990" else v for v in r] for r in GOOD]
    rows[0][4] = 79190000001  # a workbook that turned the national ID into a number
    path = write_xlsx(tmp_path / "roster.xlsx", [VI_HEADER, *rows])
    report = run(path)
    assert report.errors == [] and report.created == 3
    hoa = Member.objects.get(member_code="M-100")
    assert hoa.birth_date == dt.date(1990, 6, 5) and hoa.national_id == "079190000001"


def test_importing_the_same_file_again_changes_nothing(world, tmp_path):
    path = write_csv(tmp_path / "roster.csv", [HEADER, *GOOD])
    assert run(path).created == 3
    before = counts()
    versions = dict(Member.objects.values_list("member_code", "version"))
    report = run(path)
    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert counts() == before
    assert dict(Member.objects.values_list("member_code", "version")) == versions


def test_personal_columns_update_a_recorded_member(world, tmp_path):
    duc = world.members["duc"]
    duc.refresh_from_db()
    version = duc.version
    row = ["M-DUC", "Nguyễn Văn Đức", "1985-03-04", "male", "012345678901", "C1",
           "2012-05-01", "2013-05-02", "teacher", "0987654321"]  # fmt: skip
    before = counts()
    report = run(write_csv(tmp_path / "r.csv", [HEADER, row]))
    assert report.errors == [] and report.updated == 1
    duc.refresh_from_db()
    assert (duc.phone, duc.occupation, duc.version) == ("0987654321", "teacher", version + 1)
    assert counts()["AuditEntry"] == before["AuditEntry"] + 1
    # A column left out leaves the field alone.
    short = [h for h in HEADER if h != "phone"]
    report = run(write_csv(tmp_path / "s.csv", [short, row[:-1]]))
    assert report.unchanged == 1
    duc.refresh_from_db()
    assert duc.phone == "0987654321"


def test_a_name_that_reads_the_same_keeps_its_split(world, tmp_path):
    member = Member.objects.get(member_code="M-MINH")
    Member.objects.filter(pk=member.pk).update(family_name="Nguyễn Văn", middle_name="")
    row = [
        "M-MINH",
        "Nguyễn Văn Minh",
        "1985-03-04",
        "male",
        "",
        "C1",
        "2012-05-01",
        "2013-05-02",
        "other",
        "",
    ]
    report = run(write_csv(tmp_path / "r.csv", [HEADER, row]))
    assert report.errors == [] and report.unchanged == 1
    assert Member.objects.get(pk=member.pk).family_name == "Nguyễn Văn"


# --- bad files: every bad row reported, nothing written ------------------------------------------

BAD_ROWS = [
    # line 2: fine
    ["M-200", "Lý Thị Một", "1990-01-01", "female", "", "C1", "2015-01-01", "", "", ""],
    # line 3: unknown unit
    ["M-201", "Lý Thị Hai", "1990-01-01", "female", "", "ZZ9", "2015-01-01", "", "", ""],
    # line 4: a committee, not a cell
    ["M-202", "Lý Thị Ba", "1990-01-01", "female", "", "G1", "2015-01-01", "", "", ""],
    # line 5: an impossible date
    ["M-203", "Lý Thị Bốn", "31/02/1990", "female", "", "C1", "2015-01-01", "", "", ""],
    # line 6: a national ID another member has (Đức)
    ["M-204", "Lý Thị Năm", "1990-01-01", "female", "012345678901", "C1", "2015-01-01", "", "", ""],
    # line 7 and 8: the same national ID twice in the file
    ["M-205", "Lý Thị Sáu", "1990-01-01", "female", "079190000009", "C1", "2015-01-01", "", "", ""],
    ["M-206", "Lý Thị Bảy", "1990-01-01", "female", "079190000009", "C1", "2015-01-01", "", "", ""],
    # line 9: the member id of line 2 again
    ["M-200", "Lý Thị Tám", "1990-01-01", "female", "", "C1", "2015-01-01", "", "", ""],
    # line 10: recognized before the 12 months of probation (the rules refuse)
    ["M-207", "Lý Thị Chín", "1990-01-01", "female", "", "C1", "2015-01-01", "2015-06-01", "", ""],
    # line 11: 16 years old at admission (the rules refuse)
    ["M-208", "Lý Thị Mười", "2005-01-01", "female", "", "C1", "2021-01-01", "", "", ""],
    # line 12: missing values (birth date, gender)
    ["M-209", "Lý Thị Mười Một", "", "", "", "C1", "2015-01-01", "", "", ""],
    # line 13: an unknown occupation and a bad phone-length
    ["M-210", "Lý Thị Mười Hai", "1990-01-01", "female", "", "C1", "2015-01-01", "", "astronaut", "0" * 25],
    # line 14: a recorded member said to be in another unit (Đức is in C1)
    ["M-DUC", "Nguyễn Văn Đức", "1985-03-04", "male", "", "C2", "2012-05-01", "2013-05-02", "", ""],
    # line 15: a date in the future
    ["M-211", "Lý Văn Mai", "1990-01-01", "male", "", "C1", "2099-01-01", "", "", ""],
    # line 16: a national ID that is not 12 digits
    ["M-212", "Lý Văn Hôm", "1990-01-01", "male", "12345", "C1", "2015-01-01", "", "", ""],
]  # fmt: skip
EXPECTED = {
    (3, "org_code"),
    (4, "org_code"),
    (5, "birth_date"),
    (6, "national_id"),
    (8, "national_id"),
    (9, "member_id"),
    (10, "recognized_on"),
    (11, "admitted_on"),
    (12, "birth_date"),
    (12, "gender"),
    (13, "occupation"),
    (13, "phone"),
    (14, "org_code"),
    (15, "admitted_on"),
    (16, "national_id"),
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_bad_row_is_reported_and_nothing_is_written(world, tmp_path, fmt):
    rows = [HEADER, *BAD_ROWS]
    path = (
        write_csv(tmp_path / "bad.csv", rows)
        if fmt == "csv"
        else write_xlsx(tmp_path / "bad.xlsx", rows)
    )
    before = counts()
    report = run(path)
    assert errors(report) == EXPECTED
    assert counts() == before
    by_line = {e.line: e.message for e in report.errors}
    assert "ZZ9" in by_line[3]
    assert "not a cell" in by_line[4]
    assert "line 7" in by_line[8] and "line 2" in by_line[9]
    assert "12 months" in by_line[10]
    assert "18 years" in by_line[11]
    assert "C1" in by_line[14]


def test_an_unknown_column_is_an_error_not_dropped(world, tmp_path):
    path = write_csv(tmp_path / "r.csv", [[*HEADER, "shoe_size"], [*GOOD[0], "42"]])
    before = counts()
    report = run(path)
    assert errors(report) == {(1, "shoe_size")}
    assert counts() == before


def test_a_missing_required_column(world, tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEADER[1:], GOOD[0][1:]])
    report = run(path)
    assert errors(report) == {(1, "member_id")}


def test_a_value_under_no_column(world, tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEADER, [*GOOD[0], "stray"]])
    report = run(path)
    assert errors(report) == {(2, None)}


def test_a_file_that_is_not_utf8(world, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(
        ",".join(HEADER).encode() + b"\r\n" + ",".join(GOOD[0]).encode("utf-8") + b"\r\n"
        + "M-9,Lê Văn Đê,1990-01-01,male,,C1,2015-01-01,,,\r\n".encode("cp1258")
    )  # fmt: skip
    before = counts()
    report = run(path)
    assert errors(report) == {(3, None)}
    assert "UTF-8" in report.errors[0].message
    assert counts() == before


def test_a_scoped_import_reads_foreign_units_as_unknown(world, tmp_path):
    """A web upload of Bob (D2) naming a cell of D1: the same words as a unit that does not exist."""
    rows = [HEADER, [*GOOD[0][:5], "C1", *GOOD[0][6:]], [*GOOD[1][:5], "NOPE", *GOOD[1][6:]]]
    before = counts()
    report = run(
        write_csv(tmp_path / "r.csv", rows), actor=world.users["bob"], root=world.org("D2")
    )
    assert errors(report) == {(2, "org_code"), (3, "org_code")}
    first, second = (e.message for e in report.errors)
    assert first.replace("C1", "NOPE") == second
    assert counts() == before


def test_a_scoped_import_does_not_touch_a_foreign_member(world, tmp_path):
    row = ["M-DUC", "Nguyễn Văn Đức", "1985-03-04", "male", "012345678901", "C3",
           "2012-05-01", "2013-05-02", "", ""]  # fmt: skip
    report = run(write_csv(tmp_path / "r.csv", [HEADER, row]), root=world.org("D2"))
    assert errors(report) == {(2, "member_id")}
    assert "outside your scope" in report.errors[0].message


def test_a_dry_run_writes_nothing(world, tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEADER, *GOOD])
    before = counts()
    with path.open("rb") as source:
        report = import_file(
            kind="members", source=source, name="r.csv", ctx=ImportContext(), dry_run=True
        )
    assert report.errors == [] and counts() == before


# --- reading in batches, spooled until the write ------------------------------------------


@pytest.fixture
def batches_of_two(monkeypatch):
    """Two rows a batch, so that small files cross batches (the real size is 5,000)."""
    from chibo.members.interchange import import_members

    monkeypatch.setattr(import_members, "READ_BATCH", 2)


def test_a_repeat_in_a_later_batch_is_found_and_nothing_is_written(world, tmp_path, batches_of_two):
    repeat = ["M-100", "Lê Văn Tư", "1980-01-01", "male", "", "C2", "2010-01-01", "", "", ""]
    same_id = ["M-103", "Lê Văn Năm", "1980-01-01", "male", "079190000001", "C2", "2010-01-01",
               "", "", ""]  # fmt: skip
    before = counts()
    report = run(write_csv(tmp_path / "r.csv", [HEADER, *GOOD, repeat, same_id]))
    assert errors(report) == {(5, "member_id"), (6, "national_id")}
    assert "line 2" in report.errors[0].message
    assert counts() == before


def test_new_and_recorded_members_across_batches(world, tmp_path, batches_of_two):
    duc = world.members["duc"]
    duc.refresh_from_db()
    renamed = ["M-DUC", "Nguyễn Văn Đức Anh", "1985-03-04", "male", "012345678901", "C1",
               "2012-05-01", "2013-05-02", "teacher", "0987654321"]  # fmt: skip
    report = run(write_csv(tmp_path / "r.csv", [HEADER, GOOD[0], renamed, *GOOD[1:]]))
    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (3, 1, 0)
    fresh = Member.objects.get(pk=duc.pk)
    assert (fresh.given_name, fresh.phone, fresh.version) == ("Anh", "0987654321", duc.version + 1)
    assert fresh.sort_key == sort_key("Anh", "Nguyễn", "Văn Đức")
    assert fresh.search_name == search_key("Nguyễn Văn Đức Anh")
    for member in Member.objects.filter(member_code__in=["M-100", "M-101", "M-102"]):
        assert_cache_is_the_replay(member)
    from chibo.members import stats

    assert stats.stats_verify() == []


def test_a_member_changed_meanwhile_is_not_overwritten(world, tmp_path, monkeypatch):
    """Rows are checked before the transaction; a member changed in between refuses the import."""
    from django.db.models import F

    from chibo.members.interchange import import_members

    duc = world.members["duc"]
    read = import_members.MemberImport.read

    def read_then_someone_else_writes(self, table, columns):  # type: ignore[no-untyped-def]
        read(self, table, columns)
        Member.objects.filter(pk=duc.pk).update(version=F("version") + 1)

    monkeypatch.setattr(import_members.MemberImport, "read", read_then_someone_else_writes)
    row = ["M-DUC", "Nguyễn Văn Đức", "1985-03-04", "male", "012345678901", "C1",
           "2012-05-01", "2013-05-02", "teacher", "0987654321"]  # fmt: skip
    before = counts()
    report = run(write_csv(tmp_path / "r.csv", [HEADER, *GOOD, row]))
    assert errors(report) == {(5, "member_id")}
    assert "meanwhile" in report.errors[0].message
    assert counts() == before
    assert Member.objects.get(pk=duc.pk).phone != "0987654321"

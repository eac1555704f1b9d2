"""`chibo import classes`: awareness-class attendance, all or nothing, on the shared tree.

BT ── D1 ── G1 ── C1        (alice: clerk of D1)
      │     └─ C2
      └─ D2 ── C3           (bob: clerk of D2)
"""

import datetime as dt
import json
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from chibo.core.models import AuditEntry
from chibo.members.interchange.base import ImportContext
from chibo.members.interchange.importers import import_file
from chibo.members.models import ImportJob
from chibo.orgs.models import Organization
from chibo.recruitment.models import Attendance, AwarenessClass, Candidate, Stage
from chibo.recruitment.services import attendance_record, candidate_propose, class_create
from members.test_interchange_members import run
from members.test_interchange_readers import write_csv, write_xlsx

D = dt.date
HEADER = ["person_id", "full_name", "birth_date", "occupation", "org_code",
          "class_code", "class_ended_on", "passed"]  # fmt: skip
VI_HEADER = ["Mã người", "Họ và tên", "Ngày sinh", "Nghề nghiệp", "Mã đơn vị",
             "Mã lớp", "Ngày bế giảng", "Đạt"]  # fmt: skip
GOOD = [
    ["P-1", "Nguyễn Thị Minh Khai", "1999-05-06", "student", "C1", "L-2024-1", "2024-06-30", "yes"],
    ["P-2", "Trần Văn An", "12/01/1995", "teacher", "C2", "L-2024-1", "30/06/2024", "có"],
    ["P-3", "Lê  Bình", "1990-02-03", "", "C2", "L-2024-2", "2024-11-15", "KHÔNG"],
    ["P-1", "Nguyễn Thị Minh Khai", "06/05/1999", "student", "C1", "L-2024-3", "2024-12-01", "0"],
    ["P-4", "Võ Hải", "1988-08-08", "farmer", "C3", "L-2024-4", "2024-10-10", "TRUE"],
]  # fmt: skip

# Date cells, a real boolean, a number, a Vietnamese occupation label, a name in other case.
WORKBOOK = [
    ["P-3", "Lê Bình", D(1990, 2, 3), None, "C2", "L-2024-2", D(2024, 11, 15), True],
    ["P-2", "trần văn an", "1995-01-12", "teacher", "C2", "L-2024-1", "2024-06-30", 1],
    ["P-5", "Đặng Thu", "2001-03-03", "Học sinh, sinh viên", "C2", "L-2024-2", "2024-11-15", "Không"],
]  # fmt: skip


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def counts() -> dict[str, int]:
    models = (Candidate, AwarenessClass, Attendance, AuditEntry, ImportJob)
    return {m.__name__: m.objects.count() for m in models}


def scoped(path, root: Organization, actor=None):  # type: ignore[no-untyped-def]
    with path.open("rb") as source:
        return import_file(
            kind="classes",
            source=source,
            name=path.name,
            ctx=ImportContext(actor=actor, root=root),
        )


def where(report) -> list[tuple[int | None, str | None]]:  # type: ignore[no-untyped-def]
    return [(e.line, e.column) for e in report.errors]


def propose(world, cell: str, person_id: str, name: str = "Phan Văn Cũ", **extra):  # type: ignore[no-untyped-def]
    family, *middle, given = name.split()
    data = {"birth_date": D(1992, 4, 4), "gender": "male", "proposed_on": D(2024, 1, 5)} | extra
    return candidate_propose(
        actor=None,
        org=world.org(cell),
        family_name=family,
        middle_name=" ".join(middle),
        given_name=given,
        person_id=person_id,
        **data,
    )


# --- good files ---------------------------------------------------------------------------


def test_a_good_file_creates_people_classes_and_attendances_and_again_changes_nothing(
    world, tmp_path
):
    path = write_csv(tmp_path / "classes.csv", [HEADER, *GOOD])
    report = run(path, "classes")
    assert report.errors == []
    assert (report.rows, report.created, report.updated, report.unchanged) == (5, 5, 0, 0)

    khai = Candidate.objects.get(person_id="P-1")
    assert (khai.family_name, khai.middle_name, khai.given_name) == ("Nguyễn", "Thị Minh", "Khai")
    assert (khai.birth_date, khai.gender, khai.occupation) == (D(1999, 5, 6), "", "student")
    assert (khai.org.code, khai.source, khai.proposed_on) == ("C1", "other", D(2024, 6, 30))
    assert khai.stage == Stage.CLASS_ATTENDED and khai.stage_since == D(2024, 6, 30)
    binh = Candidate.objects.get(person_id="P-3")
    assert (binh.family_name, binh.middle_name, binh.given_name) == ("Lê", "", "Bình")
    assert (binh.occupation, binh.stage) == ("other", Stage.SYMPATHIZER)

    classes = {k.code: (k.org.code, k.ended_on) for k in AwarenessClass.objects.all()}
    assert classes == {
        "L-2024-1": ("D1", D(2024, 6, 30)),  # sent by C1 (under G1) and C2 (under D1)
        "L-2024-2": ("D1", D(2024, 11, 15)),  # sent by C2 alone: the committee above it
        "L-2024-3": ("G1", D(2024, 12, 1)),  # sent by C1 alone
        "L-2024-4": ("D2", D(2024, 10, 10)),
    }
    got = {
        (a.awareness_class.code, a.candidate.person_id): (a.org.code, a.passed)
        for a in Attendance.objects.select_related("awareness_class", "candidate", "org")
    }
    assert got == {
        ("L-2024-1", "P-1"): ("C1", True),
        ("L-2024-1", "P-2"): ("C2", True),
        ("L-2024-2", "P-3"): ("C2", False),
        ("L-2024-3", "P-1"): ("C1", False),
        ("L-2024-4", "P-4"): ("C3", True),
    }
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("recruitment.propose") == 4
    assert actions.count("recruitment.class.create") == 4
    assert actions.count("recruitment.class.attendance") == 5
    assert actions.count("import.classes") == 1

    before = counts()
    again = run(path, "classes")
    assert (again.errors, again.created, again.updated, again.unchanged) == ([], 0, 0, 5)
    assert counts() == before  # not even an audit row


def test_a_workbook_with_vietnamese_headers_updates_a_result_and_keeps_the_certificate(
    world, tmp_path
):
    run(write_csv(tmp_path / "classes.csv", [HEADER, *GOOD]), "classes")
    attendance = Attendance.objects.get(awareness_class__code="L-2024-2")
    attendance_record(
        actor=None,
        awareness_class=attendance.awareness_class,
        candidate=attendance.candidate,
        passed=False,
        certificate_no="GCN-7",
    )
    path = write_xlsx(tmp_path / "classes.xlsx", [VI_HEADER, *WORKBOOK])
    report = run(path, "classes")
    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    attendance.refresh_from_db()
    assert (attendance.passed, attendance.certificate_no) == (True, "GCN-7")
    assert Candidate.objects.get(person_id="P-3").stage == Stage.CLASS_ATTENDED
    thu = Candidate.objects.get(person_id="P-5")
    assert (thu.given_name, thu.org.code) == ("Thu", "C2")


def test_a_person_already_proposed_gets_the_class_and_keeps_their_data(world, tmp_path):
    old = propose(world, "C2", "P-OLD", occupation="worker", education="12/12")
    klass = class_create(
        actor=None,
        org=world.org("D1"),
        code="L-OLD",
        ended_on=D(2024, 3, 1),
        started_on=D(2024, 2, 20),
    )
    path = write_csv(
        tmp_path / "c.csv",
        [
            HEADER,
            ["P-OLD", "Phan Văn Cũ", "1992-04-04", "student", "C2", "L-OLD", "2024-03-01", "yes"],
            ["P-NEW", "Mai Lan", "1998-04-04", "", "C1", "L-OLD", "01/03/2024", "yes"],
        ],
    )
    report = run(path, "classes")
    assert (report.errors, report.created) == ([], 2)
    old.refresh_from_db()
    assert (old.occupation, old.education, old.gender, old.stage) == (
        "worker",
        "12/12",
        "male",
        Stage.CLASS_ATTENDED,
    )
    assert AwarenessClass.objects.get().pk == klass.pk  # the recorded class, not a new one
    new = Candidate.objects.get(person_id="P-NEW")
    assert new.proposed_on == D(2024, 2, 20)  # the day the class starts


def test_attendees_of_a_class_still_running_may_be_listed_without_results(world, tmp_path):
    soon = timezone.localdate() + dt.timedelta(days=20)
    path = write_csv(
        tmp_path / "c.csv",
        [HEADER, ["P-9", "Hồ Xuân", "2000-01-01", "", "C1", "L-NOW", soon.isoformat(), "no"]],
    )
    report = run(path, "classes")
    assert report.errors == []
    candidate = Candidate.objects.get(person_id="P-9")
    assert candidate.proposed_on == timezone.localdate()  # not a day in the future
    assert AwarenessClass.objects.get(code="L-NOW").ended_on == soon


# --- refused files --------------------------------------------------------------------------


def test_every_bad_row_is_reported_with_its_reason_and_nothing_is_written(world, tmp_path):
    for person_id in ("P-OLD", "P-OLD2", "P-OLD3"):
        propose(world, "C2", person_id)
    class_create(actor=None, org=world.org("D1"), code="L-OLD", ended_on=D(2024, 3, 1))
    Organization.objects.filter(code="C3").update(status="dissolved", dissolved_on=D(2024, 1, 1))
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    before = counts()
    rows = [
        HEADER,
        ["P-1", "An Bình", "1999-01-01", "", "C1", "L-1", "2024-06-30", "yes"],  # 2 good
        ["P-2", "An Bình", "1999-01-01", "", "NOPE", "L-1", "2024-06-30", "yes"],  # 3
        ["P-3", "An Bình", "1999-01-01", "", "G1", "L-1", "2024-06-30", "yes"],  # 4 not a cell
        ["P-4", "An Bình", "1999-01-01", "", "C3", "L-1", "2024-06-30", "yes"],  # 5 dissolved
        ["P-5", "An Bình", "1999-01-01", "", "C1", "L-1", "2024-06-30", "maybe"],  # 6
        ["P-6", "An Bình", "31/02/1999", "", "C1", "L-1", "2024-06-30", "no"],  # 7
        ["P-7", "An Bình", tomorrow, "", "C1", "L-1", "2024-06-30", "no"],  # 8
        ["P-8", "An Bình", "1999-01-01", "", "C1", "L-2", tomorrow, "yes"],  # 9 no results yet
        ["P-1", "An Bình", "1999-01-01", "", "C1", "L-1", "2024-06-30", "no"],  # 10 twice
        ["P-OLD", "Phan Văn Mới", "1992-04-04", "", "C2", "L-1", "2024-06-30", "yes"],  # 11
        ["P-OLD2", "Phan Văn Cũ", "1992-04-05", "", "C2", "L-1", "2024-06-30", "yes"],  # 12
        ["P-OLD3", "Phan Văn Cũ", "1992-04-04", "", "C1", "L-1", "2024-06-30", "yes"],  # 13
        ["P-10", "An Bình", "1999-01-01", "", "C1", "L-OLD", "2024-03-02", "yes"],  # 14
        ["P-11", "An Bình", "1999-01-01", "", "C1", "L-1", "2024-07-01", "yes"],  # 15
        ["P-1", "An Bình", "1999-01-02", "", "C2", "L-5", "2024-06-30", "yes"],  # 16
        ["", "", "", "", "", "", "", ""],  # blank: skipped
        ["", "An Bình", "1999-01-01", "astronaut", "C1", "L-1", "2024-06-30", ""],  # 18
    ]
    report = run(write_csv(tmp_path / "bad.csv", rows), "classes")
    assert where(report) == [
        (3, "org_code"),
        (4, "org_code"),
        (5, "org_code"),
        (6, "passed"),
        (7, "birth_date"),
        (8, "birth_date"),
        (9, "passed"),
        (10, "person_id"),
        (11, "full_name"),
        (12, "birth_date"),
        (13, "org_code"),
        (14, "class_ended_on"),
        (15, "class_ended_on"),
        (16, "birth_date"),
        (16, "org_code"),
        (18, "occupation"),
        (18, "passed"),
        (18, "person_id"),
    ]
    messages = {(e.line, e.column): e.message for e in report.errors}
    assert messages[(3, "org_code")] == "There is no unit with the code NOPE."
    assert "not one" in messages[(4, "org_code")] and "Đảng bộ xã X" in messages[(4, "org_code")]
    assert "“maybe” is neither yes nor no" in messages[(6, "passed")]
    assert messages[(7, "birth_date")] == "There is no such day as 31/02/1999."
    assert messages[(8, "birth_date")] == "The date is in the future."
    assert messages[(9, "passed")] == "A class that has not ended yet has no results."
    assert "line 2" in messages[(10, "person_id")]
    assert "Phan Văn Cũ" in messages[(11, "full_name")]
    assert "04/04/1992" in messages[(12, "birth_date")]
    assert messages[(13, "org_code")] == "The person P-OLD3 is kept by unit C2."
    assert "01/03/2024" in messages[(14, "class_ended_on")]
    assert "line 2" in messages[(15, "class_ended_on")]
    assert messages[(18, "person_id")] == "A value is required."
    assert counts() == before


def test_a_missing_column_and_an_unknown_one_refuse_the_file(world, tmp_path):
    header = [h for h in HEADER if h != "passed"] + ["remarks"]
    path = write_csv(tmp_path / "c.csv", [header, ["P-1", "An", "1999-01-01", "", "C1", "L", "2024-01-01", "x"]])  # fmt: skip
    report = run(path, "classes")
    assert set(where(report)) == {(1, "passed"), (1, "remarks")}
    assert not Candidate.objects.exists()


# --- scope ----------------------------------------------------------------------------------


def test_a_clerk_cannot_import_into_a_unit_of_another_subtree(world, tmp_path):
    before = counts()
    path = write_csv(
        tmp_path / "c.csv",
        [
            HEADER,
            ["P-1", "An Bình", "1999-01-01", "", "C1", "L-1", "2024-06-30", "yes"],
            ["P-2", "An Bình", "1999-01-01", "", "C3", "L-1", "2024-06-30", "yes"],
        ],
    )
    report = scoped(path, world.org("D1"), actor=world.users["alice"])
    assert where(report) == [(3, "org_code")]
    assert report.errors[0].message == "Unit C3 is unknown or outside your scope."
    assert counts() == before


def test_a_clerk_cannot_reach_a_person_kept_in_another_subtree(world, tmp_path):
    propose(world, "C3", "P-BOB")
    before = counts()
    path = write_csv(
        tmp_path / "c.csv",
        [HEADER, ["P-BOB", "Nguyễn Khác", "1970-01-01", "", "C1", "L-1", "2024-06-30", "yes"]],
    )
    report = scoped(path, world.org("D1"), actor=world.users["alice"])
    assert where(report) == [(2, "person_id")]
    message = report.errors[0].message
    assert "outside your scope" in message and "Phan" not in message and "C3" not in message
    assert counts() == before


def test_a_web_import_puts_a_new_class_inside_its_subtree_and_audits_the_clerk(world, tmp_path):
    path = write_csv(
        tmp_path / "c.csv",
        [HEADER, ["P-1", "An Bình", "1999-01-01", "", "C2", "L-1", "2024-06-30", "yes"]],
    )
    report = scoped(path, world.org("C2"), actor=world.users["alice"])
    assert report.errors == []
    assert AwarenessClass.objects.get().org.code == "C2"  # D1 lies above the chosen unit
    entry = AuditEntry.objects.get(action="import.classes")
    assert entry.actor_id == world.users["alice"].pk


# --- the command line -------------------------------------------------------------------------


def test_the_command_imports_classes_and_prints_the_report(world, tmp_path, capsys):
    path = write_csv(tmp_path / "c.csv", [HEADER, *GOOD])
    call_command("import", "classes", str(path))
    out = json.loads(capsys.readouterr().out)
    assert (out["kind"], out["rows"], out["created"], out["errors"]) == ("classes", 5, 5, [])


def test_the_command_fails_on_a_bad_file_and_writes_nothing(world, tmp_path, capsys):
    bad = [HEADER, ["P-1", "An Bình", "1999-01-01", "", "NOPE", "L-1", "2024-06-30", "yes"]]
    with pytest.raises(CommandError):
        call_command("import", "classes", str(write_csv(tmp_path / "c.csv", bad)))
    captured = capsys.readouterr()
    assert json.loads(captured.out)["errors"][0]["column"] == "org_code"
    assert "line 2, org_code" in captured.err
    assert not Candidate.objects.exists()


def test_the_command_lists_classes_among_its_kinds():
    done = subprocess.run(
        [".venv/bin/chibo", "import", "--help"], capture_output=True, text=True, check=True
    )
    assert "classes" in done.stdout


def test_the_upload_page_takes_a_class_file_too(world, client_for, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from chibo.members.models import ImportJob

    settings.MEDIA_ROOT = tmp_path / "media"
    alice = client_for("alice")
    page = alice.get(reverse("members:import")).content.decode()
    assert 'value="classes"' in page and 'value="targets"' in page
    body = write_csv(tmp_path / "classes.csv", [HEADER, *GOOD[:4]]).read_bytes()  # D1 only
    response = alice.post(
        reverse("members:import"),
        {"kind": "classes", "org": "D1",
         "file": SimpleUploadedFile("classes.csv", body, content_type="text/csv")},
    )  # fmt: skip
    assert response.status_code == 302
    job = ImportJob.objects.get()
    with translation.override("en"):  # the request switched to the user's language
        assert (job.kind, job.status, job.kind_label) == ("classes", "done", "Awareness classes")
    assert Candidate.objects.filter(org__path__startswith=world.org("D1").path).exists()

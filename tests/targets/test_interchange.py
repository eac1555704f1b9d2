"""`chibo import targets`: all or nothing, Vietnamese headers, re-import changes nothing."""

import json
import subprocess
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation

from chibo.core.audit import AuditEntry
from chibo.members.interchange.base import ImportContext
from chibo.targets.models import Target
from members.test_interchange_members import run
from members.test_interchange_readers import write_csv, write_xlsx

HEADER = ["org_code", "year", "metric", "value"]
VI_HEADER = ["Mã đơn vị", "Năm", "Chỉ tiêu", "Giá trị"]
GOOD = [
    ["D1", "2025", "admissions", "40"],
    ["D1", "2025", "admissions:student", "8"],
    ["D2", "2025", "admissions", "30"],
    ["BT", "2025", "good_or_better_percent", "75"],
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def rows() -> tuple[int, int]:
    return Target.objects.count(), AuditEntry.objects.count()


def test_a_good_file_sets_every_target_and_again_changes_nothing(world, tmp_path):
    path = write_csv(tmp_path / "t.csv", [HEADER, *GOOD])
    report = run(path, "targets")
    assert report.errors == [] and (report.created, report.updated) == (4, 0)
    got = {(t.org.code, t.metric, t.segment, t.first_year): t.value for t in Target.objects.all()}
    assert got == {
        ("D1", "admissions", "", 2025): Decimal("40"),
        ("D1", "admissions", "student", 2025): Decimal("8"),
        ("D2", "admissions", "", 2025): Decimal("30"),
        ("BT", "good_or_better_percent", "", 2025): Decimal("75"),
    }
    before = rows()
    again = run(path, "targets")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert rows() == before  # not even an audit row


def test_a_workbook_with_vietnamese_headers_updates_a_value(world, tmp_path):
    run(write_csv(tmp_path / "t.csv", [HEADER, *GOOD]), "targets")
    path = write_xlsx(tmp_path / "t.xlsx", [VI_HEADER, ["D1", 2025, "admissions", 44]])
    report = run(path, "targets")
    assert (report.created, report.updated, report.errors) == (0, 1, [])
    assert Target.objects.get(org__code="D1", segment="").value == Decimal("44")


def test_every_bad_row_is_reported_and_nothing_written(world, tmp_path):
    before = rows()
    path = write_csv(
        tmp_path / "t.csv",
        [
            HEADER,
            ["D1", "2025", "admissions", "40"],  # good, but the file fails
            ["NOPE", "2025", "admissions", "1"],
            ["D1", "năm", "admissions", "1"],
            ["D1", "2025", "members", "1"],
            ["D1", "2025", "admissions:astronaut", "1"],
            ["D1", "2026", "admissions", "-3"],
            ["D1", "2026", "admissions", "2.5"],
            ["BT", "2025", "good_or_better_percent", "120"],
            ["D1", "2025", "admissions", "41"],  # the same target as line 2
        ],
    )
    report = run(path, "targets")
    assert [(e.line, e.column) for e in report.errors] == [
        (3, "org_code"),
        (4, "year"),
        (5, "metric"),
        (6, "metric"),
        (7, "value"),
        (8, "value"),
        (9, "value"),
        (10, "metric"),
    ]
    assert "line 2" in report.errors[-1].message
    assert rows() == before


def test_an_upload_scoped_to_a_subtree_knows_no_unit_outside_it(world, tmp_path):
    path = write_csv(tmp_path / "t.csv", [HEADER, ["D2", "2025", "admissions", "3"]])
    with path.open("rb") as source:
        from chibo.members.interchange.importers import import_file

        report = import_file(
            kind="targets",
            source=source,
            name=path.name,
            ctx=ImportContext(actor=world.users["alice"], root=world.org("D1")),
        )
    assert [(e.line, e.column) for e in report.errors] == [(2, "org_code")]
    assert "outside your scope" in report.errors[0].message
    assert not Target.objects.exists()


def test_the_command_takes_targets(world, tmp_path, capsys):
    path = write_csv(tmp_path / "t.csv", [HEADER, *GOOD])
    call_command("import", "targets", str(path))
    assert json.loads(capsys.readouterr().out)["created"] == 4


def test_the_command_lists_targets_among_its_kinds():
    done = subprocess.run(
        [".venv/bin/chibo", "import", "--help"], capture_output=True, text=True, check=True
    )
    assert "targets" in done.stdout

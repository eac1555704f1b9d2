"""`chibo import classifications`: past years' decided levels, all or nothing.

The rows of a year go into one closed, imported campaign at the root of the tree (BT);
importing the same file again changes nothing, another level updates the imported row,
and a subject of a campaign worked in Chibo is re-rated there, not by a file.
"""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.utils import translation

from chibo.assessment.models import Assessment, AssessmentStatus, Campaign
from chibo.assessment.rules import Level, RuleSet
from chibo.assessment.selectors import classification_levels
from chibo.core.errors import RuleViolation
from chibo.core.models import AuditEntry
from chibo.members.interchange import columns as col
from chibo.members.interchange.base import ImportContext
from chibo.members.interchange.importers import import_file
from chibo.members.interchange.registry import LABELS
from chibo.orgs.services import org_establish
from members.test_interchange_members import run
from members.test_interchange_readers import write_csv, write_xlsx

from .helpers import decided, open_campaign, row

TODAY = dt.date(2025, 6, 30)
HEADER = ["year", "subject", "code", "level"]
VI_HEADER = ["Năm", "Đối tượng", "Mã", "Xếp loại"]
GOOD = [
    ["2023", "org", "G1", "excellent"],
    ["2023", "org", "C1", "good"],
    ["2023", "org", "C3", "complete"],
    ["2023", "org", "D1", "good"],
    ["2023", "member", "M-MINH", "good"],
    ["2023", "member", "M-DUC", "excellent"],
    ["2023", "member", "M-HAI", "not_complete"],
    ["2025", "member", "M-MINH", "complete"],
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def counts() -> tuple[int, int, int]:
    return Campaign.objects.count(), Assessment.objects.count(), AuditEntry.objects.count()


def _levels(ex=0, good=0, comp=0, nc=0, uncl=0, gob=None, exc=None):  # type: ignore[no-untyped-def]
    return {
        "excellent": ex,
        "good": good,
        "complete": comp,
        "not_complete": nc,
        "unclassified": uncl,
        "good_or_better_percent": gob,
        "excellent_percent": exc,
    }


def test_the_kind_is_registered_with_its_columns():
    assert "classifications" in col.IMPORT_KINDS
    assert str(LABELS["classifications"]) == "Classifications"
    assert col.keys("classifications") == HEADER


def test_a_good_file_loads_closed_imported_campaigns_and_again_changes_nothing(world, tmp_path):
    path = write_csv(tmp_path / "c.csv", [HEADER, *GOOD])
    report = run(path, "classifications", today=TODAY)
    assert report.errors == []
    assert (report.rows, report.created, report.updated, report.unchanged) == (8, 8, 0, 0)

    campaigns = {c.year: c for c in Campaign.objects.all()}
    assert set(campaigns) == {2023, 2025}
    for year, rules in ((2023, RuleSet.LEVELS_2019), (2025, RuleSet.SCORE_2025)):
        campaign = campaigns[year]
        assert campaign.imported and campaign.status == Campaign.Status.CLOSED
        assert campaign.org.code == "BT" and campaign.rule_set == rules
    minh = Assessment.objects.get(campaign__year=2023, member=world.members["minh"])
    assert (minh.status, minh.level, minh.org.code) == (AssessmentStatus.DECIDED, "good", "C1")
    assert minh.org_path == world.org("C1").path
    # deeper units first, each before its members
    order = Assessment.objects.filter(campaign=campaigns[2023]).order_by("order")
    assert [a.member.member_code if a.member else a.org.code for a in order] == [
        "C1", "M-DUC", "M-MINH", "G1", "C3", "M-HAI", "D1",
    ]  # fmt: skip

    got = classification_levels(world.org("BT"), 2023)
    assert got["members"] == _levels(ex=1, good=1, nc=1, gob="66.67", exc="33.33")
    assert got["grassroots"] == _levels(ex=1, comp=1, gob="50.00", exc="50.00")
    assert got["units_by_kind"]["upper_committee"] == _levels(good=1, gob="100.00", exc="0.00")
    assert classification_levels(world.org("D2"), 2023)["members"] == _levels(
        nc=1, gob="0.00", exc="0.00"
    )
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"import.classifications", "assessment.campaign_import"} <= actions

    before = counts()
    again = run(path, "classifications", today=TODAY)
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 8, [])
    assert counts() == before  # not even an audit row


def test_a_workbook_with_vietnamese_headers_and_words_updates_a_level(world, tmp_path):
    run(write_csv(tmp_path / "c.csv", [HEADER, *GOOD]), "classifications", today=TODAY)
    rows = [
        [2023, "đảng viên", "M-MINH", "Hoàn thành xuất sắc nhiệm vụ"],  # was good
        [2023, "Đơn vị", "G1", "xuất sắc"],  # unchanged
    ]
    late = [2024, "Đảng viên", "M-LAN", "hoàn thành"]  # Lan was admitted only in 2025
    report = run(write_xlsx(tmp_path / "bad.xlsx", [VI_HEADER, *rows, late]), "classifications")
    assert [(e.line, e.column) for e in report.errors] == [(4, "year")]

    before = counts()
    report = run(write_xlsx(tmp_path / "c.xlsx", [VI_HEADER, *rows]), "classifications")
    assert (report.created, report.updated, report.unchanged, report.errors) == (0, 1, 1, [])
    minh = Assessment.objects.get(campaign__year=2023, member=world.members["minh"])
    assert (minh.level, minh.version) == (Level.EXCELLENT, 2)
    entry = AuditEntry.objects.get(action="assessment.import_update")
    assert entry.changes == {"level": ["good", "excellent"]}
    assert counts() == (before[0], before[1], before[2] + 2)  # the update and the import


def test_every_bad_row_is_reported_and_nothing_written(world, tmp_path):
    org_establish(
        actor=None,
        parent=None,
        code="TW",
        name="Trung ương",
        kind="central",
        sector="other",
        established_on=dt.date(2000, 1, 1),
    )
    live = open_campaign(world, "D2", year=2022)
    decided(row(live, member=world.members["hai"]), Level.GOOD)
    before = counts()
    path = write_csv(
        tmp_path / "c.csv",
        [
            HEADER,
            ["2022", "org", "G1", "good"],  # good, but the file fails
            ["2022", "org", "NOPE", "good"],
            ["2022", "member", "M-NOBODY", "good"],
            ["2022", "org", "C1", "great"],
            ["năm", "org", "C1", "good"],
            ["1800", "org", "C2", "good"],
            ["2026", "org", "C2", "good"],
            ["2022", "org", "TW", "good"],
            ["2022", "unit-x", "C2", "good"],
            ["2022", "org", "G1", "complete"],  # G1 and 2022 again (line 2)
            ["2022", "member", "M-HAI", "excellent"],  # decided good in D2's campaign
            ["2022", "org", "C3", "good"],  # in D2's campaign, not decided
            ["2022", "member", "M-LAN", "good"],  # admitted in 2025
            ["2022", "member", "M-HAI", "good"],  # M-HAI and 2022 again (line 12)
            ["2022", "leader", "M-MINH", "good"],  # a leader's rating is not in the file
        ],
    )
    report = run(path, "classifications", today=TODAY)
    assert [(e.line, e.column) for e in report.errors] == [
        (3, "code"),
        (4, "code"),
        (5, "level"),
        (6, "year"),
        (7, "year"),
        (8, "year"),
        (9, "code"),
        (10, "subject"),
        (11, "code"),
        (12, "code"),
        (13, "code"),
        (14, "year"),
        (15, "code"),
        (16, "subject"),
    ]
    messages = {e.line: e.message for e in report.errors}
    assert "no unit with the code NOPE" in messages[3]
    assert "no member with the id M-NOBODY" in messages[4]
    assert "from 1930 to 2025" in messages[7]
    assert "Central" in messages[9]
    assert "line 2" in messages[11] and "line 12" in messages[15]
    assert "campaign of Huyện ủy B" in messages[12] and "re-rate it there" in messages[12]
    assert "campaign of Huyện ủy B" in messages[13]
    assert (report.created, report.unchanged) == (1, 0)  # line 2, had the file been right
    assert counts() == before


def test_a_subject_decided_at_the_same_level_in_a_live_campaign_is_unchanged(world, tmp_path):
    live = open_campaign(world, "D2", year=2022)
    decided(row(live, member=world.members["hai"]), Level.GOOD)
    before = counts()
    path = write_csv(tmp_path / "c.csv", [HEADER, ["2022", "member", "M-HAI", "good"]])
    report = run(path, "classifications", today=TODAY)
    assert (report.created, report.unchanged, report.errors) == (0, 1, [])
    assert counts() == before


def test_an_upload_scoped_to_a_subtree_knows_no_subject_outside_it(world, tmp_path):
    path = write_csv(
        tmp_path / "c.csv",
        [HEADER, ["2023", "member", "M-HAI", "good"], ["2023", "org", "C3", "good"]],
    )
    with path.open("rb") as source:
        report = import_file(
            kind="classifications",
            source=source,
            name=path.name,
            ctx=ImportContext(actor=world.users["alice"], root=world.org("D1"), today=TODAY),
        )
    assert [(e.line, e.column) for e in report.errors] == [(2, "code"), (3, "code")]
    assert all("outside your scope" in e.message for e in report.errors)
    assert not Assessment.objects.exists()


def test_a_year_imported_is_not_opened_again(world, tmp_path):
    run(write_csv(tmp_path / "c.csv", [HEADER, *GOOD]), "classifications", today=TODAY)
    with pytest.raises(RuleViolation):
        open_campaign(world, "D2", year=2023)


def test_the_command_takes_classifications(world, tmp_path, capsys):
    path = write_csv(tmp_path / "c.csv", [HEADER, *GOOD[:7]])
    call_command("import", "classifications", str(path))
    assert json.loads(capsys.readouterr().out)["created"] == 7

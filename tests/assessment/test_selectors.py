"""Progress per unit and the counts per level, against figures worked out by hand."""

from chibo.assessment import selectors, services
from chibo.assessment.models import AssessmentStatus
from chibo.assessment.rules import Level

from .helpers import YEAR, decided, open_campaign, row


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


def _classify_province(world):  # type: ignore[no-untyped-def]
    campaign = open_campaign(world)
    m = world.members
    decided(row(campaign, member=m["minh"]), Level.GOOD)
    decided(row(campaign, member=m["duc"]), Level.GOOD)
    decided(row(campaign, member=m["lan"]), Level.COMPLETE)
    services.self_assess(actor=None, assessment=row(campaign, member=m["hai"]), level=Level.GOOD)
    decided(row(campaign, org=world.org("C1")), Level.GOOD)
    decided(row(campaign, org=world.org("G1")), Level.EXCELLENT)
    decided(row(campaign, org=world.org("C2")), Level.COMPLETE)
    return campaign


def test_classification_levels_counts_decided_subjects(world):
    _classify_province(world)
    got = selectors.classification_levels(world.org("BT"), YEAR)
    assert got["org"] == "BT" and got["year"] == YEAR
    # members: 2 good, 1 complete of 3 classified; Hai not yet decided
    assert got["members"] == _levels(good=2, comp=1, uncl=1, gob="66.67", exc="0.00")
    assert got["units_by_kind"] == {
        "provincial_committee": _levels(uncl=1),
        "upper_committee": _levels(uncl=2),
        "district_committee": _levels(),
        "partial_committee": _levels(),
        "grassroots_committee": _levels(ex=1, gob="100.00", exc="100.00"),
        "grassroots_cell": _levels(comp=1, uncl=1, gob="0.00", exc="0.00"),
        "subordinate_cell": _levels(good=1, gob="100.00", exc="0.00"),
    }
    # G1 excellent, C2 complete, C3 unclassified
    assert got["grassroots"] == _levels(ex=1, comp=1, uncl=1, gob="50.00", exc="50.00")


def test_classification_levels_is_null_where_nothing_is_classified(world):
    _classify_province(world)
    got = selectors.classification_levels(world.org("D2"), YEAR)
    assert got["members"] == _levels(uncl=1)
    assert got["grassroots"] == _levels(uncl=1)
    assert selectors.classification_levels(world.org("BT"), YEAR + 1)["members"] == _levels()


def test_a_rerated_subject_counts_at_its_new_level(world):
    campaign = _classify_province(world)
    services.rerate(
        actor=None,
        assessment=row(campaign, member=world.members["lan"]),
        level=Level.NOT_COMPLETE,
        reason="Absent",
    )
    got = selectors.classification_levels(world.org("D1"), YEAR)
    assert got["members"] == _levels(good=2, nc=1, gob="66.67", exc="0.00")


def test_progress_counts_each_unit_and_its_members_per_status(world):
    campaign = _classify_province(world)
    rows = selectors.campaign_progress(campaign)
    assert [(r["org"].code, r["status"], r["total"]) for r in rows] == [
        ("C1", AssessmentStatus.DECIDED, 3),
        ("G1", AssessmentStatus.DECIDED, 1),
        ("C2", AssessmentStatus.DECIDED, 2),
        ("C3", AssessmentStatus.NOT_STARTED, 2),
        ("D1", AssessmentStatus.NOT_STARTED, 1),
        ("D2", AssessmentStatus.NOT_STARTED, 1),
        ("BT", AssessmentStatus.NOT_STARTED, 1),
    ]
    assert rows[3]["counts"] == {
        "not_started": 1,
        "self_assessed": 1,
        "appraised": 0,
        "decided": 0,
    }
    within = selectors.campaign_progress(campaign, world.org("D2"))
    assert [r["org"].code for r in within] == ["C3", "D2"]


def test_assessments_move_with_their_unit_when_the_tree_is_restructured(world):
    import datetime as dt

    from chibo.orgs.services import Decision, org_move

    campaign = _classify_province(world)
    org_move(
        actor=None,
        org=world.org("G1"),
        new_parent=world.org("D2"),
        decision=Decision(number="9-QĐ/TU", date=dt.date(2025, 1, 1), issuer="Tỉnh ủy"),
    )
    minh = row(campaign, member=world.members["minh"])
    assert minh.org_path == world.org("C1").path
    assert minh.org_path.startswith(world.org("D2").path)
    moved = selectors.classification_levels(world.org("D2"), YEAR)
    assert moved["members"] == _levels(good=2, uncl=1, gob="100.00", exc="0.00")

"""The classification step by step: every rule refused at its boundary with nothing written,
campaigns opened in working order and once per period, re-rating keeps the old level."""

import pytest
from django.utils import translation

from chibo.assessment import services
from chibo.assessment.models import Assessment, AssessmentStatus, Campaign, PeriodKind
from chibo.assessment.rules import Level, RuleSet
from chibo.core.audit import AuditEntry
from chibo.core.errors import RuleViolation, StaleEdit

from .helpers import YEAR, appraised, decide_members, decided, more_members, open_campaign, row


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


def _snapshot() -> tuple:  # type: ignore[type-arg]
    return (
        Campaign.objects.count(),
        sorted(
            Assessment.objects.values_list(
                "id",
                "status",
                "self_level",
                "self_total",
                "downgraded",
                "proposed_level",
                "disciplined",
                "level",
                "previous_level",
                "cancelled_reason",
                "version",
            )
        ),
        AuditEntry.objects.count(),
    )


def _refused(call, match: str) -> None:  # type: ignore[no-untyped-def]
    before = _snapshot()
    with pytest.raises(RuleViolation, match=match):
        call()
    assert _snapshot() == before


# --- opening a campaign ------------------------------------------------------------------


def test_a_campaign_lists_units_and_members_in_working_order(world):
    campaign = open_campaign(world)
    got = [
        (a.org.code, a.member.member_code if a.member else None, a.order)
        for a in Assessment.objects.filter(campaign=campaign).select_related("org", "member")
    ]
    # deeper units first, each unit before its members (Đức before Minh: by given name)
    assert got == [
        (code, member, (i + 1) * services.ORDER_GAP)
        for i, (code, member) in enumerate(
            [
                ("C1", None),
                ("C1", "M-DUC"),
                ("C1", "M-MINH"),
                ("G1", None),
                ("C2", None),
                ("C2", "M-LAN"),
                ("C3", None),
                ("C3", "M-HAI"),
                # then the committees above them, the province last
                ("D1", None),
                ("D2", None),
                ("BT", None),
            ]
        )
    ]
    assert all(a.status == AssessmentStatus.NOT_STARTED for a in Assessment.objects.all())
    assert row(campaign, member=world.members["minh"]).org_path == world.org("C1").path
    entry = AuditEntry.objects.get(action="assessment.campaign_open")
    assert entry.changes["units"] == 7 and entry.changes["members"] == 4


def test_a_subtree_campaign_holds_only_its_subtree(world):
    campaign = open_campaign(world, "D2")
    got = [a.org.code for a in campaign.assessments.select_related("org")]
    assert got == ["C3", "C3", "D2"]  # the opening committee is rated too (by the level above)


def test_a_period_is_opened_once_over_any_unit(world):
    open_campaign(world, "D1")
    _refused(lambda: open_campaign(world, "D1"), "already covers")
    _refused(lambda: open_campaign(world, "BT"), "already covers")  # an ancestor
    _refused(lambda: open_campaign(world, "G1"), "already covers")  # a descendant
    open_campaign(world, "D2")  # a sibling
    open_campaign(world, "D1", year=YEAR + 1)
    open_campaign(world, "D1", period_kind=PeriodKind.QUARTER, quarter=2)
    _refused(
        lambda: open_campaign(world, "D1", period_kind=PeriodKind.QUARTER, quarter=5), "quarter"
    )
    assert Campaign.objects.count() == 4


# --- self-assessment and the 2025 score --------------------------------------------------


def test_the_2025_score_must_match_the_level(world):
    campaign = open_campaign(world, rule_set=RuleSet.SCORE_2025)
    a = row(campaign, member=world.members["minh"])
    a = services.self_assess(
        actor=None, assessment=a, level=Level.EXCELLENT, general=30, results=60
    )
    assert (a.self_total, a.downgraded, a.status) == (90, False, AssessmentStatus.SELF_ASSESSED)
    _refused(
        lambda: services.self_assess(
            actor=None, assessment=a, level=Level.EXCELLENT, general=29, results=60
        ),
        "A score of 89 gives “Well completed duties”",
    )
    _refused(
        lambda: services.self_assess(
            actor=None, assessment=a, level=Level.GOOD, general=31, results=50
        ),
        "general score must be",
    )
    _refused(
        lambda: services.self_assess(
            actor=None, assessment=a, level=Level.GOOD, general=10, results=71
        ),
        "results score must be",
    )
    _refused(
        lambda: services.self_assess(actor=None, assessment=a, level=Level.GOOD),
        "score must be",
    )


def test_a_self_rating_below_the_score_is_recorded_as_a_downgrade(world):
    campaign = open_campaign(world, rule_set=RuleSet.SCORE_2025)
    a = services.self_assess(
        actor=None,
        assessment=row(campaign, member=world.members["minh"]),
        level=Level.COMPLETE,
        general=25,
        results=60,
    )
    a.refresh_from_db()
    assert (a.self_level, a.self_total, a.downgraded) == (Level.COMPLETE, 85, True)
    entry = AuditEntry.objects.get(action="assessment.self_assess")
    assert entry.changes["downgraded"] == [False, True]


def test_the_2019_rules_take_no_score(world):
    campaign = open_campaign(world)
    a = row(campaign, member=world.members["minh"])
    _refused(
        lambda: services.self_assess(
            actor=None, assessment=a, level=Level.GOOD, general=20, results=50
        ),
        "no score",
    )


def test_a_stale_edit_is_refused(world):
    campaign = open_campaign(world)
    a = row(campaign, member=world.members["minh"])
    services.self_assess(actor=None, assessment=a, level=Level.GOOD, version=a.version)
    before = _snapshot()
    with pytest.raises(StaleEdit):
        services.self_assess(actor=None, assessment=a, level=Level.COMPLETE, version=a.version)
    assert _snapshot() == before


def test_steps_follow_the_workflow(world):
    campaign = open_campaign(world)
    a = row(campaign, member=world.members["minh"])
    _refused(lambda: services.decide(actor=None, assessment=a, level=Level.GOOD), "not possible")
    _refused(
        lambda: services.appraise(actor=None, assessment=a, proposed_level=Level.GOOD),
        "not possible",
    )


# --- (c) discipline ----------------------------------------------------------------------


def test_a_disciplined_member_cannot_be_rated_above_not_complete(world):
    campaign = open_campaign(world)
    a = services.self_assess(
        actor=None, assessment=row(campaign, member=world.members["minh"]), level=Level.GOOD
    )
    _refused(
        lambda: services.appraise(
            actor=None, assessment=a, proposed_level=Level.COMPLETE, disciplined=True
        ),
        "disciplined",
    )
    a = services.appraise(
        actor=None, assessment=a, proposed_level=Level.NOT_COMPLETE, disciplined=True
    )
    _refused(lambda: services.decide(actor=None, assessment=a, level=Level.COMPLETE), "disciplined")
    a = services.decide(actor=None, assessment=a, level=Level.NOT_COMPLETE)
    assert (a.level, a.status) == (Level.NOT_COMPLETE, AssessmentStatus.DECIDED)
    _refused(
        lambda: services.rerate(actor=None, assessment=a, level=Level.GOOD, reason="appeal"),
        "disciplined",
    )


# --- (a) excellent ≤ 20% of good in a grassroots organization ----------------------------


def test_excellent_members_may_be_exactly_a_fifth_of_the_good(world):
    more_members(world, 4)  # C1 (under G1): Minh, Duc and four more
    campaign = open_campaign(world, "D1")
    rows = list(Assessment.objects.filter(campaign=campaign, org__code="C1", member__isnull=False))
    for a in rows[:4]:
        decided(a, Level.GOOD)
    last_two = rows[4:]
    excellent = appraised(last_two[0], Level.EXCELLENT)
    # 1 excellent of 4 good is 25%: refused
    _refused(
        lambda: services.decide(actor=None, assessment=excellent, level=Level.EXCELLENT),
        "at most 20%",
    )
    decided(last_two[1], Level.GOOD)
    # 1 of 5 is exactly 20%: passes
    services.decide(actor=None, assessment=excellent, level=Level.EXCELLENT)
    # re-rating a good member down would make it 1 of 4 again
    _refused(
        lambda: services.rerate(
            actor=None, assessment=rows[0], level=Level.COMPLETE, reason="late dues"
        ),
        "at most 20%",
    )


def test_the_share_is_counted_per_grassroots_organization(world):
    more_members(world, 4)
    campaign = open_campaign(world, "D1")
    for a in Assessment.objects.filter(campaign=campaign, org__code="C1", member__isnull=False):
        decided(a, Level.GOOD)  # six good in G1
    # Lan's grassroots organization is her own cell C2, with no one rated good
    lan = appraised(row(campaign, member=world.members["lan"]), Level.EXCELLENT)
    _refused(
        lambda: services.decide(actor=None, assessment=lan, level=Level.EXCELLENT),
        "with 0 rated good, at most 0 excellent",
    )


# --- (b) a cell's level follows its members ----------------------------------------------


def test_a_cell_is_good_with_exactly_half_of_its_members_good(world):
    more_members(world, 2)  # C1: four members
    campaign = open_campaign(world, "D1")
    c1 = world.org("C1")
    decide_members(campaign, c1, [Level.GOOD, Level.GOOD, Level.COMPLETE, Level.COMPLETE])
    cell = decided(row(campaign, org=c1), Level.GOOD)
    assert cell.level == Level.GOOD


def test_a_cell_with_one_fewer_good_member_is_refused(world):
    more_members(world, 2)
    campaign = open_campaign(world, "D1")
    c1 = world.org("C1")
    decide_members(campaign, c1, [Level.GOOD, Level.COMPLETE, Level.COMPLETE, Level.COMPLETE])
    cell = appraised(row(campaign, org=c1), Level.GOOD)
    _refused(
        lambda: services.decide(actor=None, assessment=cell, level=Level.GOOD),
        "only 1 of its 4 rated members",
    )
    services.decide(actor=None, assessment=cell, level=Level.COMPLETE)


def test_a_cell_with_a_member_not_complete_is_not_good(world):
    more_members(world, 2)
    campaign = open_campaign(world, "D1")
    c1 = world.org("C1")
    decide_members(campaign, c1, [Level.GOOD, Level.GOOD, Level.GOOD, Level.NOT_COMPLETE])
    cell = appraised(row(campaign, org=c1), Level.EXCELLENT)
    _refused(
        lambda: services.decide(actor=None, assessment=cell, level=Level.EXCELLENT),
        "1 of its members did not complete",
    )


def test_a_cell_is_decided_after_its_members(world):
    campaign = open_campaign(world, "D1")
    c1 = world.org("C1")
    decided(row(campaign, member=world.members["minh"]), Level.GOOD)
    cell = appraised(row(campaign, org=c1), Level.COMPLETE)
    _refused(
        lambda: services.decide(actor=None, assessment=cell, level=Level.COMPLETE),
        "1 member",
    )


# --- re-rating ---------------------------------------------------------------------------


def test_rerating_keeps_the_previous_level_and_the_reason(world):
    campaign = open_campaign(world, "D1")
    a = decided(row(campaign, member=world.members["minh"]), Level.GOOD)
    _refused(
        lambda: services.rerate(actor=None, assessment=a, level=Level.COMPLETE, reason=" "),
        "reason",
    )
    a = services.rerate(
        actor=world.users["olga"], assessment=a, level=Level.COMPLETE, reason="Dues unpaid"
    )
    a.refresh_from_db()
    assert (a.previous_level, a.level, a.cancelled_reason) == (
        Level.GOOD,
        Level.COMPLETE,
        "Dues unpaid",
    )
    assert a.rerated_by == world.users["olga"]
    entry = AuditEntry.objects.get(action="assessment.rerate")
    assert entry.changes["level"] == [Level.GOOD, Level.COMPLETE]
    assert entry.changes["cancelled_reason"] == ["", "Dues unpaid"]


def test_a_closed_campaign_takes_no_more_steps(world):
    campaign = open_campaign(world, "D1")
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    _refused(
        lambda: services.self_assess(
            actor=None, assessment=row(campaign, member=world.members["minh"]), level=Level.GOOD
        ),
        "closed",
    )


def test_opening_a_campaign_takes_the_same_queries_for_any_number_of_members(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        open_campaign(world, year=2023)
    more_members(world, 12)
    with CaptureQueriesContext(connection) as many:
        open_campaign(world, year=2024)
    assert len(many) == len(few)
    assert Assessment.objects.filter(campaign__year=2024).count() == 7 + 4 + 12


# --- leaders ---------------------------------------------------------------------------------


def test_a_leader_is_rated_after_the_unit_besides_their_member_rating(world):
    from chibo.assessment.models import LeaderTitle, SubjectKind
    from chibo.assessment.selectors import classification_levels, deciding_unit

    campaign = open_campaign(world)
    g1, minh = world.org("G1"), world.members["minh"]
    leader = services.leader_add(
        actor=None, campaign=campaign, unit=g1, member=minh, title=LeaderTitle.SECRETARY
    )
    second = services.leader_add(
        actor=None,
        campaign=campaign,
        unit=g1,
        member=world.members["duc"],
        title="committee_member",
    )
    unit_row = row(campaign, org=g1)
    assert (leader.order, second.order) == (unit_row.order + 1, unit_row.order + 2)
    assert leader.subject_kind == SubjectKind.LEADER and deciding_unit(leader) == world.org("D1")
    # the same member keeps their own rating as a member of C1
    assert Assessment.objects.filter(campaign=campaign, member=minh).count() == 2
    # (c) holds for leaders too; their levels are not counted among units or members
    a = services.self_assess(actor=None, assessment=leader, level=Level.GOOD)
    a = services.appraise(
        actor=None, assessment=a, proposed_level=Level.NOT_COMPLETE, disciplined=True
    )
    _refused(lambda: services.decide(actor=None, assessment=a, level=Level.GOOD), "disciplined")
    services.decide(actor=None, assessment=a, level=Level.NOT_COMPLETE)
    got = classification_levels(world.org("BT"), YEAR)
    assert got["members"]["not_complete"] == 0 and got["members"]["unclassified"] == 4


def test_a_leader_must_belong_to_the_unit_and_is_added_once(world):
    campaign = open_campaign(world)
    g1 = world.org("G1")
    hai = world.members["hai"]  # of C3, under D2
    _refused(
        lambda: services.leader_add(
            actor=None, campaign=campaign, unit=g1, member=hai, title="secretary"
        ),
        "must be a member of it",
    )
    minh = world.members["minh"]
    services.leader_add(actor=None, campaign=campaign, unit=g1, member=minh, title="secretary")
    _refused(
        lambda: services.leader_add(
            actor=None, campaign=campaign, unit=g1, member=minh, title="secretary"
        ),
        "already rated as a leader",
    )
    _refused(
        lambda: services.leader_add(
            actor=None, campaign=campaign, unit=g1, member=minh, title="king"
        ),
        "post",
    )


def test_a_leader_is_removed_only_before_anything_is_recorded(world):
    campaign = open_campaign(world)
    g1, minh = world.org("G1"), world.members["minh"]
    a = services.leader_add(actor=None, campaign=campaign, unit=g1, member=minh, title="secretary")
    services.self_assess(actor=None, assessment=a, level=Level.GOOD)
    _refused(lambda: services.leader_remove(actor=None, assessment=a), "not possible")
    b = services.leader_add(
        actor=None, campaign=campaign, unit=g1, member=world.members["duc"], title="secretary"
    )
    services.leader_remove(actor=None, assessment=b)
    assert not Assessment.objects.filter(pk=b.pk).exists()
    assert AuditEntry.objects.filter(action="assessment.leader_remove").count() == 1
    _refused(
        lambda: services.leader_remove(actor=None, assessment=row(campaign, member=minh)),
        "Only a leader",
    )


def test_a_subordinate_cell_does_not_open_a_classification(world):
    _refused(lambda: open_campaign(world, "C1"), "committee or a grassroots cell")
    open_campaign(world, "C2")  # a grassroots cell classifies its members

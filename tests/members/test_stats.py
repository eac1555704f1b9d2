"""OrgPeriodStat stays equal to a recomputation from the events, whatever happens."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chibo.core.errors import RuleViolation
from chibo.members.models import LIVE_STATUSES, Member
from chibo.members.services import event_record, event_void, org_merge, org_move
from chibo.members.stats import member_facts, stats_rebuild, stats_verify
from chibo.members.stats_models import OrgPeriodStat
from chibo.orgs.services import Decision
from chibo.reports.selectors import report_summary

D = dt.date
DECISION = Decision(number="9-QĐ/TU", date=D(2025, 6, 1), issuer="Tỉnh ủy")
CELLS = ["C1", "C2", "C3"]
KINDS = [
    "transferred",
    "temporary",
    "removed",
    "died",
    "reinstated",
    "recognized",
    "expelled",
    "left",
    "void",
]


def _live_in(org) -> int:
    return Member.objects.filter(org__path__startswith=org.path, status__in=LIVE_STATUSES).count()


def test_a_new_member_counts_in_the_unit_and_everything_above(world):
    for code in ("C1", "G1", "D1", "BT"):
        rows = OrgPeriodStat.objects.filter(org=world.org(code), metric="live")
        assert sum(r.value for r in rows) == _live_in(world.org(code))
    assert OrgPeriodStat.objects.filter(org=world.org("D2"), metric="admitted").count() == 1


def test_rebuild_gives_back_the_same_rows(world):
    event_record(
        actor=None,
        member=world.members["duc"],
        kind="transferred",
        date=D(2024, 1, 5),
        org=world.org("C3"),
    )
    before = sorted(
        OrgPeriodStat.objects.exclude(value=0).values_list("org_id", "day", "metric", "value")
    )
    stats_rebuild()
    after = sorted(
        OrgPeriodStat.objects.exclude(value=0).values_list("org_id", "day", "metric", "value")
    )
    assert before == after
    assert stats_verify() == []


def test_verify_reports_a_tampered_row(world):
    OrgPeriodStat.objects.filter(org=world.org("BT"), metric="live").update(value=99)
    differences = stats_verify()
    assert differences and differences[0]["org"] == "BT" and differences[0]["actual"] == 99


def test_moving_and_merging_units_keeps_the_rows_right(world):
    org_move(actor=None, org=world.org("C2"), new_parent=world.org("D2"), decision=DECISION)
    assert stats_verify() == []
    org_merge(actor=None, sources=[world.org("C3")], target=world.org("C2"), decision=DECISION)
    assert stats_verify() == []
    d2 = report_summary(org=world.org("D2"), start=D(2025, 1, 1), end=D(2025, 12, 31))
    assert d2["members_at_end"] == _live_in(world.org("D2"))


def test_facts_of_an_internal_transfer_cancel_at_the_common_parent(world):
    duc = world.members["duc"]
    event_record(
        actor=None, member=duc, kind="transferred", date=D(2024, 1, 5), org=world.org("C2")
    )
    facts = member_facts(
        list(
            duc.events.filter(voided_by__isnull=True).exclude(kind="voided").order_by("date", "id")
        )
    )
    assert facts[(D(2024, 1, 5), "transferred_out", world.org("C1").pk, world.org("C2").pk)] == 1
    d1_rows = OrgPeriodStat.objects.filter(org=world.org("D1"), day=D(2024, 1, 5))
    assert not [r for r in d1_rows if r.value]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["minh", "duc", "lan", "hai"]),
            st.sampled_from(KINDS),
            st.sampled_from(CELLS),
            st.integers(0, 300),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_random_histories_keep_the_table_equal_to_the_events(world, steps):
    sid = transaction.savepoint()
    try:
        day = D(2023, 1, 1)
        for name, kind, cell, gap in steps:
            day = min(day + dt.timedelta(days=gap), D(2026, 11, 1))
            member = Member.objects.get(pk=world.members[name].pk)
            try:
                if kind == "void":
                    last = (
                        member.events.filter(voided_by__isnull=True)
                        .exclude(kind__in=["voided", "admitted"])
                        .last()
                    )
                    if last:
                        event_void(actor=None, event=last, reason="sai")
                elif kind == "temporary":
                    event_record(
                        actor=None,
                        member=member,
                        kind="transferred",
                        date=day,
                        org=world.org(cell),
                        temporary=True,
                        end_date=day + dt.timedelta(days=120),
                    )
                else:
                    event_record(
                        actor=None, member=member, kind=kind, date=day, org=world.org(cell)
                    )
            except RuleViolation:
                pass
        assert stats_verify() == []
        for code in ("BT", "D1", "D2", "G1", "C1", "C2", "C3"):
            org = world.org(code)
            report = report_summary(org=org, start=D(2026, 1, 1), end=D(2026, 11, 25))
            assert report["members_at_end"] == _live_in(org), code
    finally:
        transaction.savepoint_rollback(sid)


@pytest.mark.parametrize("code", ["BT", "D1", "C1"])
def test_summary_at_today_matches_the_register(world, code):
    org = world.org(code)
    report = report_summary(org=org, start=D(2026, 1, 1), end=D(2026, 11, 25))
    assert report["members_at_end"] == _live_in(org)

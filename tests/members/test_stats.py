"""OrgPeriodStat stays equal to a recomputation from the events, whatever happens."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chibo.core.errors import RuleViolation
from chibo.members import stats
from chibo.members.models import LIVE_STATUSES, Member
from chibo.members.services import event_record, event_void, org_dissolve, org_merge, org_move
from chibo.members.stats import (
    STOCK_METRICS,
    balances_derive,
    member_facts,
    stats_rebuild,
    stats_verify,
    stocks_on,
)
from chibo.members.stats_models import OrgOpeningBalance, OrgPeriodStat
from chibo.orgs.models import Organization
from chibo.orgs.services import Decision, org_establish
from chibo.reports.selectors import SUMMARY_UNIT_KINDS, report_summary, units_on

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


def _history_stocks(org_id: int, day: dt.date) -> dict[str, int]:
    """The stocks at the end of `day` summed over the unit's whole history of daily rows."""
    rows = OrgPeriodStat.objects.filter(org_id=org_id, metric__in=STOCK_METRICS, day__lte=day)
    return {m: sum(r.value for r in rows if r.metric == m) for m in STOCK_METRICS}


def _balances() -> dict[tuple[int, int], tuple[int, int, int]]:
    return {
        (b.org_id, b.year): (b.live, b.official, b.probationary)
        for b in OrgOpeningBalance.objects.all()
    }


def _balance(world, code: str, year: int) -> tuple[int, int, int]:
    return _balances().get((world.org(code).pk, year), (0, 0, 0))


def assert_balances_are_the_history_sums() -> None:
    """Every unit's balance on every 1 January (a missing row is 0) equals the sum of its
    daily stock rows before that day; no balance after BALANCE_LAST_YEAR."""
    rows = list(
        OrgPeriodStat.objects.filter(metric__in=STOCK_METRICS).values_list(
            "org_id", "day", "metric", "value"
        )
    )
    stored = _balances()
    assert all(year <= stats.BALANCE_LAST_YEAR for _org, year in stored)
    first = min((day.year for _o, day, _m, _v in rows), default=stats.BALANCE_LAST_YEAR)
    for org_id in Organization.objects.values_list("pk", flat=True):
        mine = [(day, metric, value) for o, day, metric, value in rows if o == org_id]
        for year in range(first, stats.BALANCE_LAST_YEAR + 1):
            opening = D(year, 1, 1)
            want = tuple(
                sum(v for day, m, v in mine if m == metric and day < opening)
                for metric in STOCK_METRICS
            )
            assert stored.get((org_id, year), (0, 0, 0)) == want, (org_id, year)


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
        assert_balances_are_the_history_sums()
        for code in ("BT", "D1", "D2", "G1", "C1", "C2", "C3"):
            org = world.org(code)
            report = report_summary(org=org, start=D(2026, 1, 1), end=D(2026, 11, 25))
            assert report["members_at_end"] == _live_in(org), code
            for on in (D(2023, 6, 30), D(2023, 12, 31), D(2024, 1, 1), D(2025, 2, 28), day):
                want = _history_stocks(org.pk, on)
                assert stocks_on(org_ids=[org.pk], day=on)[org.pk] == want, (code, on)
        # a rebuild from the events writes the same balances as the services kept
        kept = _balances()
        stats_rebuild()
        assert {k: v for k, v in _balances().items() if any(v)} == {
            k: v for k, v in kept.items() if any(v)
        }
    finally:
        transaction.savepoint_rollback(sid)


@pytest.mark.parametrize("code", ["BT", "D1", "C1"])
def test_summary_at_today_matches_the_register(world, code):
    org = world.org(code)
    report = report_summary(org=org, start=D(2026, 1, 1), end=D(2026, 11, 25))
    assert report["members_at_end"] == _live_in(org)


def test_an_event_before_a_year_boundary_moves_the_balances_of_every_later_year(world):
    years = (2024, 2025, 2026, stats.BALANCE_LAST_YEAR)
    before = {(c, y): _balance(world, c, y) for c in ("C3", "D2", "BT", "D1") for y in years}
    assert before[("C3", 2025)] == (1, 1, 0)  # Hải, official
    event_record(actor=None, member=world.members["hai"], kind="removed", date=D(2024, 12, 31))
    for code in ("C3", "D2", "BT"):
        assert _balance(world, code, 2024) == before[(code, 2024)]
        for year in years[1:]:
            live, official, probationary = before[(code, year)]
            want = (live - 1, official - 1, probationary)
            assert _balance(world, code, year) == want, (code, year)
    assert all(_balance(world, "D1", y) == before[("D1", y)] for y in years)
    # a reinstatement on 1 January counts from the next year's balance on
    hai = Member.objects.get(pk=world.members["hai"].pk)
    event_record(actor=None, member=hai, kind="reinstated", date=D(2025, 1, 1), org=hai.org)
    assert _balance(world, "C3", 2025) == (0, 0, 0)
    assert _balance(world, "C3", 2026) == (1, 1, 0)
    assert stats_verify() == []
    assert_balances_are_the_history_sums()


def test_voiding_an_event_takes_it_out_of_the_balances(world):
    kept = _balances()
    event = event_record(actor=None, member=world.members["duc"], kind="died", date=D(2019, 3, 1))
    assert _balance(world, "C1", 2020) != kept[(world.org("C1").pk, 2020)]
    event_void(actor=None, event=event, reason="nhầm người")
    assert {k: v for k, v in _balances().items() if any(v)} == kept
    assert stats_verify() == []


def test_a_transfer_moves_the_balances_only_below_the_common_parent(world):
    kept = {(c, y): _balance(world, c, y) for c in ("C1", "C2", "C3", "G1", "D1", "D2", "BT")
            for y in (2023, 2024)}  # fmt: skip
    event_record(
        actor=None, member=world.members["duc"], kind="transferred", date=D(2023, 6, 15),
        org=world.org("C2"),
    )  # fmt: skip
    event_record(
        actor=None, member=world.members["hai"], kind="transferred", date=D(2023, 7, 1),
        org=world.org("C1"),
    )  # fmt: skip
    moved = {"C1": 0, "C2": +1, "C3": -1, "G1": 0, "D1": +1, "D2": -1, "BT": 0}
    for code, change in moved.items():
        live, official, _probationary = kept[(code, 2024)]
        assert _balance(world, code, 2023) == kept[(code, 2023)], code
        assert _balance(world, code, 2024) == (live + change, official + change, 0), code
    assert stats_verify() == []
    assert_balances_are_the_history_sums()


def test_a_stock_after_the_last_balance_adds_the_daily_rows_since(world, monkeypatch):
    monkeypatch.setattr(stats, "BALANCE_LAST_YEAR", 2024)
    stats_rebuild()
    assert max(year for _org, year in _balances()) == 2024
    event_record(
        actor=None, member=world.members["duc"], kind="transferred", date=D(2025, 3, 1),
        org=world.org("C3"),
    )  # fmt: skip
    event_record(actor=None, member=world.members["minh"], kind="left", date=D(2026, 2, 1))
    assert stats_verify() == []
    assert_balances_are_the_history_sums()
    for code in ("BT", "D1", "D2", "G1", "C1", "C2", "C3"):
        org = world.org(code)
        for day in (D(2024, 12, 31), D(2025, 12, 31), D(2026, 1, 31), D(2026, 11, 25)):
            want = _history_stocks(org.pk, day)
            assert stocks_on(org_ids=[org.pk], day=day)[org.pk] == want, (code, day)
        report = report_summary(org=org, start=D(2026, 1, 1), end=D(2026, 11, 25))
        assert report["members_at_end"] == _live_in(org), code


def test_the_balances_derived_from_the_daily_rows_are_the_kept_ones(world):
    event_record(
        actor=None, member=world.members["hai"], kind="transferred", date=D(2021, 5, 4),
        org=world.org("C2"),
    )  # fmt: skip
    event_record(actor=None, member=world.members["minh"], kind="died", date=D(2022, 8, 9))
    kept = {k: v for k, v in _balances().items() if any(v)}
    assert balances_derive() == len(kept)
    assert _balances() == kept
    assert stats_verify() == []


def test_verify_reports_a_tampered_balance(world):
    OrgOpeningBalance.objects.filter(org=world.org("D2"), year=2020).update(live=7)
    differences = stats_verify()
    assert differences == [
        {"org": "D2", "day": "2020-01-01", "metric": "live@opening", "expected": 1, "actual": 7}
    ]


def _units_in_the_tree(org, day: dt.date) -> dict[str, int]:
    """The units of each summary kind in the subtree on the day, read from the tree itself."""
    live = [
        o
        for o in Organization.objects.filter(path__startswith=org.path)
        if (o.established_on is None or o.established_on <= day)
        and (o.dissolved_on is None or o.dissolved_on > day)
    ]
    return {str(k): sum(1 for o in live if o.kind == k) for k in SUMMARY_UNIT_KINDS}


def test_the_unit_counts_follow_establishing_moving_merging_and_dissolving(world):
    new = org_establish(actor=None, parent=world.org("D2"), code="C4", name="Chi bộ mới",
                        kind="grassroots_cell", sector="school", established_on=D(2024, 3, 1))  # fmt: skip
    undated = org_establish(actor=None, parent=world.org("D1"), code="G2", name="Đảng bộ B",
                            kind="grassroots_committee", sector="ward")  # fmt: skip
    assert undated.established_on is None
    org_move(actor=None, org=world.org("C2"), new_parent=world.org("D2"), decision=DECISION)
    org_merge(actor=None, sources=[world.org("C3")], target=new, decision=DECISION)
    org_dissolve(actor=None, org=undated, decision=DECISION)
    assert stats_verify() == []
    days = (D(1999, 12, 31), D(2000, 1, 1), D(2024, 2, 29), D(2024, 3, 1), D(2025, 5, 31),
            D(2025, 6, 1), D(2026, 11, 25))  # fmt: skip
    for org in Organization.objects.all():
        for day in days:
            assert units_on(org, day) == _units_in_the_tree(org, day), (org.code, day)
    assert units_on(world.org("D2"), D(2025, 6, 1)) == {
        "grassroots_committee": 0,
        "grassroots_cell": 2,  # C2 moved in, C4; C3 merged away
        "partial_committee": 0,
        "subordinate_cell": 0,
    }


def test_a_rebuild_gives_back_the_unit_counts(world):
    org_establish(actor=None, parent=world.org("D2"), code="C4", name="Chi bộ mới",
                  kind="grassroots_cell", sector="school", established_on=D(2024, 3, 1))  # fmt: skip
    kept = sorted(
        OrgPeriodStat.objects.filter(metric__startswith="units:").values_list(
            "org_id", "day", "metric", "value"
        )
    )
    assert kept
    stats.units_derive()
    again = sorted(
        OrgPeriodStat.objects.filter(metric__startswith="units:").values_list(
            "org_id", "day", "metric", "value"
        )
    )
    assert again == kept
    assert stats_verify() == []


def test_a_row_added_by_another_writer_meanwhile_is_added_to_not_lost(world):
    """`_merge_spooled` writes the rows it found missing with a plain INSERT; when another
    writer has added one since, it adds them again with ON CONFLICT."""
    from django.db import connection

    from chibo.members.stats import _merge_spooled
    from chibo.members.stats_models import OrgPeriodStat

    org = world.org("C1")
    day = dt.date(2020, 2, 3)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS chibo_test_delta")
        cursor.execute(
            "CREATE TEMPORARY TABLE chibo_test_delta "
            "(org_id bigint, metric varchar(32), day date, value integer, fresh boolean)"
        )
        # summed when the row was missing (fresh), then someone else adds the row
        cursor.execute(
            "INSERT INTO chibo_test_delta VALUES (%s, 'admitted', %s, 2, %s), "
            "(%s, 'admitted', %s, 5, %s)",
            [org.pk, day, True, org.pk, dt.date(2020, 2, 4), True],
        )
    OrgPeriodStat.objects.create(org=org, metric="admitted", day=day, value=1)
    _merge_spooled(OrgPeriodStat, ("org_id", "metric", "day"), ("value",), "chibo_test_delta")
    rows = dict(
        OrgPeriodStat.objects.filter(org=org, metric="admitted", day__year=2020).values_list(
            "day", "value"
        )
    )
    assert rows == {day: 3, dt.date(2020, 2, 4): 5}

"""The reports against hand-computed figures on the shared tree (tests/conftest.py).

2024 in the tree: Đức moves C1 → C2 (inside D1), Hải moves C3 → C1 (D2 → D1), Minh goes
temporarily to C3, Võ is admitted in C3, Hải is removed, and Tâm is admitted in C2.
Voiding is covered by test_a_voided_event_drops_out_of_the_figures.
"""

import datetime as dt
from decimal import Decimal

import pytest

from chibo.core.errors import DomainError
from chibo.members.services import event_record, event_void
from chibo.members.stats import stats_verify
from chibo.reports.selectors import _rank, report_ranking, report_screening, report_summary
from conftest import make_member

D = dt.date
YEAR = {"start": D(2024, 1, 1), "end": D(2024, 12, 31)}


@pytest.fixture
def year_2024(world):
    m = world.members
    event_record(
        actor=None, member=m["duc"], kind="transferred", date=D(2024, 3, 1), org=world.org("C2")
    )
    event_record(
        actor=None, member=m["hai"], kind="transferred", date=D(2024, 4, 1), org=world.org("C1")
    )
    event_record(
        actor=None,
        member=m["minh"],
        kind="transferred",
        date=D(2024, 5, 1),
        org=world.org("C3"),
        temporary=True,
        end_date=D(2024, 12, 1),
    )
    make_member(
        world.org("C3"), "M-VO", "Võ Văn Vĩnh", admitted_on=D(2024, 6, 1), recognized_on=None
    )
    m["hai"].refresh_from_db()
    event_record(
        actor=None, member=m["hai"], kind="removed", date=D(2024, 7, 1), reason="Bỏ sinh hoạt"
    )
    tam = make_member(
        world.org("C2"), "M-TAM", "Lý Thị Tâm", admitted_on=D(2024, 2, 1), recognized_on=None
    )
    assert tam.events.get(kind="admitted").is_effective
    return world


def test_it_counts_the_province_for_the_year(year_2024):
    report = report_summary(org=year_2024.org("BT"), **YEAR)
    assert report["members_at_start"] == 3  # Minh, Đức, Hải
    assert report["members_at_end"] == 4  # Minh, Đức, Võ, Tâm
    assert report["official_at_end"] == 2
    assert report["probationary_at_end"] == 2
    assert report["events"]["admitted"] == 2
    assert report["events"]["removed"] == 1
    assert report["events"]["transferred_in"] == 0
    assert report["events"]["transferred_out"] == 0
    assert report["admission_rate_percent"] == "66.67"
    assert report["admission_target"] is None and report["admission_attainment_percent"] is None
    assert report["units"] == {
        "grassroots_committee": 1,
        "grassroots_cell": 2,
        "partial_committee": 0,
        "subordinate_cell": 1,
    }


def test_a_transfer_inside_the_subtree_is_neither_in_nor_out(year_2024):
    d1 = report_summary(org=year_2024.org("D1"), **YEAR)
    assert (d1["members_at_start"], d1["members_at_end"]) == (
        2,
        3,
    )  # + Hải in, − Hải removed, + Tâm
    assert d1["events"]["transferred_in"] == 1  # Hải from D2; Đức's move stays inside D1
    assert d1["events"]["transferred_out"] == 0
    g1 = report_summary(org=year_2024.org("G1"), **YEAR)
    assert (g1["members_at_start"], g1["members_at_end"]) == (2, 1)
    assert (g1["events"]["transferred_in"], g1["events"]["transferred_out"]) == (1, 1)


def test_a_temporary_member_is_not_counted_by_the_host(year_2024):
    c3 = report_summary(org=year_2024.org("C3"), start=D(2024, 6, 1), end=D(2024, 6, 30))
    assert c3["members_at_end"] == 1  # Võ only; Minh is hosted but counted at home
    c1 = report_summary(org=year_2024.org("C1"), start=D(2024, 6, 1), end=D(2024, 6, 30))
    assert c1["members_at_end"] == 2  # Minh (away, still home) and Hải


def test_a_voided_event_drops_out_of_the_figures(year_2024):
    duc = year_2024.members["duc"]
    duc.refresh_from_db()
    transfer = duc.events.get(kind="transferred")
    event_void(actor=None, event=transfer, reason="Nhập nhầm")
    g1 = report_summary(org=year_2024.org("G1"), **YEAR)
    assert g1["events"]["transferred_out"] == 0
    assert g1["members_at_end"] == 2  # Minh and Đức again
    assert stats_verify() == []


def test_a_period_cutting_through_a_probation(world):
    lan = world.members["lan"]  # admitted 01/09/2025 in C2
    event_record(actor=None, member=lan, kind="recognized", date=D(2026, 10, 1))
    before = report_summary(org=world.org("C2"), start=D(2026, 1, 1), end=D(2026, 9, 30))
    assert (
        before["probationary_at_end"],
        before["official_at_end"],
        before["events"]["recognized"],
    ) == (1, 0, 0)
    after = report_summary(org=world.org("C2"), start=D(2026, 1, 1), end=D(2026, 10, 31))
    assert (
        after["probationary_at_end"],
        after["official_at_end"],
        after["events"]["recognized"],
    ) == (0, 1, 1)


def test_a_past_period_gives_the_same_numbers_when_run_again(year_2024):
    first = report_summary(org=year_2024.org("BT"), **YEAR)
    make_member(
        year_2024.org("C3"), "M-NEW", "Đỗ Văn Nam", admitted_on=D(2025, 3, 1), recognized_on=None
    )
    assert report_summary(org=year_2024.org("BT"), **YEAR) == first


def test_screening_counts_by_kind_and_reason(year_2024):
    report = report_screening(org=year_2024.org("BT"), **YEAR)
    assert report["total"] == 1
    assert report["by_kind"] == {"removed": 1, "expelled": 0, "left": 0}
    assert report["by_reason"] == {"Bỏ sinh hoạt": 1}
    assert report_screening(org=year_2024.org("D2"), **YEAR)["total"] == 0  # Hải was in D1 by then


def test_ranking_orders_children_best_first(year_2024):
    report = report_ranking(parent=year_2024.org("BT"), year=2024, metric="admission_rate")
    assert [(r["org"], r["value"], r["rank"]) for r in report["rows"]] == [
        ("D2", "100.00", 1),
        ("D1", "50.00", 2),
    ]


def test_ranking_ties_share_a_rank(world):
    report = report_ranking(parent=world.org("BT"), year=2023, metric="admission_rate")
    assert [(r["org"], r["value"], r["rank"]) for r in report["rows"]] == [
        ("D1", "0.00", 1),
        ("D2", "0.00", 1),
    ]


def test_ranks_skip_after_a_tie():
    rows = [{"_id": i, "org": f"U{i}", "name": ""} for i in range(5)]
    values = {0: Decimal("5.1"), 1: Decimal("4"), 2: Decimal("4"), 3: Decimal("3"), 4: None}
    assert [r["rank"] for r in _rank(rows, values)] == [1, 2, 2, 4, None]


def test_a_period_that_ends_before_it_starts_is_refused(world):
    with pytest.raises(DomainError):
        report_summary(org=world.org("BT"), start=D(2024, 2, 1), end=D(2024, 1, 1))


def test_an_unknown_ranking_metric_is_refused(world):
    with pytest.raises(DomainError):
        report_ranking(parent=world.org("BT"), year=2024, metric="popularity")

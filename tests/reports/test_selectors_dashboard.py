"""The dashboard's series (reports.selectors, appended part): members by month, admissions
and removals by month, and a unit's rank among its siblings."""

import calendar
import datetime as dt

import pytest

from chibo.members.services import event_record
from chibo.reports.selectors import (
    flows_by_month,
    members_by_month,
    rank_among_siblings,
    report_summary,
)
from conftest import World, make_member

D = dt.date


@pytest.fixture
def moves(world: World) -> World:
    """In C1 (Minh, Đức since 2012): Tâm admitted 20/01/2024; Đức expelled 05/03/2024,
    Minh leaves 30/04/2024."""
    make_member(
        world.org("C1"), "M-TAM", "Lý Thị Tâm", admitted_on=D(2024, 1, 20), recognized_on=None
    )
    event_record(actor=None, member=world.members["duc"], kind="expelled", date=D(2024, 3, 5))
    event_record(actor=None, member=world.members["minh"], kind="left", date=D(2024, 4, 30))
    return world


def test_members_by_month_counts_the_stock_at_each_month_end(moves, django_assert_max_num_queries):
    g1 = moves.org("G1")
    # the stock on the eve of the window (a balance, that year's daily rows), then the window
    with django_assert_max_num_queries(3):
        series = members_by_month(org=g1, months=6, end=D(2024, 5, 31))
    assert [(m["month"], m["members"]) for m in series] == [
        (D(2023, 12, 1), 2),
        (D(2024, 1, 1), 3),
        (D(2024, 2, 1), 3),
        (D(2024, 3, 1), 2),
        (D(2024, 4, 1), 1),
        (D(2024, 5, 1), 1),
    ]


def test_the_last_month_counts_up_to_the_end_day(moves):
    series = members_by_month(org=moves.org("C1"), months=2, end=D(2024, 3, 4))
    assert [m["members"] for m in series] == [3, 3]  # the expulsion of 05/03 is not yet in
    at_end = report_summary(org=moves.org("C1"), start=D(2024, 1, 1), end=D(2024, 3, 4))
    assert series[-1]["members"] == at_end["members_at_end"]


def test_members_by_month_agrees_with_the_summary_on_every_month_end(moves):
    series = members_by_month(org=moves.org("BT"), months=12, end=D(2024, 12, 31))
    for point in series:
        month = point["month"]
        last_day = D(month.year, month.month, calendar.monthrange(month.year, month.month)[1])
        summary = report_summary(org=moves.org("BT"), start=month, end=last_day)
        assert point["members"] == summary["members_at_end"], point


def test_flows_by_month_adds_the_ways_out_together(moves, django_assert_num_queries):
    d1 = moves.org("D1")
    with django_assert_num_queries(1):
        series = flows_by_month(org=d1, start=D(2024, 1, 15), end=D(2024, 4, 30))
    assert [(m["month"], m["admitted"], m["removals"]) for m in series] == [
        (D(2024, 1, 1), 1, 0),
        (D(2024, 2, 1), 0, 0),
        (D(2024, 3, 1), 0, 1),  # expelled
        (D(2024, 4, 1), 0, 1),  # left
    ]
    inside = flows_by_month(org=moves.org("D1"), start=D(2024, 1, 21), end=D(2024, 4, 29))
    assert [m["admitted"] + m["removals"] for m in inside] == [0, 0, 1, 0]


def test_a_failed_probation_counts_as_a_removal(world):
    lan = world.members["lan"]  # probationary since 01/09/2025
    event_record(actor=None, member=lan, kind="probation_failed", date=D(2026, 9, 2))
    series = flows_by_month(org=world.org("C2"), start=D(2026, 9, 1), end=D(2026, 9, 30))
    assert series == [{"month": D(2026, 9, 1), "admitted": 0, "removals": 1}]


def test_the_rank_among_siblings_reads_like_3_of_67(moves):
    rank = rank_among_siblings(org=moves.org("D2"), parent=moves.org("BT"), year=2024)
    assert rank == {"rank": 2, "of": 2, "value": "0.00"}
    rank = rank_among_siblings(org=moves.org("D1"), parent=moves.org("BT"), year=2024)
    assert rank == {"rank": 1, "of": 2, "value": "50.00"}  # Tâm admitted, 2 at the start
    assert rank_among_siblings(org=moves.org("C1"), parent=moves.org("BT"), year=2024) is None

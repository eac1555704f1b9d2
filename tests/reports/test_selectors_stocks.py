"""The reports' stocks read from the opening balances equal the sums over the whole history.

`members_at_start`, the stocks at the end and the ranking's members at the start come from
OrgOpeningBalance plus the year's daily rows (chibo.members.stats.stocks_on). Here they are
checked against the sum of every daily row up to the day, for days on and around year
boundaries and past the last year that has balances.
"""

import datetime as dt

import pytest

from chibo.core.percent import percent_str
from chibo.members import stats
from chibo.members.services import event_record, event_void
from chibo.members.stats import STOCK_METRICS, stats_rebuild, stats_verify
from chibo.members.stats_models import OrgPeriodStat
from chibo.reports.selectors import report_ranking, report_summary
from conftest import make_member

D = dt.date
CODES = ("BT", "D1", "D2", "G1", "C1", "C2", "C3")
PERIODS = [
    (D(2023, 1, 1), D(2023, 12, 31)),
    (D(2023, 12, 31), D(2024, 1, 1)),
    (D(2024, 1, 1), D(2024, 1, 1)),
    (D(2024, 3, 1), D(2024, 7, 31)),
    (D(2024, 1, 1), D(2025, 12, 31)),
    (D(2025, 6, 15), D(2026, 11, 25)),
    (D(2026, 1, 1), D(2031, 6, 30)),
]


def _history(org_id: int, day: dt.date) -> dict[str, int]:
    rows = OrgPeriodStat.objects.filter(org_id=org_id, metric__in=STOCK_METRICS, day__lte=day)
    return {m: sum(r.value for r in rows if r.metric == m) for m in STOCK_METRICS}


@pytest.fixture
def years(world):
    """Moves across the year boundaries of 2023–2026, one of them voided."""
    m = world.members
    event_record(
        actor=None, member=m["duc"], kind="transferred", date=D(2023, 12, 31), org=world.org("C3")
    )
    event_record(
        actor=None, member=m["hai"], kind="transferred", date=D(2024, 1, 1), org=world.org("C2")
    )
    make_member(
        world.org("C1"), "M-VO", "Võ Văn Vĩnh", admitted_on=D(2024, 6, 1), recognized_on=None
    )
    wrong = event_record(actor=None, member=m["minh"], kind="died", date=D(2024, 12, 31))
    event_void(actor=None, event=wrong, reason="Nhập nhầm")
    event_record(actor=None, member=m["lan"], kind="left", date=D(2026, 2, 1))
    assert stats_verify() == []
    return world


def _check_summaries(world) -> None:
    for code in CODES:
        org = world.org(code)
        for start, end in PERIODS:
            report = report_summary(org=org, start=start, end=end)
            at_start = _history(org.pk, start - dt.timedelta(days=1))
            at_end = _history(org.pk, end)
            assert report["members_at_start"] == at_start["live"], (code, start)
            assert (
                report["members_at_end"],
                report["official_at_end"],
                report["probationary_at_end"],
            ) == (at_end["live"], at_end["official"], at_end["probationary"]), (code, end)


def _check_rankings(world) -> None:
    for parent in ("BT", "D1", "D2"):
        for year in (2023, 2024, 2025, 2026, 2031):
            ranking = report_ranking(parent=world.org(parent), year=year, metric="admission_rate")
            for row in ranking["rows"]:
                org = world.org(row["org"])
                admitted = sum(
                    OrgPeriodStat.objects.filter(
                        org=org, metric="admitted", day__year=year
                    ).values_list("value", flat=True)
                )
                members = _history(org.pk, D(year - 1, 12, 31))["live"]
                assert row["value"] == percent_str(admitted, members), (row["org"], year)


def test_the_summary_stocks_are_the_whole_history(years):
    _check_summaries(years)


def test_the_ranking_counts_the_members_on_the_last_day_of_the_year_before(years):
    _check_rankings(years)


def test_the_figures_are_the_same_past_the_last_year_with_balances(years, monkeypatch):
    reports = [report_summary(org=years.org(c), start=s, end=e) for c in CODES for s, e in PERIODS]
    monkeypatch.setattr(stats, "BALANCE_LAST_YEAR", 2023)
    stats_rebuild()
    assert stats_verify() == []
    again = [report_summary(org=years.org(c), start=s, end=e) for c in CODES for s, e in PERIODS]
    assert again == reports
    _check_summaries(years)
    _check_rankings(years)

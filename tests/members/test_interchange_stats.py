"""Imports keep the report figures (OrgPeriodStat) equal to a recomputation from the events."""

import datetime as dt

import pytest
from django.utils import translation

from chibo.members import stats
from chibo.orgs.models import Organization
from chibo.reports.selectors import units_on

from .test_interchange_events import HEADER as EVENT_HEADER
from .test_interchange_events import row
from .test_interchange_members import GOOD, HEADER, run
from .test_interchange_readers import write_csv


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("batch", "copy_from"),
    [(1, 2_000), (2, 2_000), (20_000, 2_000), (20_000, 1)],
    ids=["one by one", "in pairs", "all at once", "all at once by COPY on PostgreSQL"],
)
def test_the_figures_follow_an_import(world, tmp_path, monkeypatch, batch, copy_from):
    monkeypatch.setattr(stats, "COPY_FROM", copy_from)
    apply_many = stats.stats_apply_many
    monkeypatch.setattr(
        stats, "stats_apply_many", lambda changes: apply_many(changes, members_per_batch=batch)
    )
    assert stats.stats_verify() == []
    assert run(write_csv(tmp_path / "m.csv", [HEADER, *GOOD])).errors == []
    assert stats.stats_verify() == []
    events = [
        EVENT_HEADER,
        row("M-DUC", "transferred", "2024-03-15", "C3"),
        row("M-100", "died", "2024-06-01"),
        row(
            "M-NEW",
            "admitted",
            "2016-05-01",
            "C2",
            full_name="Võ Thị Mới",
            birth_date="1990-06-05",
            gender="female",
        ),
    ]
    assert run(write_csv(tmp_path / "e.csv", events), "events").errors == []
    assert stats.stats_verify() == []


def test_imported_units_are_counted(world, tmp_path):
    rows = [
        ["code", "parent_code", "name", "kind", "sector", "established_on"],
        ["G9", "D2", "Đảng bộ xã Z9", "grassroots_committee", "commune", "2004-01-01"],
        ["C9", "G9", "Chi bộ thôn 9", "subordinate_cell", "commune", "2005-01-01"],
        ["C8", "D2", "Chi bộ trường B", "grassroots_cell", "school", ""],
    ]
    assert run(write_csv(tmp_path / "tree.csv", rows), "orgs").errors == []
    assert stats.stats_verify() == []
    d2 = Organization.objects.get(code="D2")
    assert units_on(d2, dt.date(2004, 6, 1)) == {
        "grassroots_committee": 1,
        "grassroots_cell": 2,  # C3 and C8 (no date: always)
        "partial_committee": 0,
        "subordinate_cell": 0,
    }
    assert units_on(d2, dt.date(2005, 1, 1))["subordinate_cell"] == 1

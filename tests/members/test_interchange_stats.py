"""Imports keep the report figures (OrgPeriodStat) equal to a recomputation from the events."""

import pytest
from django.utils import translation

from chibo.members import stats
from chibo.members.interchange import importers

from .test_interchange_events import HEADER as EVENT_HEADER
from .test_interchange_events import row
from .test_interchange_members import GOOD, HEADER, run
from .test_interchange_readers import write_csv


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("limit", [500, 0], ids=["member by member", "one rebuild"])
def test_the_figures_follow_an_import(world, tmp_path, monkeypatch, limit):
    monkeypatch.setattr(importers, "STATS_APPLY_LIMIT", limit)
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

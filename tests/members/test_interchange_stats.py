"""Imports keep the report figures (OrgPeriodStat) equal to a recomputation from the events."""

import pytest
from django.utils import translation

from chibo.members import stats

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

"""PostgreSQL: the members import sums its report figures in a second session
(`stats.SideSums`) while its own transaction inserts the members and events."""

import pytest
from django.db import connection
from django.utils import translation

from chibo.members import stats
from chibo.members.interchange import import_members
from chibo.members.models import Member, MemberEvent, OrgOpeningBalance, OrgPeriodStat

from .test_interchange_members import GOOD, HEADER, run
from .test_interchange_readers import write_csv

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a second session: PostgreSQL only"
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def finished(monkeypatch):
    """How many times the sums were added from the second session."""
    calls = []
    finish = stats.SideSums.finish

    def counted(self):  # type: ignore[no-untyped-def]
        calls.append(self.delta)
        return finish(self)

    monkeypatch.setattr(stats.SideSums, "finish", counted)
    return calls


def side_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relname LIKE 'chibo\\_side\\_%%'")
        return sorted(name for (name,) in cursor.fetchall())


def counts() -> tuple[int, int, int, int]:
    return (
        Member.objects.count(),
        MemberEvent.objects.count(),
        OrgPeriodStat.objects.count(),
        OrgOpeningBalance.objects.count(),
    )


@pytest.mark.django_db(transaction=True)
def test_committed_rows_are_summed_aside_and_match_the_events(world, tmp_path, finished):
    # committed units and figures: the second session sees them as the import's own does
    assert run(write_csv(tmp_path / "m.csv", [HEADER, *GOOD[:2]])).errors == []
    assert run(write_csv(tmp_path / "n.csv", [HEADER, *GOOD[2:]])).errors == []
    assert len(finished) == 2
    assert stats.stats_verify() == []
    assert side_tables() == []


def test_uncommitted_rows_are_summed_aside_and_match_the_events(world, tmp_path, finished):
    # inside the test's transaction the second session sees none of the rows of the
    # units: every "missing" row it marks is there already, and is added with ON CONFLICT
    assert run(write_csv(tmp_path / "m.csv", [HEADER, *GOOD])).errors == []
    assert finished
    assert stats.stats_verify() == []
    assert side_tables() == []


def test_a_failure_of_the_sums_writes_nothing(world, tmp_path, monkeypatch):
    before = counts()

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the sums failed")

    monkeypatch.setattr(stats, "_sum", broken)
    with pytest.raises(RuntimeError, match="the sums failed"):
        run(write_csv(tmp_path / "m.csv", [HEADER, *GOOD]))
    assert counts() == before
    assert side_tables() == []


def test_a_failure_while_the_sums_run_ends_the_second_session(world, tmp_path, monkeypatch):
    before = counts()

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the insert failed")

    monkeypatch.setattr(import_members, "insert_select", broken)
    with pytest.raises(RuntimeError, match="the insert failed"):
        run(write_csv(tmp_path / "m.csv", [HEADER, *GOOD]))
    assert counts() == before
    assert side_tables() == []


@pytest.mark.django_db(transaction=True)
def test_tables_of_a_dead_session_are_dropped():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (alive,) = cursor.fetchone()
        cursor.execute("CREATE UNLOGGED TABLE chibo_side_2147483646_delta (x integer)")
        cursor.execute(f"CREATE UNLOGGED TABLE chibo_side_{alive}_balance (x integer)")
    try:
        stats.SideSums(import_members.SIDE_FACTS).close()
        # the dead session's table is gone; a live session's (this one's) stays
        assert side_tables() == [f"chibo_side_{alive}_balance"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS chibo_side_{alive}_balance")

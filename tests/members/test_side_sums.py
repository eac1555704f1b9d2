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


# A member in the same cell with the same days as GOOD[0]: the second file's rows of the
# summary tables are all there already, from the first file.
TWIN = ["M-900", "Phạm Thị Hai", "05/06/1990", "Nữ", "", "C1", "01/02/2015", "02/02/2016", "", ""]


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
        # the unlogged tables (a session's temporary ones go with it)
        cursor.execute(
            "SELECT relname FROM pg_class "
            "WHERE relname LIKE 'chibo\\_side\\_%%' AND relpersistence = 'u'"
        )
        return sorted(name for (name,) in cursor.fetchall())


def counts() -> tuple[int, int, int, int]:
    return (
        Member.objects.count(),
        MemberEvent.objects.count(),
        OrgPeriodStat.objects.count(),
        OrgOpeningBalance.objects.count(),
    )


def import_twice(tmp_path) -> list[str]:  # type: ignore[no-untyped-def]
    """Import GOOD, then TWIN; the statements that added rows again with ON CONFLICT
    after the plain insert of the "missing" ones failed."""
    assert run(write_csv(tmp_path / "m.csv", [HEADER, *GOOD])).errors == []
    retried: list[str] = []

    def watch(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if "WHERE fresh ORDER BY" in sql and "ON CONFLICT" in sql:
            retried.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        assert run(write_csv(tmp_path / "n.csv", [HEADER, TWIN])).errors == []
    return retried


@pytest.mark.django_db(transaction=True)
def test_committed_rows_are_summed_aside_and_match_the_events(world, tmp_path, finished):
    # the first file's rows are committed: the second session sees them, and marks none
    # of the second file's rows missing
    assert import_twice(tmp_path) == []
    assert len(finished) == 2
    assert stats.stats_verify() == []
    assert side_tables() == []


def test_uncommitted_rows_are_summed_aside_and_match_the_events(world, tmp_path, finished):
    # inside the test's transaction the second session sees none of the first file's
    # rows: it marks the second file's rows missing, the plain insert fails on the key,
    # and they are added with ON CONFLICT
    assert import_twice(tmp_path) != []
    assert len(finished) == 2
    assert stats.stats_verify() == []
    assert side_tables() == []


def _fail(*args, **kwargs):  # type: ignore[no-untyped-def]
    raise RuntimeError("failed")


@pytest.mark.parametrize(
    ("module", "name"),
    [(stats, "_sum"), (import_members, "insert_select")],
    ids=["the sums fail", "the insert fails while the sums run"],
)
def test_a_failure_on_either_side_writes_nothing(world, tmp_path, monkeypatch, module, name):
    before = counts()
    monkeypatch.setattr(module, name, _fail)
    with pytest.raises(RuntimeError, match="failed"):
        run(write_csv(tmp_path / "m.csv", [HEADER, *GOOD]))
    assert counts() == before
    assert side_tables() == []


@pytest.mark.django_db(transaction=True)
def test_tables_of_a_dead_session_are_dropped():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (alive,) = cursor.fetchone()
        cursor.execute("CREATE UNLOGGED TABLE chibo_side_2147483646_0a1b2c3d_delta (x integer)")
        cursor.execute(f"CREATE UNLOGGED TABLE chibo_side_{alive}_0a1b2c3d_balance (x integer)")
    try:
        stats.SideSums(import_members.SIDE_FACTS).close()
        # the dead session's table is gone; a live session's (this one's) stays
        assert side_tables() == [f"chibo_side_{alive}_0a1b2c3d_balance"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS chibo_side_{alive}_0a1b2c3d_balance")

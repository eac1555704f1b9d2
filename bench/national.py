"""National-scale benchmark of the reports: load a synthetic country, verify, time, compare.

    DATABASE_URL=postgres://chibo@127.0.0.1:54329/chibo .venv/bin/python bench/national.py
    … bench/national.py --scale 0.002 --verify     # small, and prove the SQL statistics right
    … bench/national.py --scale 0.25 --json var/national.json

DATABASE_URL names the server; the data goes into the database `chibo_bench` on it, in the
schema `bench_national_s<scale>_seed<seed>` (e.g. `bench_national_s0_002_seed1`), so it sits
beside the other benchmark sets. A loaded schema is reused; `--reload` rebuilds it.

1. Load (bench/national_gen.py makes the rows): `chibo migrate` into the empty schema, then
   COPY of the tree, the members and their events, province by province as they are made
   (memory stays flat). The secondary indexes and the foreign-key and unique constraints of
   the member, event and statistics tables are dropped first and re-created afterwards from
   their own definitions, which validates them once. OrgPeriodStat is then computed in SQL
   from the events: each effective event gives its facts (flows and stock deltas, the rules
   of `chibo.members.stats.member_facts`), and INSERT … SELECT expands every fact to the unit
   and each unit above it through the materialized path, a permanent transfer only to the
   units above one side and not the other (as `_Tree.expand`); the unit counts likewise from
   the tree (`unit_facts`). The yearly opening balances (OrgOpeningBalance) follow from those
   rows by `chibo.members.stats.balances_sql`, the SQL of the migration that introduced them.
   VACUUM (ANALYZE) at the end.
2. `--verify`: `chibo.members.stats.stats_verify()` on the schema (must find no difference),
   and every member's cached status, unit and dates against a replay of their events.
3. Timings through the real selectors: `report_summary` for the root, a province and a cell
   for one year, and `report_ranking` of the provinces by admission rate (warm p50/p95);
   EXPLAIN (ANALYZE, BUFFERS) of the queries of every case that misses its goal.
4. DuckDB: the effective events with the path of their unit (and of the unit left, for a
   transfer) exported to Parquet, the same summary figures computed by one ad-hoc DuckDB query
   per unit, checked equal to Chibo's, and Chibo's time ÷ DuckDB's time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ["DJANGO_SETTINGS_MODULE"] = "chibo.settings.dev"

CURRENT_SCHEMA = {"name": "public"}
BIG_TABLES = (
    "members_member",
    "members_memberevent",
    "members_orgperiodstat",
    "members_orgopeningbalance",
)
LOAD_SETTINGS = {
    "maintenance_work_mem": "1GB",
    "work_mem": "256MB",
    "synchronous_commit": "off",
    "max_parallel_maintenance_workers": "1",
}
GOALS_MS = {"summary": 100.0, "ranking": 200.0}


# --------------------------------------------------------------------------------------------
# Database and Django.


def server_url(url: str, dbname: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{dbname}"))


def ensure_database(url: str, dbname: str) -> None:
    import psycopg

    with psycopg.connect(server_url(url, "postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone():
            conn.execute(f'CREATE DATABASE "{dbname}"')
    with psycopg.connect(server_url(url, dbname), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.db.backends.signals import connection_created

    def set_search_path(sender: Any, connection: Any, **kwargs: Any) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute(f'SET search_path TO "{CURRENT_SCHEMA["name"]}", public')

    connection_created.connect(set_search_path, weak=False)


def use_schema(name: str) -> None:
    from django.db import connection

    connection.close()
    CURRENT_SCHEMA["name"] = name


def raw_connect(url: str, schema: str) -> Any:
    import psycopg

    conn = psycopg.connect(url, autocommit=True, options=f"-c search_path={schema},public")
    for name, value in LOAD_SETTINGS.items():
        conn.execute(f"SET {name} = '{value}'")
    return conn


def schema_name(scale: float, seed: int) -> str:
    return f"bench_national_s{format(scale, 'g').replace('.', '_')}_seed{seed}"


def load_state(url: str, schema: str) -> dict[str, Any] | None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        if not conn.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = %s "
            "AND table_name = 'bench_meta'",
            [schema],
        ).fetchone():
            return None
        row = conn.execute(f'SELECT value FROM "{schema}".bench_meta WHERE key = %s', ["load"])
        got = row.fetchone()
    return json.loads(got[0]) if got else None


# --------------------------------------------------------------------------------------------
# 1. Load.


class Phases:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.t0 = time.perf_counter()

    def run(self, name: str, fn: Any, *args: Any) -> Any:
        print(f"  {name} …", flush=True)
        t = time.perf_counter()
        result = fn(*args)
        self.seconds[name] = time.perf_counter() - t
        print(f"  {name}: {self.seconds[name]:.1f} s", flush=True)
        return result


def saved_definitions(conn: Any, table: str) -> dict[str, list[tuple[str, str]]]:
    """Unique and foreign-key constraints and plain indexes of a table; the primary key too
    where it is the table's own columns (OrgPeriodStat), not an id others refer to."""
    constraints = conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND (contype IN ('u', 'f') OR (contype = 'p' "
        "AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = conrelid "
        "AND a.attname = 'id' AND NOT a.attisdropped))) ORDER BY contype DESC, conname",
        [table],
    ).fetchall()
    indexes = conn.execute(
        """
        SELECT c.relname, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = %s::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
        ORDER BY c.relname
        """,
        [table],
    ).fetchall()
    return {"constraints": list(constraints), "indexes": list(indexes)}


def drop_definitions(conn: Any, table: str, saved: dict[str, list[tuple[str, str]]]) -> None:
    for name, _d in saved["constraints"]:
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _d in saved["indexes"]:
        conn.execute(f'DROP INDEX "{name}"')


def restore_definitions(conn: Any, table: str, saved: dict[str, list[tuple[str, str]]]) -> None:
    for _name, definition in saved["indexes"]:
        conn.execute(definition)
    # unique and primary keys before foreign keys (ordered by contype DESC: 'u', 'p', 'f')
    for name, definition in saved["constraints"]:
        conn.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def copy_rows(conn: Any, table: str, columns: tuple[str, ...]) -> Any:
    return conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN")


def load_tree(conn: Any, seed: int, scale: float) -> Any:
    import national_gen as gen

    lines: list[str] = []
    country = gen.build_country(seed, scale, lines)
    with copy_rows(conn, "orgs_organization", gen.ORG_COLUMNS) as copy:
        for i in range(0, len(lines), 20_000):
            copy.write("".join(lines[i : i + 20_000]))
    return country


def load_members(url: str, schema: str, seed: int, scale: float, country: Any) -> Any:
    """Members and events, province by province, through two COPY streams at once."""
    import national_gen as gen

    writer = gen.MemberWriter(seed, scale, country)
    conn_m, conn_e = raw_connect(url, schema), raw_connect(url, schema)
    conn_m.execute("ALTER TABLE members_member DISABLE TRIGGER USER")
    members: list[str] = []
    events: list[str] = []
    t = time.perf_counter()
    try:
        with (
            copy_rows(conn_m, "members_member", gen.MEMBER_COLUMNS) as copy_m,
            copy_rows(conn_e, "members_memberevent", gen.EVENT_COLUMNS) as copy_e,
        ):
            for i, province in enumerate(country.provinces):
                for _ in writer.province_rows(province, members, events, flush_every=5_000):
                    copy_m.write("".join(members))
                    copy_e.write("".join(events))
                    members.clear()
                    events.clear()
                if (i + 1) % 9 == 0:
                    done = writer.next_member
                    print(
                        f"    {i + 1} provinces, {done:,} members, {writer.next_event:,} events, "
                        f"{time.perf_counter() - t:.0f} s",
                        flush=True,
                    )
    finally:
        conn_m.execute("ALTER TABLE members_member ENABLE TRIGGER USER")
        conn_m.close()
        conn_e.close()
    return writer.counts


def restore_members(conn: Any, saved: dict[str, Any]) -> None:
    restore_definitions(conn, "members_member", saved["members_member"])
    conn.execute(
        "INSERT INTO members_searchname (sort_key, search_name) "
        "SELECT DISTINCT sort_key, search_name FROM members_member ON CONFLICT DO NOTHING"
    )
    restore_definitions(conn, "members_memberevent", saved["members_memberevent"])
    for table in ("orgs_organization", "members_member", "members_memberevent"):
        conn.execute(f"ANALYZE {table}")
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )


# The facts of one effective event, as `member_facts` makes them. `home` is the event's unit
# (the services record the member's current unit on every event but a transfer, whose `org`
# is the destination and `from_org` the unit left). '@group' is the member's stock group
# before the event: official once the member has an effective `recognized` event earlier in
# (date, id) order, else probationary (for `reinstated`: the group the member returns to).
FACT_RULES: list[tuple[str, str, str, int]] = [
    ("admitted", "home", "admitted", 1),
    ("admitted", "home", "live", 1),
    ("admitted", "home", "probationary", 1),
    ("recognized", "home", "recognized", 1),
    ("recognized", "home", "probationary", -1),
    ("recognized", "home", "official", 1),
    ("probation_failed", "home", "probation_failed", 1),
    ("probation_failed", "home", "live", -1),
    ("probation_failed", "home", "probationary", -1),
    ("reinstated", "home", "reinstated", 1),
    ("reinstated", "home", "live", 1),
    ("reinstated", "home", "@group", 1),
    *[
        row
        for kind in ("removed", "expelled", "left", "died")
        for row in (
            (kind, "home", kind, 1),
            (kind, "home", "live", -1),
            (kind, "home", "@group", -1),
        )
    ],
    ("transferred", "src", "transferred_out", 1),
    ("transferred", "src", "live", -1),
    ("transferred", "src", "@group", -1),
    ("transferred", "dst", "transferred_in", 1),
    ("transferred", "dst", "live", 1),
    ("transferred", "dst", "@group", 1),
]


def stats_sql(step: int) -> dict[str, str]:
    rules = ", ".join(f"('{k}', '{s}', '{m}', {v})" for k, s, m, v in FACT_RULES)
    prov_len = 2 * step
    return {
        "anc": f"""
            CREATE UNLOGGED TABLE bench_anc AS
            SELECT o.id AS org_id, a.id AS anc_id, a.path AS anc_path,
                   length(a.path) / {step} AS anc_depth, left(o.path, {prov_len}) AS prov
            FROM orgs_organization o
            JOIN LATERAL generate_series({step}, length(o.path), {step}) AS n(len) ON true
            JOIN orgs_organization a ON a.path = left(o.path, n.len);
            CREATE INDEX ON bench_anc (prov, org_id);
            ANALYZE bench_anc
        """,
        "facts": f"""
            CREATE UNLOGGED TABLE bench_fact AS
            WITH eff AS (
                SELECT e.id, e.member_id, e.kind, e.date, e.org_id, e.from_org_id
                FROM members_memberevent e
                WHERE e.voided_by_id IS NULL AND e.kind <> 'voided'
                  AND NOT (e.kind = 'transferred'
                           AND (e.temporary OR e.from_org_id = e.org_id))
            ),
            rec AS (
                SELECT member_id, date AS rdate, id AS rid FROM members_memberevent
                WHERE kind = 'recognized' AND voided_by_id IS NULL
            ),
            ev AS (
                SELECT eff.*,
                       CASE WHEN rec.rid IS NOT NULL AND (rec.rdate, rec.rid) < (eff.date, eff.id)
                            THEN 'official' ELSE 'probationary' END AS grp
                FROM eff LEFT JOIN rec ON rec.member_id = eff.member_id
            ),
            rules (kind, side, metric, sign) AS (VALUES {rules}),
            f AS (
                SELECT CASE r.side WHEN 'src' THEN ev.from_org_id ELSE ev.org_id END AS org_id,
                       CASE r.side WHEN 'src' THEN ev.org_id
                                   WHEN 'dst' THEN ev.from_org_id END AS other_id,
                       ev.date AS day,
                       CASE r.metric WHEN '@group' THEN ev.grp ELSE r.metric END AS metric,
                       r.sign AS value
                FROM ev JOIN rules r ON r.kind = ev.kind
            )
            SELECT left(o.path, {prov_len}) AS prov, f.org_id, x.path AS other_path,
                   f.day, f.metric::varchar(24) AS metric, f.value
            FROM f JOIN orgs_organization o ON o.id = f.org_id
            LEFT JOIN orgs_organization x ON x.id = f.other_id;
            CREATE INDEX ON bench_fact (prov);
            ANALYZE bench_fact
        """,
        # One province's subtree at a time (every unit of depth >= 2 lies in one province),
        # then the levels above the provinces over all facts.
        "expand": """
            INSERT INTO members_orgperiodstat (org_id, day, metric, value)
            SELECT a.anc_id, f.day, f.metric, sum(f.value)
            FROM bench_fact f
            JOIN bench_anc a ON a.org_id = f.org_id AND a.prov = f.prov
            WHERE f.prov = %(prov)s AND a.anc_depth >= 2
              AND (f.other_path IS NULL OR left(f.other_path, length(a.anc_path)) <> a.anc_path)
            GROUP BY 1, 2, 3
            HAVING sum(f.value) <> 0
        """,
        "expand_top": """
            INSERT INTO members_orgperiodstat (org_id, day, metric, value)
            SELECT a.anc_id, f.day, f.metric, sum(f.value)
            FROM bench_fact f
            JOIN bench_anc a ON a.org_id = f.org_id AND a.anc_depth < 2
            WHERE f.other_path IS NULL OR left(f.other_path, length(a.anc_path)) <> a.anc_path
            GROUP BY 1, 2, 3
            HAVING sum(f.value) <> 0
        """,
        # The unit counts (`chibo.members.stats.unit_facts`): units:<kind> +1 on the day a
        # unit was established (0001-01-01 without a date), -1 on the day it was dissolved,
        # for the unit and every unit above it.
        "units": """
            INSERT INTO members_orgperiodstat (org_id, day, metric, value)
            SELECT a.anc_id, u.day, u.metric, sum(u.value)
            FROM (
                SELECT id AS org_id, coalesce(established_on, '0001-01-01') AS day,
                       'units:' || kind AS metric, 1 AS value
                FROM orgs_organization
                WHERE dissolved_on IS NULL OR dissolved_on >= coalesce(established_on, '0001-01-01')
                UNION ALL
                SELECT id, dissolved_on, 'units:' || kind, -1
                FROM orgs_organization
                WHERE dissolved_on >= coalesce(established_on, '0001-01-01')
            ) u
            JOIN bench_anc a ON a.org_id = u.org_id
            GROUP BY 1, 2, 3
            HAVING sum(u.value) <> 0
        """,
    }


def compute_stats(conn: Any, sql: dict[str, str], seconds: dict[str, float]) -> None:
    conn.execute("DROP TABLE IF EXISTS bench_anc, bench_fact")
    for key in ("anc", "facts"):
        t = time.perf_counter()
        conn.execute(sql[key])
        seconds[f"stats: {key}"] = time.perf_counter() - t
    t = time.perf_counter()
    provinces = [
        r[0] for r in conn.execute("SELECT DISTINCT prov FROM bench_anc WHERE length(prov) = 8")
    ]
    for prov in sorted(provinces):
        conn.execute(sql["expand"], {"prov": prov})
    conn.execute(sql["expand_top"])
    seconds["stats: expand + insert"] = time.perf_counter() - t
    t = time.perf_counter()
    conn.execute(sql["units"])
    seconds["stats: unit counts"] = time.perf_counter() - t


def compute_balances(conn: Any) -> None:
    from chibo.members.stats import balances_sql

    sql, params = balances_sql("postgresql")
    conn.execute(sql, params)


def table_sizes(conn: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "database": conn.execute("SELECT pg_database_size(current_database())").fetchone()[0],
        "schema": conn.execute(
            "SELECT sum(pg_total_relation_size(c.oid))::bigint FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
        ).fetchone()[0],
        "tables": [],
        "indexes": [],
    }
    for table in ("orgs_organization", "members_member", "members_searchname", *BIG_TABLES[1:]):
        heap, idx, total = conn.execute(
            "SELECT pg_relation_size(%s::regclass), pg_indexes_size(%s::regclass), "
            "pg_total_relation_size(%s::regclass)",
            [table, table, table],
        ).fetchone()
        rows = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        out["tables"].append(
            {"name": table, "rows": rows, "heap": heap, "indexes": idx, "total": total}
        )
    for table in BIG_TABLES[1:]:
        for name, size in conn.execute(
            "SELECT c.relname, pg_relation_size(c.oid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
            "ORDER BY 2 DESC",
            [table],
        ):
            out["indexes"].append({"table": table, "name": name, "size": size})
    return out


def load(url: str, schema: str, seed: int, scale: float) -> dict[str, Any]:
    import psycopg
    from django.core.management import call_command

    from chibo.orgs.models import STEP_LENGTH

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')
    phases = Phases()
    use_schema(schema)
    phases.run("migrate", lambda: call_command("migrate", verbosity=0, interactive=False))
    use_schema("public")
    conn = raw_connect(url, schema)
    saved = {t: saved_definitions(conn, t) for t in BIG_TABLES}
    for table in BIG_TABLES:
        drop_definitions(conn, table, saved[table])
    country = phases.run("tree: generate + COPY", load_tree, conn, seed, scale)
    counts = phases.run(
        "members + events: generate + COPY", load_members, url, schema, seed, scale, country
    )
    phases.run("members + events: indexes, constraints", restore_members, conn, saved)
    sql = stats_sql(STEP_LENGTH)
    stat_seconds: dict[str, float] = {}
    phases.run("OrgPeriodStat: SQL from the events", compute_stats, conn, sql, stat_seconds)
    phases.run("OrgOpeningBalance: SQL from OrgPeriodStat", compute_balances, conn)
    for table, name in (
        ("members_orgperiodstat", "OrgPeriodStat"),
        ("members_orgopeningbalance", "OrgOpeningBalance"),
    ):
        phases.run(f"{name}: indexes, constraints", restore_definitions, conn, table, saved[table])
    helper_sizes = {
        t: conn.execute("SELECT pg_total_relation_size(%s::regclass)", [t]).fetchone()[0]
        for t in ("bench_anc", "bench_fact")
    }
    fact_rows = conn.execute("SELECT count(*) FROM bench_fact").fetchone()[0]
    conn.execute("DROP TABLE bench_anc, bench_fact")
    phases.run("VACUUM (ANALYZE)", conn.execute, "VACUUM (ANALYZE)")
    total = time.perf_counter() - phases.t0
    state = {
        "scale": scale,
        "seed": seed,
        "schema": schema,
        "units": country.units,
        "cells": country.cells,
        "kinds": country.kinds,
        "provinces": len(country.provinces),
        "members": counts.members,
        "events": counts.events,
        "events_by_kind": counts.by_kind,
        "members_by_status": counts.by_status,
        "facts": fact_rows,
        "helper_table_bytes": helper_sizes,
        "seconds": {**phases.seconds, **stat_seconds, "total": total},
        "settings": LOAD_SETTINGS,
        "sizes": table_sizes(conn),
        "loaded_at": time.strftime("%Y-%m-%d %H:%M:%S"),
        "load_average_after": os.getloadavg(),
    }
    conn.execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value text NOT NULL)")
    conn.execute("INSERT INTO bench_meta VALUES ('load', %s)", [json.dumps(state)])
    conn.close()
    return state


# --------------------------------------------------------------------------------------------
# 2. Verify.


def verify() -> dict[str, Any]:
    from chibo.members.models import Member, MemberEvent
    from chibo.members.rules import replay
    from chibo.members.stats import stats_verify

    t = time.perf_counter()
    differences = stats_verify()
    stats_s = time.perf_counter() - t
    # The cached state on every member against a replay of their effective events.
    cached = {
        m["id"]: m
        for m in Member.objects.values(
            "id", "status", "org_id", "admitted_on", "recognized_on", "status_since"
        )
    }
    events = (
        MemberEvent.objects.filter(voided_by__isnull=True)
        .exclude(kind="voided")
        .select_related("org")
        .order_by("member_id", "date", "id")
    )
    wrong: list[int] = []
    seen = 0

    def check(member_id: int, history: list[Any]) -> None:
        state = replay(history, birth_date=None)
        m = cached[member_id]
        got = (state.status, state.org_id, state.admitted_on, state.recognized_on)
        want = (m["status"], m["org_id"], m["admitted_on"], m["recognized_on"])
        if got != want or state.status_since != m["status_since"]:
            wrong.append(member_id)

    current, history = None, []
    for e in events.iterator(chunk_size=5000):
        if e.member_id != current:
            if history:
                check(current, history)
                seen += 1
            current, history = e.member_id, []
        history.append(e)
    if history:
        check(current, history)
        seen += 1
    return {
        "stats_differences": len(differences),
        "first_differences": differences[:10],
        "stats_verify_seconds": stats_s,
        "members_replayed": seen,
        "members_total": len(cached),
        "members_wrong": len(wrong),
        "passed": not differences and not wrong and seen == len(cached),
    }


# --------------------------------------------------------------------------------------------
# 3. Timings through the selectors.


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def timed_runs(fn: Any, runs: int) -> tuple[dict[str, float], Any]:
    t = time.perf_counter()
    result = fn()
    first = (time.perf_counter() - t) * 1000
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return {
        "first": first,
        "p50": statistics.median(times),
        "p95": percentile(times, 95),
        "max": max(times),
        "n": runs,
        "load_average": os.getloadavg()[0],
    }, result


def explain(fn: Any) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    plans = []
    for q in ctx.captured_queries:
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
            plans.append(q["sql"] + "\n" + "\n".join(r[0] for r in cur.fetchall()))
    return plans


def pick_units() -> dict[str, Any]:
    """The root, the median province by members, and the biggest cell of that province."""
    from django.db import connection

    from chibo.orgs.models import Organization

    root = Organization.objects.get(parent__isnull=True)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT left(o.path, 8), count(*) FROM members_member m "
            "JOIN orgs_organization o ON o.id = m.org_id "
            "WHERE m.status IN ('official', 'probationary', 'exempted') GROUP BY 1 ORDER BY 2, 1"
        )
        by_size = cur.fetchall()
        prov_path = by_size[len(by_size) // 2][0]
        cur.execute(
            "SELECT m.org_id, count(*) FROM members_member m "
            "JOIN orgs_organization o ON o.id = m.org_id WHERE o.path LIKE %s "
            "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1",
            [prov_path + "%"],
        )
        cell_id = cur.fetchone()[0]
    return {
        "root": root,
        "province": Organization.objects.get(path=prov_path),
        "cell": Organization.objects.get(pk=cell_id),
    }


def bench_reports(units: dict[str, Any], year: int, runs: int) -> dict[str, Any]:
    from chibo.reports.selectors import report_ranking, report_summary

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    out: dict[str, Any] = {}
    for label, org in units.items():
        stats, result = timed_runs(lambda o=org: report_summary(org=o, start=start, end=end), runs)
        out[f"summary {label}"] = {
            **stats,
            "goal_ms": GOALS_MS["summary"],
            "org": org.code,
            "result": result,
            "fn": lambda o=org: report_summary(org=o, start=start, end=end),
        }
        print(f"  summary {label} ({org.code}): p50 {stats['p50']:.1f} ms, "
              f"p95 {stats['p95']:.1f} ms", flush=True)  # fmt: skip
    root = units["root"]
    stats, result = timed_runs(
        lambda: report_ranking(parent=root, year=year, metric="admission_rate"), runs
    )
    out["ranking of the provinces"] = {
        **stats,
        "goal_ms": GOALS_MS["ranking"],
        "org": root.code,
        "rows": len(result["rows"]),
        "result": result["rows"][:3],
        "fn": lambda: report_ranking(parent=root, year=year, metric="admission_rate"),
    }
    print(f"  ranking: p50 {stats['p50']:.1f} ms, p95 {stats['p95']:.1f} ms", flush=True)
    for case in out.values():
        fn = case.pop("fn")
        case["met"] = case["p95"] < case["goal_ms"]
        if not case["met"]:
            case["plans"] = explain(fn)
    return out


# --------------------------------------------------------------------------------------------
# 4. DuckDB.

EXPORT_SQL = """
COPY (
    SELECT e.id, e.member_id, e.kind, e.date, o.path AS org_path, f.path AS from_path
    FROM members_memberevent e
    JOIN orgs_organization o ON o.id = e.org_id
    LEFT JOIN orgs_organization f ON f.id = e.from_org_id
    WHERE e.voided_by_id IS NULL AND e.kind <> 'voided' AND NOT e.temporary
) TO STDOUT (FORMAT csv)
"""

DUCK_SUMMARY = """
WITH ev AS (
    SELECT id, member_id, kind, date, org_path, from_path,
           starts_with(org_path, $prefix) AS in_org,
           coalesce(starts_with(from_path, $prefix), false) AS in_from
    FROM read_parquet($file)
    WHERE date <= $end AND (starts_with(org_path, $prefix) OR starts_with(from_path, $prefix))
),
d AS (
    SELECT ev.*,
           CASE WHEN kind IN ('admitted', 'reinstated') THEN 1
                WHEN kind IN ('removed', 'expelled', 'left', 'died', 'probation_failed') THEN -1
                WHEN kind = 'transferred' AND in_org AND NOT in_from THEN 1
                WHEN kind = 'transferred' AND in_from AND NOT in_org THEN -1
                ELSE 0 END AS d_live,
           coalesce(r.rid IS NOT NULL AND (r.rdate < ev.date OR (r.rdate = ev.date AND r.rid < ev.id)),
                    false) AS was_official
    FROM ev LEFT JOIN (
        SELECT member_id, date AS rdate, id AS rid FROM read_parquet($file)
        WHERE kind = 'recognized' AND member_id IN (SELECT member_id FROM ev)
    ) r USING (member_id)
)
SELECT
    coalesce(sum(d_live) FILTER (WHERE date < $start), 0) AS members_at_start,
    coalesce(sum(d_live), 0) AS members_at_end,
    coalesce(sum(CASE WHEN kind = 'recognized' THEN 1
                      WHEN kind IN ('admitted', 'probation_failed') THEN 0
                      WHEN was_official THEN d_live ELSE 0 END), 0) AS official_at_end,
    coalesce(sum(CASE WHEN kind = 'admitted' THEN 1
                      WHEN kind IN ('recognized', 'probation_failed') THEN -1
                      WHEN was_official THEN 0 ELSE d_live END), 0) AS probationary_at_end,
    {flows}
FROM d
"""
FLOW_KINDS = (
    "admitted", "recognized", "removed", "expelled", "left", "died", "reinstated",
    "probation_failed",
)  # fmt: skip


def duck_sql() -> str:
    flows = [
        f"count(*) FILTER (WHERE date >= $start AND kind = '{k}' AND in_org) AS {k}"
        for k in FLOW_KINDS
    ]
    flows.append(
        "count(*) FILTER (WHERE date >= $start AND kind = 'transferred' AND in_org "
        "AND NOT in_from) AS transferred_in"
    )
    flows.append(
        "count(*) FILTER (WHERE date >= $start AND kind = 'transferred' AND in_from "
        "AND NOT in_org) AS transferred_out"
    )
    return DUCK_SUMMARY.format(flows=",\n    ".join(flows))


def export_parquet(url: str, schema: str, out_dir: Path) -> dict[str, Any]:
    import duckdb
    import pyarrow.parquet as pq

    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, parquet = out_dir / "events.csv", out_dir / "events.parquet"
    t = time.perf_counter()
    conn = raw_connect(url, schema)
    with csv_path.open("wb") as fh, conn.cursor().copy(EXPORT_SQL) as copy:
        for chunk in copy:
            fh.write(chunk)
    conn.close()
    copy_s = time.perf_counter() - t
    t = time.perf_counter()
    duck = duckdb.connect()
    duck.execute("SET memory_limit = '4GB'")
    duck.execute(
        f"""
        COPY (SELECT * FROM read_csv('{csv_path}', header = false, columns = {{
            'id': 'BIGINT', 'member_id': 'INTEGER', 'kind': 'VARCHAR', 'date': 'DATE',
            'org_path': 'VARCHAR', 'from_path': 'VARCHAR'}}))
        TO '{parquet}' (FORMAT parquet, COMPRESSION zstd)
        """
    )
    duck.close()
    convert_s = time.perf_counter() - t
    meta = pq.ParquetFile(parquet).metadata
    info = {
        "rows": meta.num_rows,
        "row_groups": meta.num_row_groups,
        "parquet_bytes": parquet.stat().st_size,
        "csv_bytes": csv_path.stat().st_size,
        "seconds": {"COPY TO STDOUT (csv)": copy_s, "csv → Parquet (DuckDB)": convert_s},
        "file": str(parquet),
    }
    csv_path.unlink()
    return info


def bench_duckdb(parquet: Path, units: dict[str, Any], chibo: dict[str, Any], year: int,
                 runs: int) -> dict[str, Any]:  # fmt: skip
    import duckdb

    duck = duckdb.connect()
    duck.execute("SET memory_limit = '4GB'")
    sql = duck_sql()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    out: dict[str, Any] = {}
    for label, org in units.items():
        params = {"prefix": org.path, "start": start, "end": end, "file": str(parquet)}

        def run(p: dict[str, Any] = params) -> Any:
            cur = duck.execute(sql, p)
            cols = [c[0] for c in cur.description]
            return dict(zip(cols, cur.fetchone(), strict=True))

        stats, row = timed_runs(run, runs)
        ours = chibo[f"summary {label}"]["result"]
        theirs_flat = {k: int(v) for k, v in row.items()}
        ours_flat = {
            "members_at_start": ours["members_at_start"],
            "members_at_end": ours["members_at_end"],
            "official_at_end": ours["official_at_end"],
            "probationary_at_end": ours["probationary_at_end"],
            **ours["events"],
        }
        mismatch = {
            k: (ours_flat[k], theirs_flat.get(k))
            for k in ours_flat
            if ours_flat[k] != theirs_flat.get(k)
        }
        ratio = chibo[f"summary {label}"]["p50"] / stats["p50"]
        out[label] = {**stats, "equal": not mismatch, "mismatch": mismatch, "ratio_p50": ratio}
        print(f"  duckdb {label}: p50 {stats['p50']:.1f} ms, equal={not mismatch}, "
              f"chibo/duckdb {ratio:.3f}", flush=True)  # fmt: skip
    duck.close()
    return out


# --------------------------------------------------------------------------------------------
# Report.


def machine(url: str) -> dict[str, Any]:
    import duckdb
    import psycopg
    import pyarrow

    mem = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout
    with psycopg.connect(url) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
        settings = {
            name: conn.execute(f"SHOW {name}").fetchone()[0]
            for name in (
                "shared_buffers",
                "work_mem",
                "effective_cache_size",
                "random_page_cost",
                "jit",
                "fsync",
                "max_parallel_workers_per_gather",
            )
        }
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": mem.splitlines()[1].split()[1] if mem else "?",
        "postgresql": pg,
        "pg_settings": settings,
        "python": sys.version.split()[0],
        "duckdb": duckdb.__version__,
        "pyarrow": pyarrow.__version__,
        "load_average": os.getloadavg(),
        "disk_free": shutil.disk_usage(ROOT).free,
    }


def mb(n: int) -> str:
    return f"{n / 2**20:,.1f} MB"


def print_report(report: dict[str, Any]) -> None:
    m = report["machine"]
    print("\n## Machine\n")
    print(f"- nproc {m['nproc']} ({m['cpu']}), RAM {m['memory']}, PostgreSQL {m['postgresql']}")
    print("- " + ", ".join(f"{k}={v}" for k, v in m["pg_settings"].items()))
    print(f"- load average {m['load_average']}, duckdb {m['duckdb']}, pyarrow {m['pyarrow']}")
    load = report["load"]
    print(
        f"\n## Data (scale {load['scale']}, seed {load['seed']}, schema {load['schema']})\n\n"
        f"{load['units']:,} units ({load['cells']:,} cells, {load['provinces']} provinces), "
        f"{load['members']:,} members, {load['events']:,} events, {load['facts']:,} facts"
    )
    print(f"- units by kind: {load['kinds']}")
    print(f"- events by kind: {load['events_by_kind']}")
    print(f"- members by status: {load['members_by_status']}")
    reused = " (reused: timings of the original load)" if report.get("reused") else ""
    print(f"\nLoad{reused}, {load['loaded_at']}, settings {load['settings']}:\n")
    print("| phase | seconds |\n|---|---:|")
    for phase, s in load["seconds"].items():
        print(f"| {phase} | {s:.1f} |")
    sizes = load["sizes"]
    print(f"\nDatabase {mb(sizes['database'])}, schema {mb(sizes['schema'])}\n")
    print("| relation | rows | heap | indexes | total |\n|---|---:|---:|---:|---:|")
    for r in sizes["tables"]:
        print(
            f"| {r['name']} | {r['rows']:,} | {mb(r['heap'])} | {mb(r['indexes'])} "
            f"| {mb(r['total'])} |"
        )
    for r in sizes["indexes"]:
        print(f"| index {r['name']} | | | {mb(r['size'])} | |")
    if "verify" in report:
        v = report["verify"]
        print(
            f"\nVerify: stats_verify() differences {v['stats_differences']} "
            f"({v['stats_verify_seconds']:.1f} s), members replayed {v['members_replayed']:,} "
            f"of {v['members_total']:,}, cached state wrong {v['members_wrong']} → "
            f"{'PASSED' if v['passed'] else 'FAILED'}"
        )
    if "reports" in report:
        print(f"\nReports for {report['year']} (warm runs, ms):\n")
        print("| case | unit | first | p50 | p95 | max | goal | met | load avg |")
        print("|---|---|---:|---:|---:|---:|---:|---|---:|")
        for label, r in report["reports"].items():
            print(
                f"| {label} | {r['org']} | {r['first']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} "
                f"| {r['max']:.1f} | < {r['goal_ms']:.0f} | {'yes' if r['met'] else 'no'} "
                f"| {r['load_average']:.1f} |"
            )
        for label in ("root", "province", "cell"):
            res = report["reports"][f"summary {label}"]["result"]
            print(f"- {label}: {json.dumps(res, ensure_ascii=False)}")
    if "duckdb" in report:
        d = report["duckdb"]
        e = d["export"]
        print(
            f"\nParquet: {e['rows']:,} events, {mb(e['parquet_bytes'])} "
            f"({e['row_groups']} row groups), export "
            + ", ".join(f"{k} {v:.1f} s" for k, v in e["seconds"].items())
        )
        print("\n| unit | DuckDB first | p50 | p95 | equal to Chibo | Chibo p50 ÷ DuckDB p50 |")
        print("|---|---:|---:|---:|---|---:|")
        for label, r in d["timings"].items():
            print(
                f"| {label} | {r['first']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} "
                f"| {'yes' if r['equal'] else 'NO ' + str(r['mismatch'])} | {r['ratio_p50']:.4f} |"
            )
    for label, r in report.get("reports", {}).items():
        for plan in r.get("plans", []):
            print(f"\n### {label} (missed its goal)\n\n```\n{plan}\n```")


# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 5.6M members")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dbname", default="chibo_bench")
    parser.add_argument("--reload", action="store_true", help="drop and reload the schema")
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--verify", action="store_true", help="stats_verify() (small scales)")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=20, help="warm runs per case")
    parser.add_argument("--skip-duckdb", action="store_true")
    parser.add_argument("--parquet-dir", type=Path, help="default var/bench-national/<schema>")
    parser.add_argument("--json", type=Path, help="write every number (and plans) here")
    args = parser.parse_args(argv)

    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must point at a PostgreSQL server (bash scripts/pg-test-server).")
        return 2
    ensure_database(server, args.dbname)
    url = server_url(server, args.dbname)
    setup_django(url)
    schema = schema_name(args.scale, args.seed)

    report: dict[str, Any] = {"machine": machine(url), "year": args.year}
    state = None if args.reload else load_state(url, schema)
    report["reused"] = state is not None
    if state is None:
        print(f"loading scale {args.scale} into {args.dbname}.{schema} …", flush=True)
        state = load(url, schema, args.seed, args.scale)
    else:
        print(f"reusing {args.dbname}.{schema} (loaded {state['loaded_at']})", flush=True)
        from django.core.management import call_command
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor

        use_schema(schema)  # migrations added since the load are applied to the kept data
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            t = time.perf_counter()
            call_command("migrate", verbosity=0, interactive=False)
            with connection.cursor() as cur:  # what the load ends with: statistics, visibility
                cur.execute("VACUUM (ANALYZE)")
            report["migrate_seconds"] = time.perf_counter() - t
            print(f"  migrated + VACUUM (ANALYZE): {report['migrate_seconds']:.1f} s", flush=True)
    report["load"] = state
    use_schema(schema)
    if args.verify:
        print("verifying …", flush=True)
        report["verify"] = verify()
        print(f"  verify passed: {report['verify']['passed']}", flush=True)
    if not args.load_only:
        units = pick_units()
        report["units"] = {k: {"code": v.code, "path": v.path} for k, v in units.items()}
        report["reports"] = bench_reports(units, args.year, args.runs)
        if not args.skip_duckdb:
            out_dir = args.parquet_dir or ROOT / "var" / "bench-national" / schema
            export = export_parquet(url, schema, out_dir)
            timings = bench_duckdb(
                Path(export["file"]), units, report["reports"], args.year, args.runs
            )
            report["duckdb"] = {"export": export, "timings": timings}
    print_report(report)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    if args.verify and not report["verify"]["passed"]:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

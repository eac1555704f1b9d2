"""Chibo benchmarks on PostgreSQL: load a synthetic country (if not loaded yet), then measure.

    DATABASE_URL=postgres://chibo@127.0.0.1:54329/chibo .venv/bin/python bench/run.py
    … bench/run.py --members 40000            # the quick run (one province)
    … bench/run.py --members 40000 --members 1000000 --json var/bench.json

DATABASE_URL names the server; the data goes into the database `chibo_bench` on it (created
when missing; `--dbname` to change), never into the database the URL names. Each dataset lives
in its own schema (`bench_m<members>_s<seed>`), so the 40,000 and the 1,000,000 sets sit side by
side and a second run reuses them; `--reload` rebuilds.

What is measured (see docs/benchmarks.md):
1. load time and table sizes (bench/load_members.py: COPY, indexes rebuilt, VACUUM ANALYZE);
2. member search through the real selector `member_list` the way the list page evaluates it
   (first page of 50 rows + the count capped at 1,000, ids from `member_ids`, rows fetched by
   id with `member_rows`),
   ~200 realistic queries, per scope;
3. the member-list page server time through django.test.Client;
4. `chibo demo --seed 1 --members 40000` on a fresh SQLite file, when that command exists.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ["DJANGO_SETTINGS_MODULE"] = "chibo.settings.dev"

CURRENT_SCHEMA = {"name": "public"}


# --------------------------------------------------------------------------------------------
# Database and Django set-up.


def bench_url(server_url: str, dbname: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{dbname}"))


def ensure_database(server_url: str, dbname: str) -> None:
    import psycopg

    with psycopg.connect(bench_url(server_url, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{dbname}"')
    with psycopg.connect(bench_url(server_url, dbname), autocommit=True) as conn:
        # In `public`, so every dataset schema finds gin_trgm_ops through its search_path.
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


def schema_state(name: str) -> dict[str, Any] | None:
    """The stored load report of a dataset schema, or None when it is not (fully) loaded."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = %s "
            "AND table_name = 'bench_meta'",
            [name],
        )
        if not cur.fetchone():
            return None
        cur.execute(f'SELECT value FROM "{name}".bench_meta WHERE key = %s', ["load"])
        row = cur.fetchone()
    return json.loads(row[0]) if row else None


def ensure_dataset(members: int, seed: int, provinces: int, reload: bool) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    import load_members

    schema = f"bench_m{members}_s{seed}"
    use_schema("public")
    state = None if reload else schema_state(schema)
    if state and state.get("provinces") == provinces:
        use_schema(schema)
        # Migrations added since the load (new tables, indexes) are applied to the kept data.
        call_command("migrate", verbosity=0, interactive=False)
        state["sizes"] = load_members.table_sizes(connection)  # indexes may have changed
        state["reused"] = True
        return state
    print(f"loading {members:,} members into schema {schema} (seed {seed}) …", flush=True)
    with connection.cursor() as cur:
        cur.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        cur.execute(f'CREATE SCHEMA "{schema}"')
    use_schema(schema)
    t = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_s = time.perf_counter() - t
    report = load_members.load(connection, members=members, provinces=provinces, seed=seed)
    state = {
        "members": report.members,
        "orgs": report.orgs,
        "cells": report.cells,
        "provinces": report.provinces,
        "seed": seed,
        "seconds": {"migrate": migrate_s, **report.seconds},
        "sizes": load_members.table_sizes(connection),
        "loaded_at": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value text NOT NULL)")
        cur.execute("INSERT INTO bench_meta VALUES ('load', %s)", [json.dumps(state)])
    state["reused"] = False
    return state


# --------------------------------------------------------------------------------------------
# Statistics.


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": statistics.median(values),
        "p95": percentile(values, 95),
        "max": max(values),
    }


# --------------------------------------------------------------------------------------------
# Queries: what clerks type into the search box.


def sample_members(prefix: str, k: int, rng: random.Random) -> list[dict[str, Any]]:
    """k members of the subtree at `prefix`, chosen by random ids (deterministic for the data)."""
    from chibo.members.models import Member

    top = Member.objects.order_by("-id").values_list("id", flat=True).first() or 0
    found: list[dict[str, Any]] = []
    fields = ("family_name", "middle_name", "given_name", "member_code", "card_number")
    while len(found) < k:
        ids = [rng.randint(1, top) for _ in range(4000)]
        batch = list(
            Member.objects.filter(pk__in=ids, org__path__startswith=prefix)
            .order_by()
            .values("id", "national_id", *fields)
        )
        batch.sort(key=lambda row: ids.index(row["id"]))
        found += batch
    return found[:k]


def make_queries(prefix: str, seed: int, n: int = 200) -> list[tuple[str, str]]:
    """(category, query) pairs: a realistic mix, deterministic for the seed and the data."""
    import load_members as lm
    from chibo.core.text import fold

    rng = random.Random(seed * 7919 + len(prefix))
    share = {
        "full name": 0.25,
        "given name": 0.15,
        "family + given": 0.15,
        "middle + given": 0.075,
        "rare": 0.125,
        "typing": 0.125,
        "id": 0.125,
    }
    counts = {c: max(1, round(n * s)) for c, s in share.items()}
    people = sample_members(prefix, counts["full name"] + counts["typing"] + counts["id"], rng)

    def full(p: dict[str, Any]) -> str:
        return fold(" ".join(x for x in (p["family_name"], p["middle_name"], p["given_name"]) if x))

    def gender() -> str:
        return "male" if rng.random() < 0.63 else "female"

    out: list[tuple[str, str]] = []
    for p in people[: counts["full name"]]:
        out.append(("full name", full(p)))
    for _ in range(counts["given name"]):
        out.append(("given name", fold(lm.GIVEN[gender()].pick(rng))))
    for _ in range(counts["family + given"]):
        out.append(
            ("family + given", fold(f"{lm.FAMILY.pick(rng)} {lm.GIVEN[gender()].pick(rng)}"))
        )
    for _ in range(counts["middle + given"]):
        g = gender()
        out.append(("middle + given", fold(f"{lm.MIDDLE[g].pick(rng)} {lm.GIVEN[g].pick(rng)}")))
    rare_family = [name for name, w in lm.FAMILY_NAMES if w <= 0.1]
    for i in range(counts["rare"]):
        given = rng.choice(lm.GIVEN_RARE)
        if i % 3 == 0:
            q = given  # a rare given name alone
        elif i % 3 == 1:
            q = f"{rng.choice(rare_family)} {lm.GIVEN[gender()].pick(rng)}"
        else:
            q = f"{lm.FAMILY.pick(rng)} {given}"
        out.append(("rare", fold(q)))
    start = counts["full name"]
    for p in people[start : start + counts["typing"]]:
        # Search-as-you-type (htmx fires after a 300 ms pause): a name cut off mid-word.
        text = full(p)
        cut = rng.randint(3, max(3, len(text) - 2))
        out.append(("typing", text[:cut].strip()))
    start += counts["typing"]
    for i, p in enumerate(people[start : start + counts["id"]]):
        key = ("member_code", "card_number", "national_id")[i % 3]
        out.append(("id", p[key] or p["member_code"]))
    return out


# --------------------------------------------------------------------------------------------
# 2. Search through the selector, evaluated as the list page does.


def list_page(scope: Any, filters: Any) -> tuple[int, int]:
    from chibo.members.pagination import COUNT_CAP, TEXT_COUNT_CAP, CappedPaginator
    from chibo.members.selectors import member_ids, member_list, member_rows

    qs = member_list(scope=scope, filters=filters)
    page = CappedPaginator(
        qs,
        50,
        cap=TEXT_COUNT_CAP if filters.query.strip() else COUNT_CAP,
        ids=lambda offset, limit: member_ids(members=qs, offset=offset, limit=limit),
        rows=lambda ids: member_rows(scope=scope, ids=ids),
    ).get_page(None)
    rows = list(page.object_list)
    for m in rows:
        _ = m.org.name
    return len(rows), page.paginator.count


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    result = fn()
    return (time.perf_counter() - t) * 1000, result


def explain(scope: Any, filters: Any) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of the statements the list page runs for these filters."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        list_page(scope, filters)
    plans = []
    for q in ctx.captured_queries:
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
            plans.append(q["sql"] + "\n" + "\n".join(r[0] for r in cur.fetchall()))
    return plans


def bench_search(
    scopes: list[tuple[str, Any, Any]], seed: int, n_queries: int, n_explain: int
) -> dict[str, Any]:
    from chibo.members.selectors import MemberFilters

    results: dict[str, Any] = {}
    for label, scope, org in scopes:
        prefix = org.path if org is not None else scope.read_prefixes[0]
        queries = make_queries(prefix, seed, n_queries)
        first: list[float] = []
        warm: list[float] = []
        by_cat: dict[str, list[float]] = defaultdict(list)
        detail = []
        for category, q in queries:
            # As the list page asks by default: current (live) members only.
            filters = MemberFilters(org=org, query=q, status="live")
            ms1, _r = timed(partial(list_page, scope, filters))
            ms2, (rows, count) = timed(partial(list_page, scope, filters))
            first.append(ms1)
            warm.append(ms2)
            by_cat[category].append(ms2)
            detail.append(
                {"category": category, "query": q, "ms": ms2, "rows": rows, "count": count}
            )
        slow = sorted(detail, key=lambda d: -d["ms"])
        plans = []
        for d in slow[:n_explain]:
            filters = MemberFilters(org=org, query=d["query"], status="live")
            plans.append({**d, "plans": explain(scope, filters)})
        results[label] = {
            "load average": os.getloadavg(),
            "first pass": summary(first),
            "warm": summary(warm),
            "by category": {c: summary(v) for c, v in by_cat.items()},
            "slowest": slow[:10],
            "plans": plans,
        }
        w = results[label]["warm"]
        print(f"  search {label}: p50 {w['p50']:.1f} ms, p95 {w['p95']:.1f} ms", flush=True)
    return results


# --------------------------------------------------------------------------------------------
# 3. The member-list page through the test client.


def bench_user(username: str, org: Any) -> Any:
    from chibo.accounts.models import Role, User
    from chibo.accounts.services import role_grant, user_create

    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(actor=None, username=username, password="bench-not-secret-42")
    role_grant(actor=None, user=user, org=org, kind=Role.Kind.OFFICER)
    return user


def bench_page(cases: list[tuple[str, Any, dict[str, str], list[str]]], n: int) -> dict[str, Any]:
    from django.test import Client

    results = {}
    for label, user, params, queries in cases:
        client = Client()
        client.force_login(user)
        times = []
        for i in range(n + 3):
            data = dict(params)
            if queries:
                data["q"] = queries[i % len(queries)]
            ms, response = timed(partial(client.get, "/members/", data))
            assert response.status_code == 200, (label, response.status_code)
            if i >= 3:  # the first requests warm the session and the caches
                times.append(ms)
        results[label] = {**summary(times), "load average": os.getloadavg()}
        r = results[label]
        print(f"  page {label}: p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms", flush=True)
    return results


# --------------------------------------------------------------------------------------------
# 4. The demo generator.


def bench_demo() -> dict[str, Any]:
    command = ROOT / "src/chibo/demo/management/commands/demo.py"
    if not command.exists():
        return {"status": "not measured yet (no `chibo demo` command)"}
    chibo = Path(sys.executable).parent / "chibo"
    tmp = Path(tempfile.mkdtemp(prefix="chibo-bench-demo-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'demo.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "chibo.settings.dev",
        "CHIBO_DATA_DIR": str(tmp),
    }
    env.pop("PGOPTIONS", None)
    out: dict[str, Any] = {}
    try:
        for step, argv in (
            ("migrate", [str(chibo), "migrate", "--noinput", "-v0"]),
            ("demo", [str(chibo), "demo", "--seed", "1", "--members", "40000"]),
        ):
            t = time.perf_counter()
            proc = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
            out[step] = time.perf_counter() - t
            if proc.returncode:
                out["status"] = f"`{' '.join(argv[1:])}` failed: {proc.stderr.strip()[-400:]}"
                return out
        out["sqlite_bytes"] = (tmp / "demo.sqlite3").stat().st_size
        out["status"] = "ok"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


# --------------------------------------------------------------------------------------------
# Machine and summary.


def machine() -> dict[str, str]:
    from django.db import connection

    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
        settings = {}
        for name in (
            "shared_buffers",
            "work_mem",
            "effective_cache_size",
            "random_page_cost",
            "jit",
        ):
            cur.execute(f"SHOW {name}")
            settings[name] = cur.fetchone()[0]
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": mem.splitlines()[1].split()[1] if mem else "?",
        "postgresql": pg,
        "pg settings": ", ".join(f"{k}={v}" for k, v in settings.items()),
        "python": sys.version.split()[0],
    }


def mb(n: int | None) -> str:
    return "" if n is None else f"{n / 2**20:,.1f} MB"


def print_summary(report: dict[str, Any]) -> None:
    print("\n## Machine")
    for k, v in report["machine"].items():
        print(f"- {k}: {v}")
    for ds in report["datasets"]:
        load = ds["load"]
        print(
            f"\n## {load['members']:,} members ({load['provinces']} provinces, "
            f"{load['orgs']:,} units, {load['cells']:,} cells)"
        )
        reused = " (reused; timings of the original load)" if load.get("reused") else ""
        print(f"\nLoad{reused}, loaded {load['loaded_at']}:\n")
        print("| phase | seconds |\n|---|---:|")
        for phase, s in load["seconds"].items():
            print(f"| {phase} | {s:.1f} |")
        print("\n| relation | rows | heap | indexes | total |\n|---|---:|---:|---:|---:|")
        for r in load["sizes"]:
            rows = "" if r["rows"] is None else f"{r['rows']:,}"
            print(
                f"| {r['name']} | {rows} | {mb(r['heap'])} | {mb(r['indexes'])} | {mb(r['total'])} |"
            )
        if not ds["search"]:
            continue
        print("\nSearch (first page of 50 + capped count), ms:\n")
        print(
            "| scope | queries | first pass p50 | first pass p95 | warm p50 | warm p95 "
            "| warm max | load avg |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for label, r in ds["search"].items():
            f, w = r["first pass"], r["warm"]
            print(
                f"| {label} | {w['n']} | {f['p50']:.1f} | {f['p95']:.1f} | {w['p50']:.1f} "
                f"| {w['p95']:.1f} | {w['max']:.1f} | {r['load average'][0]:.1f} |"
            )
        print("\nBy category (warm), ms p50 / p95 / max:\n")
        cats = list(next(iter(ds["search"].values()))["by category"])
        print("| scope | " + " | ".join(cats) + " |")
        print("|---|" + "---:|" * len(cats))
        for label, r in ds["search"].items():
            cells = [
                f"{r['by category'][c]['p50']:.0f} / {r['by category'][c]['p95']:.0f} / "
                f"{r['by category'][c]['max']:.0f}"
                for c in cats
            ]
            print(f"| {label} | " + " | ".join(cells) + " |")
        print("\nSlowest queries (warm):\n")
        for label, r in ds["search"].items():
            slow = ", ".join(
                f"`{d['query']}` {d['ms']:.0f} ms ({d['count']:,} hits)" for d in r["slowest"][:5]
            )
            print(f"- {label}: {slow}")
        print("\nList page (django.test.Client, GET /members/…), ms:\n")
        print("| case | requests | p50 | p95 | max | load avg |\n|---|---:|---:|---:|---:|---:|")
        for label, r in ds["page"].items():
            print(
                f"| {label} | {r['n']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} "
                f"| {r['load average'][0]:.1f} |"
            )
    demo = report.get("demo", {})
    print("\n## Demo generator (`chibo demo --seed 1 --members 40000`, fresh SQLite)\n")
    if demo.get("status") == "ok":
        print(
            f"migrate {demo['migrate']:.1f} s, demo {demo['demo']:.1f} s, "
            f"file {mb(demo['sqlite_bytes'])}"
        )
    else:
        print(demo.get("status", "skipped"))


def print_plans(report: dict[str, Any]) -> None:
    for ds in report["datasets"]:
        for label, r in ds["search"].items():
            for d in r["plans"]:
                print(
                    f"\n### {ds['load']['members']:,} / {label}: `{d['query']}` "
                    f"({d['ms']:.0f} ms, {d['count']:,} hits)"
                )
                for plan in d["plans"]:
                    print("\n```\n" + plan + "\n```")


# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--members", type=int, action="append",
        help="dataset size; repeat for several (default: 40000 and 1000000)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--provinces", type=int, help="default: 1 up to 100,000 members, else 63")
    parser.add_argument("--dbname", default="chibo_bench")
    parser.add_argument("--reload", action="store_true", help="drop and reload the datasets")
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--queries", type=int, default=200, help="search queries per scope")
    parser.add_argument("--requests", type=int, default=50, help="page requests per case")
    parser.add_argument("--explain", type=int, default=3, help="plans of the N slowest queries")
    parser.add_argument("--plans", action="store_true", help="print those plans at the end")
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--json", type=Path, help="write every number (and plans) here")
    args = parser.parse_args(argv)

    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must point at a PostgreSQL server (make bench provides one).")
        return 2
    ensure_database(server, args.dbname)
    setup_django(bench_url(server, args.dbname))

    from chibo.core.scope import Scope
    from chibo.members.models import Member
    from chibo.orgs.models import Organization

    report: dict[str, Any] = {"machine": machine(), "datasets": []}
    for members in args.members or [40_000, 1_000_000]:
        provinces = args.provinces or (1 if members <= 100_000 else 63)
        load = ensure_dataset(members, args.seed, provinces, args.reload)
        print(f"dataset {members:,}: {'reused' if load['reused'] else 'loaded'}", flush=True)
        if args.load_only:
            report["datasets"].append({"load": load, "search": {}, "page": {}})
            continue
        root = Organization.objects.get(parent__isnull=True)
        sizes = {
            p.pk: Member.objects.filter(org__path__startswith=p.path).count()
            for p in Organization.objects.filter(parent=root)
        }
        by_size = sorted(sizes, key=lambda pk: sizes[pk])
        median = Organization.objects.get(pk=by_size[len(by_size) // 2])
        largest = Organization.objects.get(pk=by_size[-1])
        national = Scope(read_prefixes=(root.path,), write_prefixes=(root.path,))

        def province_scope(org: Organization) -> Scope:
            return Scope(read_prefixes=(org.path,), write_prefixes=(org.path,))

        scopes: list[tuple[str, Any, Any]] = [("national", national, None)]
        scopes.append((f"province ({sizes[median.pk]:,} members)", province_scope(median), median))
        if largest.pk != median.pk:
            scopes.append(
                (f"largest province ({sizes[largest.pk]:,})", province_scope(largest), largest)
            )
        search = bench_search(scopes, args.seed, args.queries, args.explain)

        officer = bench_user("bench_national", root)
        clerk = bench_user(f"bench_province_{median.pk}", median)
        typed = [q for _c, q in make_queries(median.path, args.seed + 1, 60) if q]
        national_typed = [q for _c, q in make_queries(root.path, args.seed + 1, 60) if q]
        org = {"org": str(median.pk)}
        page = bench_page(
            [
                ("national officer, ?org=province", officer, org, []),
                ("national officer, ?org=province&q=…", officer, org, typed),
                ("province officer, ?org=province", clerk, org, []),
                ("province officer, ?org=province&q=…", clerk, org, typed),
                ("national officer, whole country", officer, {}, []),
                ("national officer, whole country, q=…", officer, {}, national_typed),
            ],
            args.requests,
        )
        report["datasets"].append({"load": load, "search": search, "page": page})
    report["demo"] = {"status": "skipped"} if args.skip_demo or args.load_only else bench_demo()

    print_summary(report)
    if args.plans:
        print_plans(report)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())

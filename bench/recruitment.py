"""Benchmark of the road in at national scale: the pipeline board and the due list of a province.

    DATABASE_URL=postgres://chibo@127.0.0.1:54329/chibo .venv/bin/python bench/recruitment.py
    … bench/recruitment.py --scale 0.05 --runs 10        # quick, a twentieth of the country

The data goes into the database `chibo_bench`, schema `bench_recruit_s<scale>_seed<seed>`
(reused when loaded; `--reload` rebuilds it): `chibo migrate`, the national tree of
bench/national_gen.py (302,337 units at scale 1.0, the same tree bench/national.py loads),
and people on the road in, written by COPY: about five per cell at scale 1.0 (1.35 million:
the Party admits some 180,000 a year, so a year and a half of sympathizers on the way, a
year of probationary members, and five years of those recognized). Their stored stage and
deadline come from `chibo.recruitment.services.derive`, so they are what the services would
have written. Then, warm, for the median province, the biggest, and one district: the two
selectors (`board`, `due_list`) and the two whole pages through Django's test client (an
officer of the province logged in). The goal is 200 ms for each page (p95).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import national as nat

GOAL_MS = 200.0
PER_CELL = 5.0  # people on the road in per cell at any scale
SHARES = [  # (what, share of the people)
    ("sympathizer", 0.08),
    ("class_attended", 0.06),
    ("dossier", 0.04),
    ("cell_resolution", 0.015),
    ("committee_resolution", 0.01),
    ("admitted", 0.13),
    ("recognized", 0.665),
]
CANDIDATE_COLUMNS = (
    "person_id", "family_name", "middle_name", "given_name", "sort_key", "birth_date", "gender",
    "occupation", "education", "national_id", "org_id", "org_path", "source", "proposed_on", "org_introduction",
    "cell_resolution_on", "cell_votes_for", "cell_official_members", "over_age_approval",
    "committee_resolution_on", "decision_on", "decision_no", "extension_reason", "ceremony_on",
    "ceremony_late_reason", "probation_ends_on", "recognition_cell_on",
    "recognition_decided_on", "recognition_decision_no", "end_reason", "stage", "stage_since",
    "due_on", "due_what", "version", "created_at", "updated_at",
)  # fmt: skip
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Linh", "Mai", "Minh",
         "Nam", "Ngọc", "Phương", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Vy", "Yến"]  # fmt: skip
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]


def schema_name(scale: float, seed: int) -> str:
    return f"bench_recruit_s{format(scale, 'g').replace('.', '_')}_seed{seed}"


def person(rng: random.Random, n: int, cell: int, path: str, today: dt.date) -> Any:
    """One Candidate (unsaved) at a stage drawn from SHARES, its steps dated before today."""
    from chibo.core.periods import add_months
    from chibo.core.text import sort_key
    from chibo.recruitment import rules
    from chibo.recruitment.models import Candidate
    from chibo.recruitment.services import derive

    what = rng.choices([s for s, _w in SHARES], [w for _s, w in SHARES])[0]
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    c = Candidate(
        person_id=f"B{n:09d}", family_name=family, middle_name="Văn", given_name=given,
        sort_key=sort_key(given, family, "Văn"), birth_date=dt.date(1990 + n % 15, 1 + n % 12, 1),
        gender="male", occupation="worker", org_id=cell, org_path=path, source="youth_union",
        proposed_on=today - dt.timedelta(days=rng.randint(30, 400)), stage=what,
    )  # fmt: skip
    c.stage_since = c.proposed_on
    if what in ("cell_resolution", "committee_resolution"):
        c.cell_resolution_on = today - dt.timedelta(days=rng.randint(1, 150))
        c.cell_votes_for = c.cell_official_members = 9
        if what == "committee_resolution":
            c.committee_resolution_on = c.cell_resolution_on + dt.timedelta(days=5)
    elif what in ("admitted", "recognized"):
        back = rng.randint(20, 430) if what == "admitted" else rng.randint(380, 5 * 365)
        c.decision_on = today - dt.timedelta(days=back)
        c.decision_no = f"{n % 900 + 1}-QĐ/ĐU"
        ceremony = c.decision_on + dt.timedelta(days=rng.randint(5, 40))
        if ceremony <= today and (what == "recognized" or rng.random() < 0.9):
            c.ceremony_on = ceremony
            c.probation_ends_on = rules.probation_end(ceremony)
            if c.probation_ends_on <= today and (what == "recognized" or rng.random() < 0.5):
                c.recognition_cell_on = c.probation_ends_on + dt.timedelta(days=rng.randint(1, 40))
                if what == "recognized":
                    c.recognition_decided_on = min(today, add_months(c.recognition_cell_on, 1))
        if what == "recognized" and not c.recognition_decided_on:
            c.stage = "admitted"
    if c.decision_on or c.cell_resolution_on:
        c.stage, c.stage_since, c.due_on, c.due_what = derive(c)
    return c


def load(url: str, schema: str, seed: int, scale: float, today: dt.date) -> dict[str, Any]:
    import psycopg
    from django.core.management import call_command

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')
    phases = nat.Phases()
    nat.use_schema(schema)
    phases.run("migrate", lambda: call_command("migrate", verbosity=0, interactive=False))
    conn = nat.raw_connect(url, schema)
    country = phases.run("tree: generate + COPY", nat.load_tree, conn, seed, scale)
    rng = random.Random(seed)

    def people() -> int:
        n = 0
        stamp = "2026-01-01 00:00:00+07"
        paths = dict(conn.execute("SELECT id, path FROM orgs_organization").fetchall())
        with nat.copy_rows(conn, "recruitment_candidate", CANDIDATE_COLUMNS) as copy:
            for province in country.provinces:
                for cell in province.cells:
                    for _ in range(int(rng.expovariate(1 / PER_CELL) + 0.5)):
                        n += 1
                        c = person(rng, n, cell, paths[cell], today)
                        copy.write_row([*(getattr(c, col) for col in CANDIDATE_COLUMNS[:-3]),
                                        1, stamp, stamp])  # fmt: skip
        return n

    count = phases.run("people on the road in: generate + COPY", people)
    phases.run(
        "VACUUM (ANALYZE)",
        conn.execute,
        "VACUUM (ANALYZE) recruitment_candidate, orgs_organization",
    )
    by_stage = dict(
        conn.execute("SELECT stage, count(*) FROM recruitment_candidate GROUP BY 1").fetchall()
    )
    state = {
        "scale": scale, "seed": seed, "schema": schema, "units": country.units,
        "cells": country.cells, "people": count, "by_stage": by_stage, "today": today.isoformat(),
        "seconds": phases.seconds, "loaded_at": time.strftime("%Y-%m-%d %H:%M:%S"),
    }  # fmt: skip
    conn.execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value text NOT NULL)")
    conn.execute("INSERT INTO bench_meta VALUES ('load', %s)", [json.dumps(state)])
    conn.close()
    return state


def pick_units() -> dict[str, Any]:
    """The median province by people on the road in, the biggest, and the biggest district."""
    from django.db import connection

    from chibo.orgs.models import Organization

    with connection.cursor() as cur:
        cur.execute(
            "SELECT left(o.path, 8), count(*) FROM recruitment_candidate c "
            "JOIN orgs_organization o ON o.id = c.org_id GROUP BY 1 ORDER BY 2, 1"
        )
        by_size = cur.fetchall()
    median, biggest = by_size[len(by_size) // 2][0], by_size[-1][0]
    with connection.cursor() as cur:
        cur.execute(
            "SELECT left(o.path, 12), count(*) FROM recruitment_candidate c "
            "JOIN orgs_organization o ON o.id = c.org_id WHERE o.path LIKE %s "
            "GROUP BY 1 ORDER BY 2 DESC LIMIT 1",
            [median + "%"],
        )
        district = cur.fetchone()[0]
    return {
        "median province": Organization.objects.get(path=median),
        "biggest province": Organization.objects.get(path=biggest),
        "district of the median province": Organization.objects.get(path=district),
    }


def bench(units: dict[str, Any], runs: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from chibo.accounts.access import scope_for
    from chibo.accounts.models import Role, User
    from chibo.recruitment import selectors
    from chibo.recruitment.models import Candidate

    out: dict[str, Any] = {}
    for label, org in units.items():
        user, _new = User.objects.get_or_create(username=f"bench-{org.code}")
        Role.objects.get_or_create(user=user, org=org, kind=Role.Kind.OFFICER)
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        scope = scope_for(user)
        people = Candidate.objects.filter(org__path__startswith=org.path).count()
        cases = {
            "board (selector)": lambda org=org, scope=scope: selectors.board(scope, org),
            "due list (selector)": lambda org=org, scope=scope: selectors.due_list(scope, org),
            "board page": lambda org=org, c=client: c.get(reverse("recruitment:board", args=[org.pk])),
            "due list page": lambda org=org, c=client: c.get(reverse("recruitment:due", args=[org.pk])),
        }  # fmt: skip
        rows = {}
        for name, fn in cases.items():
            with CaptureQueriesContext(connection) as ctx:
                result = fn()
            if name.endswith("page"):
                assert result.status_code == 200, (name, result.status_code)
            timing, _result = nat.timed_runs(fn, runs)
            timing["queries"] = len(ctx.captured_queries) if not name.endswith("page") else None
            if name.endswith("page") and timing["p95"] > GOAL_MS:
                timing["plans"] = nat.explain(fn)
            rows[name] = timing
        out[label] = {"org": org.code, "people": people, "cases": rows}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 302,337 units")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dbname", default="chibo_bench")
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    base = os.environ.get("DATABASE_URL")
    if not base or not base.startswith("postgres"):
        print("DATABASE_URL must name a PostgreSQL server (see scripts/pg-test-server)")
        return 2
    url = nat.server_url(base, args.dbname)
    nat.ensure_database(base, args.dbname)
    nat.setup_django(url)
    schema = schema_name(args.scale, args.seed)
    today = dt.date.today()  # noqa: DTZ011 (the deadlines are counted from the real today)
    state = nat.load_state(url, schema)
    if state is None or args.reload:
        print(f"Loading {schema} …", flush=True)
        state = load(url, schema, args.seed, args.scale, today)
    nat.use_schema(schema)
    from django.utils import translation

    translation.activate("vi")
    report = {"load": state, "machine": nat.machine(url), "results": bench(pick_units(), args.runs)}
    print(f"\n{state['people']:,} people on the road in, {state['units']:,} units ({schema})")
    print(f"goal: each page under {GOAL_MS:.0f} ms (p95), warm, {args.runs} runs")
    for label, got in report["results"].items():
        print(f"\n{label} {got['org']}: {got['people']:,} people")
        for name, t in got["cases"].items():
            mark = (
                "" if not name.endswith("page") else ("  ok" if t["p95"] <= GOAL_MS else "  MISSED")
            )
            queries = f"  ({t['queries']} queries)" if t["queries"] is not None else ""
            print(f"  {name:22} p50 {t['p50']:7.1f} ms  p95 {t['p95']:7.1f} ms{queries}{mark}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())

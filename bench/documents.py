"""Documents and the handbook on PostgreSQL: a member's document list, a document's
read-status page, and issuing a document to a province.

    DATABASE_URL=postgres://chibo@127.0.0.1:54329/chibo .venv/bin/python bench/documents.py
    … bench/documents.py --members 40000 --members 500000 --json var/bench-documents.json

DATABASE_URL names the server; the data goes into the database `chibo_bench` on it (as for
bench/run.py), each dataset in its own schema `bench_docs_m<members>_s<seed>` (one province;
members, units and their paths from bench/load_members.py). Into it go, with COPY:

- 5,000 documents issued in the province (by the province, its districts and its grassroots
  units), with their audience rules: the issuer's whole subtree (60 %), two to eight chosen
  units below the issuer (a quarter of the documents of units that have units below them,
  about 15 % in all), or one to three occupation segments (the rest, about 25 %); one version
  row each;
- one document issued to the whole province a month ago, read by about half of its recipients
  (one ReadReceipt each, read times spread over the month);
- for the members whose list is measured: a receipt for about half of their documents, a few
  bookmarks, and a user linked to each (for the API through django.test.Client).

Measured (warm; p50/p95 over --runs):
1. a member's document list as the handbook API evaluates it (`reader_documents`, the count and
   the first page of 100 through `_SummaryPage`, with `read_versions`), for --runs members, and
   GET /api/v1/handbook/documents through django.test.Client as those members;
2. the read-status page of the province-wide document: `reading_by_unit`, the first page of
   `unread_members` (Paginator of 50, as the page), `median_time_to_read`, `audience_describe`,
   and GET /documents/<id>/ through django.test.Client as an officer of the province;
   with --candidates, also candidate forms of those figures (one GROUP BY, the unread count
   as received − read, the median in SQL), checked to give the same results;
3. `document_issue` to the whole province (and to every district × 2 segments): seconds, and
   the rows written per table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run

N_DOCUMENTS = 5_000
SEGMENTS: list[str] = []  # the occupations of bench/load_members.py, set in main()
NOW = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)  # "now" of the generated data
STATUS_NUMBER = "1-TB/STATUS"


# --------------------------------------------------------------------------------------------
# Datasets.


def ensure_dataset(members: int, seed: int, reload: bool) -> dict[str, Any]:
    """Members and units in `bench_docs_m<members>_s<seed>` (one province), migrated."""
    from django.core.management import call_command
    from django.db import connection

    import load_members

    schema = f"bench_docs_m{members}_s{seed}"
    run.use_schema("public")
    state = None if reload else run.schema_state(schema)
    if state:
        run.use_schema(schema)
        call_command("migrate", verbosity=0, interactive=False)
        state["reused"] = True
        state["schema"] = schema
        return state
    print(f"loading {members:,} members into schema {schema} (seed {seed}) …", flush=True)
    with connection.cursor() as cur:
        cur.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        cur.execute(f'CREATE SCHEMA "{schema}"')
    run.use_schema(schema)
    t = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_s = time.perf_counter() - t
    report = load_members.load(connection, members=members, provinces=1, seed=seed)
    state = {
        "members": report.members,
        "orgs": report.orgs,
        "cells": report.cells,
        "provinces": 1,
        "seed": seed,
        "seconds": {"migrate": migrate_s, **report.seconds},
        "loaded_at": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value text NOT NULL)")
        cur.execute("INSERT INTO bench_meta VALUES ('load', %s)", [json.dumps(state)])
    state["reused"] = False
    state["schema"] = schema
    return state


def meta_get(key: str) -> Any:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT value FROM bench_meta WHERE key = %s", [key])
        row = cur.fetchone()
    return json.loads(row[0]) if row else None


def meta_set(key: str, value: Any) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO bench_meta VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [key, json.dumps(value)],
        )


def copy_rows(table: str, columns: list[str], rows: list[list[Any]]) -> None:
    from django.db import connection

    import load_members

    with connection.cursor() as wrapper:
        load_members._copy(
            wrapper.cursor, table, columns, (load_members._copy_text(r) for r in rows)
        )


def next_id(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
        return int(cur.fetchone()[0])


def reset_sequences(tables: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        for table in tables:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )


DOC_COLUMNS = [
    "id", "issuer_id", "doc_type", "number", "issued_on", "issued_year", "title", "summary",
    "body", "search_text", "must_study", "status", "version", "amended_at", "withdrawn_at",
    "withdrawn_reason", "created_by_id", "created_at",
]  # fmt: skip
TOPICS = [
    "công tác phát triển đảng viên", "kiểm tra, giám sát", "học tập chuyên đề",
    "chuyển đổi số", "phòng chống tham nhũng", "xây dựng nông thôn mới", "cải cách hành chính",
    "bảo vệ môi trường", "an ninh trật tự", "đại hội chi bộ", "thu nộp đảng phí",
    "đánh giá, xếp loại", "công tác dân vận", "giáo dục chính trị", "quốc phòng toàn dân",
]  # fmt: skip


def _doc_row(
    doc_id: int,
    issuer: Any,
    serial: int,
    doc_type: str,
    issued_on: dt.date,
    topic: str,
    *,
    withdrawn: bool = False,
    must_study: bool = False,
) -> tuple[list[Any], dict[str, Any]]:
    from chibo.core.text import fold

    number = f"{serial}-{doc_type}/{issuer.code.replace('.', '-')}"
    title = f"{doc_type} về {topic} ({issuer.name})"
    summary = f"Triển khai {topic} trong toàn {issuer.name}, năm {issued_on.year}."
    body = " ".join([summary] * 6)
    created = dt.datetime.combine(issued_on, dt.time(1, 0), tzinfo=dt.UTC)
    row = [
        doc_id, issuer.pk, doc_type, number, issued_on.isoformat(), issued_on.year, title,
        summary, body, fold(f"{title} {summary} {body}"), "t" if must_study else "f",
        "withdrawn" if withdrawn else "active", 2 if withdrawn else 1, None,
        created.isoformat() if withdrawn else None, "Hết hiệu lực" if withdrawn else "",
        None, created.isoformat(),
    ]  # fmt: skip
    version = [doc_id, 1, title, summary, body, "t" if must_study else "f", "", None, row[-1]]
    return row, {"version": version}


def generate_documents(seed: int) -> dict[str, Any]:
    """The 5,000 documents of the province and their audience rules (COPY). Idempotent."""
    from django.db import connection, transaction

    from chibo.documents.models import DocType
    from chibo.orgs.models import Organization

    done = meta_get("documents")
    if done:
        return done
    rng = random.Random(seed * 104729 + 5)
    t0 = time.perf_counter()
    orgs = list(Organization.objects.order_by("path"))
    province = next(o for o in orgs if o.parent_id is not None and o.parent_id == orgs[0].pk)
    districts = [o for o in orgs if o.parent_id == province.pk]
    grassroots = [o for o in orgs if o.kind in ("grassroots_committee", "grassroots_cell")]
    below: dict[int, list[Any]] = {o.pk: [] for o in orgs}
    by_path = {o.path: o for o in orgs}
    for o in orgs:
        for anc in o.ancestor_paths():
            if anc in by_path:
                below[by_path[anc].pk].append(o)
    types = list(DocType.values)
    serials: dict[tuple[int, int], int] = {}
    doc_rows, version_rows, rule_rows = [], [], []
    kinds = {"whole": 0, "units": 0, "segments": 0}
    doc_id = next_id("documents_document")
    rule_id = next_id("documents_audiencerule")
    start = dt.date(2022, 1, 1)
    for i in range(N_DOCUMENTS):
        r = rng.random()
        issuer = (
            province if r < 0.1 else rng.choice(districts) if r < 0.4 else rng.choice(grassroots)
        )
        issued_on = start + dt.timedelta(days=rng.randint(0, (NOW.date() - start).days - 1))
        key = (issuer.pk, issued_on.year)
        serials[key] = serials.get(key, 0) + 1
        row, extra = _doc_row(
            doc_id + i,
            issuer,
            serials[key],
            rng.choice(types),
            issued_on,
            rng.choice(TOPICS),
            withdrawn=rng.random() < 0.05,
            must_study=rng.random() < 0.2,
        )
        doc_rows.append(row)
        version_rows.append(extra["version"])
        a = rng.random()
        rules: list[tuple[int, str]]
        if a < 0.25 and below[issuer.pk]:
            chosen = rng.sample(below[issuer.pk], min(len(below[issuer.pk]), rng.randint(2, 8)))
            kept = [
                u for u in chosen if not any(u.path.startswith(o.path) and u != o for o in chosen)
            ]
            rules = [(u.pk, "") for u in kept]
            kinds["units"] += 1
        elif a < 0.4:
            rules = [(issuer.pk, s) for s in sorted(rng.sample(SEGMENTS, rng.randint(1, 3)))]
            kinds["segments"] += 1
        else:
            rules = [(issuer.pk, "")]
            kinds["whole"] += 1
        for org_id, occupation in rules:
            rule_rows.append([rule_id, doc_id + i, org_id, occupation])
            rule_id += 1
    v_id = next_id("documents_documentversion")
    with transaction.atomic():
        copy_rows("documents_document", DOC_COLUMNS, doc_rows)
        copy_rows(
            "documents_documentversion",
            ["id", "document_id", "number", "title", "summary", "body", "must_study", "note",
             "created_by_id", "created_at"],
            [[v_id + k, *v] for k, v in enumerate(version_rows)],
        )  # fmt: skip
        copy_rows(
            "documents_audiencerule", ["id", "document_id", "org_id", "occupation"], rule_rows
        )
        reset_sequences(
            ["documents_document", "documents_documentversion", "documents_audiencerule"]
        )
    with connection.cursor() as cur:
        for table in ("documents_document", "documents_documentversion", "documents_audiencerule"):
            cur.execute(f"VACUUM (ANALYZE) {table}")
    info = {
        "documents": len(doc_rows),
        "rules": len(rule_rows),
        "audiences": kinds,
        "issuers": {
            "province": sum(1 for r in doc_rows if r[1] == province.pk),
            "districts": sum(1 for r in doc_rows if r[1] in {d.pk for d in districts}),
            "grassroots": sum(1 for r in doc_rows if r[1] in {g.pk for g in grassroots}),
        },
        "seconds": time.perf_counter() - t0,
    }
    meta_set("documents", info)
    return info


def generate_status_document(seed: int) -> dict[str, Any]:
    """One document to the whole province, read by about half of the live recipients."""
    from django.db import connection, transaction

    from chibo.documents.models import Document
    from chibo.documents.selectors import audience_members
    from chibo.orgs.models import Organization

    done = meta_get("status document")
    if done:
        return done
    rng = random.Random(seed * 15485863 + 11)
    t0 = time.perf_counter()
    province = Organization.objects.get(parent__parent__isnull=True, parent__isnull=False)
    doc_id = next_id("documents_document")
    issued_on = (NOW - dt.timedelta(days=30)).date()
    row, extra = _doc_row(
        doc_id, province, 1, "TB", issued_on, "học tập Nghị quyết", must_study=True
    )
    row[3] = f"{90000 + seed}-TB/{province.code}"
    with transaction.atomic():
        copy_rows("documents_document", DOC_COLUMNS, [row])
        copy_rows(
            "documents_documentversion",
            ["id", "document_id", "number", "title", "summary", "body", "must_study", "note",
             "created_by_id", "created_at"],
            [[next_id("documents_documentversion"), *extra["version"]]],
        )  # fmt: skip
        copy_rows(
            "documents_audiencerule",
            ["id", "document_id", "org_id", "occupation"],
            [[next_id("documents_audiencerule"), doc_id, province.pk, ""]],
        )
        reset_sequences(
            ["documents_document", "documents_documentversion", "documents_audiencerule"]
        )
    document = Document.objects.get(pk=doc_id)
    ids = list(audience_members(document).order_by("id").values_list("id", flat=True))
    created = document.created_at
    receipts = []
    rid = next_id("documents_readreceipt")
    for member_id in ids:
        if rng.random() < 0.5:
            hours = min(rng.expovariate(1 / 72), 29 * 24)
            when = created + dt.timedelta(hours=hours)
            receipts.append(
                [rid, doc_id, member_id, when.isoformat(), "t" if rng.random() < 0.1 else "f", 1,
                 when.isoformat()]
            )  # fmt: skip
            rid += 1
    with transaction.atomic():
        copy_rows(
            "documents_readreceipt",
            ["id", "document_id", "member_id", "read_at", "offline", "version_read",
             "recorded_at"],
            receipts,
        )  # fmt: skip
        reset_sequences(["documents_readreceipt"])
    with connection.cursor() as cur:
        cur.execute("VACUUM (ANALYZE) documents_readreceipt")
    info = {
        "document_id": doc_id,
        "recipients": len(ids),
        "receipts": len(receipts),
        "seconds": time.perf_counter() - t0,
    }
    meta_set("status document", info)
    return info


def reader_sample(seed: int, n: int) -> list[int]:
    """n live members in cells across the province, each with a user, receipts for about half
    of their documents and a few bookmarks. Ids are kept in bench_meta."""
    from django.db import connection, transaction

    from chibo.accounts.models import User
    from chibo.documents.models import ReadReceipt
    from chibo.documents.selectors import reader_documents
    from chibo.members.models import LIVE_STATUSES, Member

    done = meta_get("readers")
    if done and len(done) >= n:
        return done[:n]
    rng = random.Random(seed * 7919 + 3)
    top = Member.objects.order_by("-id").values_list("id", flat=True).first() or 0
    chosen: list[int] = []
    while len(chosen) < n:
        ids = sorted({rng.randint(1, top) for _ in range(n * 4)})
        live = set(
            Member.objects.filter(
                pk__in=ids, status__in=LIVE_STATUSES, user__isnull=True
            ).values_list("id", flat=True)
        )
        chosen += [i for i in ids if i in live and i not in chosen]
    chosen = chosen[:n]
    receipts, bookmarks = [], []
    rid, bid = next_id("documents_readreceipt"), next_id("documents_bookmark")
    with transaction.atomic():
        for member_id in chosen:
            member = Member.objects.select_related("org").get(pk=member_id)
            user = User.objects.create(username=f"bench_reader_{member_id}")
            Member.objects.filter(pk=member_id).update(user=user)
            docs = list(reader_documents(member=member).values_list("id", "created_at"))
            read = set(
                ReadReceipt.objects.filter(member=member).values_list("document_id", flat=True)
            )
            for doc_id, created in docs:
                if rng.random() < 0.5 and doc_id not in read:
                    when = created + dt.timedelta(hours=rng.randint(1, 400))
                    receipts.append(
                        [rid, doc_id, member_id, when.isoformat(), "f", 1, when.isoformat()]
                    )
                    rid += 1
            for doc_id, created in rng.sample(docs, min(5, len(docs))):
                bookmarks.append([bid, doc_id, member_id, created.isoformat()])
                bid += 1
        copy_rows(
            "documents_readreceipt",
            ["id", "document_id", "member_id", "read_at", "offline", "version_read",
             "recorded_at"],
            receipts,
        )  # fmt: skip
        copy_rows("documents_bookmark", ["id", "document_id", "member_id", "created_at"], bookmarks)
        reset_sequences(["documents_readreceipt", "documents_bookmark"])
    with connection.cursor() as cur:
        cur.execute("VACUUM (ANALYZE) documents_readreceipt")
        cur.execute("VACUUM (ANALYZE) documents_bookmark")
    meta_set("readers", chosen)
    return chosen


# --------------------------------------------------------------------------------------------
# 1. A member's document list.


def api_first_page(member: Any) -> tuple[int, int]:
    """What list_documents + paginate(CappedLimitOffset) evaluate for the first page."""
    from chibo.api.handbook import _SummaryPage
    from chibo.api.pagination import DEFAULT_LIMIT
    from chibo.documents.selectors import reader_documents

    page = _SummaryPage(member, reader_documents(member=member))
    count = len(page)
    rows = page[0:DEFAULT_LIMIT]
    return count, len(rows)


def bench_reader_list(reader_ids: list[int]) -> dict[str, Any]:
    from django.test import Client

    from chibo.members.models import Member

    members = [Member.objects.select_related("org", "user").get(pk=i) for i in reader_ids]
    for m in members:  # warm
        api_first_page(m)
    sel, counts = [], []
    for m in members:
        ms, (count, _n) = run.timed(partial(api_first_page, m))
        sel.append(ms)
        counts.append(count)
    api = []
    for m in members:
        client = Client()
        client.force_login(m.user)
        r = client.get("/api/v1/handbook/documents")
        assert r.status_code == 200, (r.status_code, r.content[:300])
        ms, r = run.timed(partial(client.get, "/api/v1/handbook/documents"))
        assert r.status_code == 200
        api.append(ms)
    out = {
        "selector": run.summary(sel),
        "api": run.summary(api),
        "documents per member": {
            "min": min(counts),
            "median": sorted(counts)[len(counts) // 2],
            "max": max(counts),
        },
        "load average": os.getloadavg(),
    }
    print(
        f"  member list: selector p50 {out['selector']['p50']:.1f} / p95 "
        f"{out['selector']['p95']:.1f} ms; API p50 {out['api']['p50']:.1f} / p95 "
        f"{out['api']['p95']:.1f} ms; {out['documents per member']} documents",
        flush=True,
    )
    return out


# --------------------------------------------------------------------------------------------
# 2. The read-status page.


def status_parts(document: Any) -> dict[str, Any]:
    from django.core.paginator import Paginator

    from chibo.documents import selectors

    t: dict[str, float] = {}
    ms, units = run.timed(partial(selectors.reading_by_unit, document))
    t["reading_by_unit"] = ms

    def unread_page() -> int:
        page = Paginator(selectors.unread_members(document), 50).get_page(None)
        for m in page.object_list:
            _ = m.org.name
        return page.paginator.count

    t["unread_members (count + page 1)"], unread = run.timed(unread_page)
    t["median_time_to_read"], _m = run.timed(partial(selectors.median_time_to_read, document))
    t["audience_describe"], _a = run.timed(partial(selectors.audience_describe, document))
    t["all selectors"] = sum(t.values())
    return {
        "ms": t,
        "received": sum(u["received"] for u in units),
        "read": sum(u["read"] for u in units),
        "unread": unread,
        "units": len(units),
    }


def bench_status(document_id: int, runs: int, officer: Any) -> dict[str, Any]:
    from django.test import Client

    from chibo.documents.models import Document

    document = Document.objects.select_related("issuer").get(pk=document_id)
    first = status_parts(document)  # warm
    parts: dict[str, list[float]] = {k: [] for k in first["ms"]}
    for _ in range(runs):
        r = status_parts(document)
        for k, v in r["ms"].items():
            parts[k].append(v)
    client = Client()
    client.force_login(officer)
    url = f"/documents/{document_id}/"
    for _ in range(2):
        assert client.get(url).status_code == 200
    page = []
    for _ in range(runs):
        ms, resp = run.timed(partial(client.get, url))
        assert resp.status_code == 200
        page.append(ms)
    out = {
        "received": first["received"],
        "read": first["read"],
        "unread": first["unread"],
        "units": first["units"],
        "selectors": {k: run.summary(v) for k, v in parts.items()},
        "page": run.summary(page),
        "load average": os.getloadavg(),
    }
    s = out["selectors"]["all selectors"]
    print(
        f"  status page ({out['received']:,} received, {out['read']:,} read): selectors p50 "
        f"{s['p50']:.0f} / p95 {s['p95']:.0f} ms; page p50 {out['page']['p50']:.0f} / p95 "
        f"{out['page']['p95']:.0f} ms",
        flush=True,
    )
    return out


# Candidate forms of the same figures (not the application's code): one GROUP BY for received
# and read (a LEFT JOIN to the document's receipts), the unread count as received − read (so
# the unread page runs only its LIMIT 50 query), and the median by ORDER BY … OFFSET in SQL.


def candidate_reading_by_unit(document: Any) -> list[dict[str, Any]]:
    from django.db.models import Count, FilteredRelation, Q

    from chibo.documents.selectors import audience_members
    from chibo.orgs.models import Organization

    rows = (
        audience_members(document)
        .annotate(
            rr=FilteredRelation("read_receipts", condition=Q(read_receipts__document=document))
        )
        .values("org")
        .annotate(n=Count("id"), r=Count("rr__id"))
        .values_list("org", "n", "r")
    )
    counts = {org: (n, r) for org, n, r in rows}
    units = Organization.objects.filter(pk__in=counts).order_by("path")
    return [{"org": u, "received": counts[u.pk][0], "read": counts[u.pk][1]} for u in units]


def candidate_median(document: Any) -> dt.timedelta | None:
    import statistics

    from chibo.documents.models import ReadReceipt

    qs = ReadReceipt.objects.filter(document=document)
    n = qs.count()
    if not n:
        return None
    mid = qs.order_by("read_at").values_list("read_at", flat=True)[(n - 1) // 2 : n // 2 + 1]
    seconds = statistics.median((t - document.created_at).total_seconds() for t in mid)
    return dt.timedelta(seconds=max(seconds, 0))


def candidate_parts(document: Any) -> dict[str, Any]:
    from chibo.documents import selectors

    t: dict[str, float] = {}
    t["reading_by_unit (one GROUP BY)"], units = run.timed(
        partial(candidate_reading_by_unit, document)
    )

    def unread_page() -> int:
        for m in selectors.unread_members(document)[:50]:
            _ = m.org.name
        return sum(u["received"] - u["read"] for u in units)

    t["unread page 1 (count = received − read)"], unread = run.timed(unread_page)
    t["median (ORDER BY read_at OFFSET n/2)"], median = run.timed(
        partial(candidate_median, document)
    )
    t["all"] = sum(t.values())
    return {"ms": t, "units": units, "unread": unread, "median": median}


def bench_candidates(document_id: int, runs: int) -> dict[str, Any]:
    """The candidate forms, checked against the selectors' figures, without and with an
    index on documents_readreceipt (document_id, read_at) (made and dropped here)."""
    from django.db import connection

    from chibo.documents import selectors
    from chibo.documents.models import Document

    document = Document.objects.select_related("issuer").get(pk=document_id)
    first = candidate_parts(document)
    now = selectors.reading_by_unit(document)
    assert [(u["org"].pk, u["received"], u["read"]) for u in first["units"]] == [
        (u["org"].pk, u["received"], u["read"]) for u in now
    ]
    assert first["unread"] == selectors.unread_members(document).count()
    assert first["median"] == selectors.median_time_to_read(document)
    out: dict[str, Any] = {}
    for label, index in (("without index", False), ("with (document_id, read_at) index", True)):
        if index:
            with connection.cursor() as cur:
                cur.execute(
                    "CREATE INDEX bench_receipt_doc_read_at "
                    "ON documents_readreceipt (document_id, read_at)"
                )
                cur.execute("ANALYZE documents_readreceipt")
        try:
            candidate_parts(document)
            parts: dict[str, list[float]] = {}
            for _ in range(runs):
                for k, v in candidate_parts(document)["ms"].items():
                    parts.setdefault(k, []).append(v)
        finally:
            if index:
                with connection.cursor() as cur:
                    cur.execute("DROP INDEX bench_receipt_doc_read_at")
        out[label] = {k: run.summary(v) for k, v in parts.items()}
        a = out[label]["all"]
        print(f"  candidates ({label}): p50 {a['p50']:.0f} / p95 {a['p95']:.0f} ms", flush=True)
    out["load average"] = os.getloadavg()
    return out


# --------------------------------------------------------------------------------------------
# 3. Issue.

WRITE_TABLES = [
    "documents_document",
    "documents_documentversion",
    "documents_audiencerule",
    "documents_attachment",
    "documents_readreceipt",
    "core_auditentry",
]


def table_counts() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cur:
        out = {}
        for table in WRITE_TABLES:
            cur.execute(f"SELECT count(*) FROM {table}")
            out[table] = int(cur.fetchone()[0])
    return out


ISSUE_TITLE = "Thông báo kết luận của Ban Thường vụ (bench)"


def drop_issued() -> int:
    """Delete the documents the issue benchmark made (and their audit rows), so that the
    dataset stays as generated and a second run measures the same lists."""
    from django.db import transaction

    from chibo.core.models import AuditEntry
    from chibo.documents.models import AudienceRule, Document, DocumentVersion

    ids = list(Document.objects.filter(title=ISSUE_TITLE).values_list("id", flat=True))
    with transaction.atomic():
        AuditEntry.objects.filter(
            object_type="documents.document", object_id__in=[str(i) for i in ids]
        ).delete()
        DocumentVersion.objects.filter(document_id__in=ids).delete()
        AudienceRule.objects.filter(document_id__in=ids).delete()
        Document.objects.filter(id__in=ids).delete()
    return len(ids)


def bench_issue(officer: Any, runs: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chibo.documents.selectors import audience_members
    from chibo.documents.services import Audience, document_issue
    from chibo.orgs.models import Organization

    province = Organization.objects.get(parent__parent__isnull=True, parent__isnull=False)
    districts = list(Organization.objects.filter(parent=province))
    drop_issued()
    base = 100_000 + table_counts()["documents_document"]
    cases = {
        "whole province": Audience(),
        f"{len(districts)} districts × 2 segments": Audience(
            units=districts, segments=["farmer", "teacher"]
        ),
    }
    out: dict[str, Any] = {}
    serial = base
    for label, audience in cases.items():
        times, queries = [], 0
        before = table_counts()
        for i in range(runs + 1):
            serial += 1

            def issue(s: int = serial, audience: Any = audience) -> Any:
                return document_issue(
                    actor=officer,
                    issuer=province,
                    doc_type="TB",
                    number=f"{s}-TB/{province.code}",
                    issued_on=NOW.date(),
                    title=ISSUE_TITLE,
                    summary="Về việc triển khai học tập chuyên đề năm 2026.",
                    body="Nội dung thông báo. " * 40,
                    must_study=True,
                    audience=audience,
                )

            with CaptureQueriesContext(connection) as ctx:
                ms, doc = run.timed(issue)
            if i:  # the first one warms
                times.append(ms)
                queries = len(ctx.captured_queries)
        after = table_counts()
        recipients = audience_members(doc).count()
        rows = {t: (after[t] - before[t]) / (runs + 1) for t in WRITE_TABLES}
        out[label] = {
            **run.summary(times),
            "recipients": recipients,
            "rows per issue": {t: n for t, n in rows.items() if n},
            "queries per issue": queries,
            "load average": os.getloadavg(),
        }
        r = out[label]
        print(
            f"  issue ({label}, {recipients:,} recipients): p50 {r['p50']:.1f} / p95 "
            f"{r['p95']:.1f} ms, rows {r['rows per issue']}, {queries} queries",
            flush=True,
        )
    drop_issued()
    return out


# --------------------------------------------------------------------------------------------
# Plans.


def explain_all(fn: Any) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    plans = []
    for q in ctx.captured_queries:
        sql = q["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plans.append(sql + "\n" + "\n".join(r[0] for r in cur.fetchall()))
    return plans


# --------------------------------------------------------------------------------------------


def print_summary(report: dict[str, Any]) -> None:
    print("\n## Machine")
    for k, v in report["machine"].items():
        print(f"- {k}: {v}")
    for ds in report["datasets"]:
        load = ds["load"]
        print(
            f"\n## {load['members']:,} members, one province ({load['orgs']:,} units), "
            f"schema {load['schema']}"
        )
        if "documents" in ds:
            d = ds["documents"]
            print(
                f"\nDocuments: {d['documents']:,} ({d['issuers']}), {d['rules']:,} audience "
                f"rules ({d['audiences']}); status document: {ds['status document']}"
            )
        if "reader list" in ds:
            r = ds["reader list"]
            print(
                f"\nMember's document list ({r['documents per member']} documents per member), "
                "ms:\n\n| case | n | p50 | p95 | max | load avg |\n|---|---:|---:|---:|---:|---:|"
            )
            for label, key in (("selector, first page of 100 + count", "selector"),
                               ("GET /api/v1/handbook/documents", "api")):  # fmt: skip
                s = r[key]
                print(
                    f"| {label} | {s['n']} | {s['p50']:.1f} | {s['p95']:.1f} | {s['max']:.1f} "
                    f"| {r['load average'][0]:.1f} |"
                )
        if "status" in ds:
            r = ds["status"]
            print(
                f"\nRead-status page ({r['received']:,} received, {r['read']:,} read, "
                f"{r['units']:,} units), ms:\n\n| part | n | p50 | p95 | max |\n"
                "|---|---:|---:|---:|---:|"
            )
            for k, s in [*r["selectors"].items(), ("GET /documents/<id>/", r["page"])]:
                print(f"| {k} | {s['n']} | {s['p50']:.1f} | {s['p95']:.1f} | {s['max']:.1f} |")
            print(f"\nload average {r['load average'][0]:.1f}")
        if "candidates" in ds:
            c = ds["candidates"]
            print(
                f"\nCandidate forms of the read-status figures (same results), ms, load average "
                f"{c['load average'][0]:.1f}:\n\n| part | index | n | p50 | p95 | max |\n"
                "|---|---|---:|---:|---:|---:|"
            )
            for label, parts in c.items():
                if label == "load average":
                    continue
                for k, s in parts.items():
                    print(
                        f"| {k} | {label} | {s['n']} | {s['p50']:.1f} | {s['p95']:.1f} "
                        f"| {s['max']:.1f} |"
                    )
        if "issue" in ds:
            print(
                "\nIssue (`document_issue`), ms:\n\n| audience | recipients | n | p50 | p95 "
                "| max | rows written | queries | load avg |\n|---|---:|---:|---:|---:|---:|---|---:|---:|"
            )
            for label, r in ds["issue"].items():
                rows = ", ".join(f"{t} {n:g}" for t, n in r["rows per issue"].items())
                print(
                    f"| {label} | {r['recipients']:,} | {r['n']} | {r['p50']:.1f} "
                    f"| {r['p95']:.1f} | {r['max']:.1f} | {rows} | {r['queries per issue']} "
                    f"| {r['load average'][0]:.1f} |"
                )


def main(argv: list[str] | None = None) -> int:
    global SEGMENTS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--members", type=int, action="append", help="dataset size; repeatable (default 40000)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dbname", default="chibo_bench")
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--runs", type=int, default=50, help="timed runs per case")
    parser.add_argument("--issues", type=int, default=20, help="timed issues per audience")
    parser.add_argument("--only", choices=["list", "status", "issue"], action="append")
    parser.add_argument("--plans", action="store_true", help="EXPLAIN ANALYZE, printed last")
    parser.add_argument(
        "--candidates", action="store_true", help="also time candidate forms of the status figures"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must point at a PostgreSQL server (make bench provides one).")
        return 2
    run.ensure_database(server, args.dbname)
    run.setup_django(run.bench_url(server, args.dbname))

    import load_members
    from chibo.members.models import Member
    from chibo.orgs.models import Organization

    SEGMENTS = [name for name, _w in load_members.OCCUPATIONS]
    only = set(args.only or ["list", "status", "issue"])
    report: dict[str, Any] = {"machine": run.machine(), "datasets": []}
    plans: list[tuple[str, list[str]]] = []
    for members in args.members or [40_000]:
        load = ensure_dataset(members, args.seed, args.reload)
        print(f"dataset {members:,}: {'reused' if load['reused'] else 'loaded'}", flush=True)
        ds: dict[str, Any] = {"load": load}
        province = Organization.objects.get(parent__parent__isnull=True, parent__isnull=False)
        officer = run.bench_user(f"bench_docs_officer_{province.pk}", province)
        ds["status document"] = generate_status_document(args.seed)
        if "list" in only:
            ds["documents"] = generate_documents(args.seed)
            readers = reader_sample(args.seed, args.runs)
            ds["reader list"] = bench_reader_list(readers)
            if args.plans:
                m = Member.objects.select_related("org").get(pk=readers[0])
                plans.append((f"{members:,}: member list", explain_all(partial(api_first_page, m))))
        if "status" in only:
            doc_id = ds["status document"]["document_id"]
            ds["status"] = bench_status(doc_id, args.runs if members <= 100_000 else 5, officer)
            if args.plans:
                from chibo.documents.models import Document

                doc = Document.objects.get(pk=doc_id)
                plans.append(
                    (
                        f"{members:,}: read-status selectors",
                        explain_all(partial(status_parts, doc)),
                    )
                )
            if args.candidates:
                runs = args.runs if members <= 100_000 else 5
                ds["candidates"] = bench_candidates(doc_id, runs)
                if args.plans:
                    from chibo.documents.models import Document

                    doc = Document.objects.get(pk=doc_id)
                    plans.append(
                        (
                            f"{members:,}: candidate forms",
                            explain_all(partial(candidate_parts, doc)),
                        )
                    )
        if "issue" in only:
            ds["issue"] = bench_issue(officer, args.issues)
        report["datasets"].append(ds)

    print_summary(report)
    if args.plans:
        for label, ps in plans:
            for p in ps:
                print(f"\n### {label}\n\n```\n{p}\n```")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Export → empty database → import → export again: the same files and the same members.

The order back is orgs, events (which creates the members with their whole history),
members (their personal data); see docs/interchange.md, "Files out".
"""

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from chibo.demo.generator import demo_generate
from chibo.members.interchange.base import ImportContext
from chibo.members.interchange.exporters import export_file
from chibo.members.interchange.importers import import_file
from chibo.members.models import Member, MemberEvent
from chibo.members.services import event_record, event_void
from chibo.orgs.models import Organization

KINDS = ("orgs", "members", "events")
IMPORT_ORDER = ("orgs", "events", "members")
STATE = ("status", "org__code", "admitted_on", "recognized_on", "status_since")
PERSONAL = ("birth_date", "gender", "national_id", "occupation", "ethnicity", "religion",
            "education", "phone", "email")  # fmt: skip
TEMPORARY = ("temp_org__code", "temp_until")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def export_all(folder: Path, fmt: str, org: Organization | None = None) -> dict[str, Any]:
    folder.mkdir()
    results = {}
    for kind in KINDS:
        results[kind] = export_file(kind=kind, path=folder / f"{kind}.{fmt}", org=org)
    return results


def content(path: Path) -> Any:
    if path.suffix == ".csv":
        return path.read_bytes()
    book = openpyxl.load_workbook(path, read_only=True)
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return rows


def members() -> dict[str, dict[str, Any]]:
    rows = Member.objects.values("member_code", *STATE, *PERSONAL, *TEMPORARY,
                                 "family_name", "middle_name", "given_name")  # fmt: skip
    out = {}
    for r in rows:
        r["full_name"] = " ".join(
            p for p in (r.pop("family_name"), r.pop("middle_name"), r.pop("given_name")) if p
        )
        out[r.pop("member_code")] = r
    return out


def history() -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    for code, kind, day, unit, source in (
        MemberEvent.objects.filter(voided_by__isnull=True, temporary=False)
        .exclude(kind="voided")
        .order_by("member__member_code", "date", "id")
        .values_list("member__member_code", "kind", "date", "org__code", "from_org__code")
    ):
        out.setdefault(code, []).append((kind, day, unit, source))
    return out


def empty_the_database() -> None:
    """`chibo flush`, inside the test's transaction (PostgreSQL first checks the pending
    deferred foreign keys, which TRUNCATE would otherwise refuse)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", "--noinput", verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def import_back(folder: Path, fmt: str) -> None:
    for kind in IMPORT_ORDER:
        path = folder / f"{kind}.{fmt}"
        with path.open("rb") as source:
            report = import_file(kind=kind, source=source, name=path.name, ctx=ImportContext())
        assert report.errors == [], (kind, report.errors[:5])


def round_trip(tmp_path: Path, fmt: str) -> tuple[dict, dict, dict]:
    before_members, before_history = members(), history()
    first = export_all(tmp_path / "first", fmt)
    empty_the_database()
    assert Member.objects.count() == 0 and Organization.objects.count() == 0
    import_back(tmp_path / "first", fmt)
    second = export_all(tmp_path / "second", fmt)
    for kind in KINDS:
        assert content(tmp_path / "first" / f"{kind}.{fmt}") == content(
            tmp_path / "second" / f"{kind}.{fmt}"
        ), kind
        assert first[kind].rows == second[kind].rows
    assert history() == before_history
    return before_members, members(), first


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_shared_world_comes_back_unchanged(world, tmp_path, fmt):
    duc, hai, lan, minh = (world.members[k] for k in ("duc", "hai", "lan", "minh"))
    event_record(
        actor=None, member=duc, kind="transferred", date=dt.date(2020, 1, 1), org=world.org("C2")
    )
    event_record(actor=None, member=hai, kind="died", date=dt.date(2024, 2, 1), reason="Ốm nặng")
    wrong = event_record(
        actor=None, member=lan, kind="transferred", date=dt.date(2025, 10, 1), org=world.org("C1")
    )
    event_void(actor=None, event=wrong, reason="Nhập nhầm")
    event_record(actor=None, member=minh, kind="transferred", date=dt.date(2025, 1, 1),
                 org=world.org("C3"), temporary=True, end_date=dt.date(2025, 7, 1))  # fmt: skip
    Member.objects.filter(pk=lan.pk).update(phone="0912345678", religion="Phật giáo")

    before, after, exported = round_trip(tmp_path, fmt)

    assert exported["events"].skipped == 1  # Minh's temporary transfer has no column
    before["M-MINH"].update(temp_org__code=None, temp_until=None)
    assert after == before
    assert after["M-DUC"]["org__code"] == "C2" and after["M-HAI"]["status"] == "deceased"
    assert after["M-LAN"]["phone"] == "0912345678"


def test_a_demo_province_comes_back_unchanged(db, tmp_path):
    demo_generate(seed=3, members=400)
    temporary = set(
        MemberEvent.objects.filter(temporary=True).values_list("member__member_code", flat=True)
    )
    voided = MemberEvent.objects.filter(kind="voided").count()
    movers = (
        MemberEvent.objects.filter(kind="transferred", temporary=False, voided_by__isnull=True)
        .values("member")
        .distinct()
        .count()
    )
    assert movers > 10 and voided > 0  # the data exercises what matters

    before, after, _exported = round_trip(tmp_path, "csv")

    for code in temporary:
        before[code].update(temp_org__code=None, temp_until=None)
        after[code].update(temp_org__code=None, temp_until=None)
    assert after == before


def test_a_subtree_export_holds_only_the_subtree(world, tmp_path):
    results = export_all(tmp_path / "d1", "csv", org=world.org("D1"))
    assert (results["orgs"].rows, results["members"].rows) == (4, 3)
    text = (tmp_path / "d1" / "members.csv").read_text(encoding="utf-8-sig")
    assert "M-HAI" not in text and "M-LAN" in text
    orgs = (tmp_path / "d1" / "orgs.csv").read_text(encoding="utf-8-sig").splitlines()
    assert orgs[0] == "code,parent_code,name,kind,sector,established_on"
    assert orgs[1].startswith("D1,BT,")

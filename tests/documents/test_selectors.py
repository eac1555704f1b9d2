"""Who receives what: audience rules resolved by query, checked by hand on the shared
world and against a plain model on random trees."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count

import pytest
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chibo.accounts.access import scope_for
from chibo.documents import selectors
from chibo.documents.models import Document
from chibo.documents.services import document_read, document_withdraw
from chibo.members.models import Member
from chibo.orgs.models import Organization, encode_step
from documents.helpers import issue


def _ids(qs) -> set[int]:  # type: ignore[no-untyped-def]
    return {d.pk for d in qs}


def test_a_member_receives_what_is_sent_above_them_and_to_their_segment(world):
    minh, lan, hai = world.members["minh"], world.members["lan"], world.members["hai"]
    Member.objects.filter(pk=lan.pk).update(occupation="student")
    lan.refresh_from_db()
    province = issue(world.org("BT"))
    district = issue(world.org("D1"))
    commune = issue(world.org("G1"))
    cell = issue(world.org("C1"), doc_type="TB")
    students = issue(world.org("D1"), segments=["student"])
    chosen = issue(world.org("D1"), units=[world.org("C2")])
    sibling = issue(world.org("D2"))

    assert _ids(selectors.reader_documents(member=minh)) == {
        province.pk,
        district.pk,
        commune.pk,
        cell.pk,
    }
    assert _ids(selectors.reader_documents(member=lan)) == {
        province.pk,
        district.pk,
        students.pk,
        chosen.pk,
    }
    assert _ids(selectors.reader_documents(member=hai)) == {province.pk, sibling.pk}
    assert _ids(selectors.reader_notices(member=minh)) == {cell.pk}


def test_withdrawn_documents_disappear_for_readers_and_stay_for_the_office(world):
    doc = issue(world.org("BT"))
    minh = world.members["minh"]
    document_withdraw(actor=None, document=doc, reason="Nhầm")
    assert not selectors.reader_documents(member=minh).exists()
    with pytest.raises(Http404):
        selectors.reader_document_get(member=minh, document_id=doc.pk)
    assert _ids(selectors.document_list(scope=scope_for(world.users["olga"]))) == {doc.pk}


def test_the_office_sees_documents_issued_within_its_scope_only(world):
    d1_doc, d2_doc = issue(world.org("D1")), issue(world.org("D2"))
    alice, bob = scope_for(world.users["alice"]), scope_for(world.users["bob"])
    assert _ids(selectors.document_list(scope=alice)) == {d1_doc.pk}
    assert _ids(selectors.document_list(scope=bob)) == {d2_doc.pk}
    with pytest.raises(Http404):
        selectors.document_get(scope=bob, document_id=d1_doc.pk)
    sam = scope_for(world.users["sam"])
    with pytest.raises(Http404):
        selectors.document_get(scope=sam, document_id=d1_doc.pk)


def test_search_ignores_diacritics_and_case(world):
    doc = issue(world.org("BT"), title="Đẩy mạnh học tập và làm theo tư tưởng Hồ Chí Minh")
    issue(world.org("BT"), title="Kế hoạch khác", body="không liên quan")
    minh = world.members["minh"]
    assert _ids(selectors.reader_documents(member=minh, query="ho chi minh")) == {doc.pk}
    assert _ids(selectors.reader_documents(member=minh, query="DAY MANH hoc")) == {doc.pk}
    assert _ids(
        selectors.document_list(
            scope=scope_for(world.users["olga"]),
            filters=selectors.DocumentFilters(query="tư tưởng"),
        )
    ) == {doc.pk}


def test_reading_figures_per_unit_unread_list_and_median(world):
    doc = issue(world.org("D1"))
    start = timezone.now() - dt.timedelta(days=1)
    Document.objects.filter(pk=doc.pk).update(created_at=start)
    doc.refresh_from_db()
    minh, duc, lan = world.members["minh"], world.members["duc"], world.members["lan"]
    document_read(member=minh, document=doc, read_at=start + dt.timedelta(hours=2), offline=True)
    document_read(member=lan, document=doc, read_at=start + dt.timedelta(hours=4), offline=True)
    rows = {r["org"].code: (r["received"], r["read"]) for r in selectors.reading_by_unit(doc)}
    assert rows == {"C1": (2, 1), "C2": (1, 1)}
    assert [m.pk for m in selectors.unread_members(doc)] == [duc.pk]
    assert selectors.median_time_to_read(doc) == dt.timedelta(hours=3)  # (2 + 4) / 2
    document_read(member=duc, document=doc, read_at=start + dt.timedelta(hours=10), offline=True)
    assert selectors.median_time_to_read(doc) == dt.timedelta(hours=4)  # the middle of 2, 4, 10
    assert {r["org"].code: r["read"] for r in selectors.reading_by_unit(doc)} == {"C1": 2, "C2": 1}
    # Received counts members now: one who leaves no longer counts.
    Member.objects.filter(pk=duc.pk).update(status="removed")
    assert {r["org"].code: r["received"] for r in selectors.reading_by_unit(doc)} == {
        "C1": 1,
        "C2": 1,
    }


# --- Random trees --------------------------------------------------------------------------

OCCUPATIONS = ["student", "teacher", "other"]
_codes = count(1)


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@st.composite
def worlds(draw):  # type: ignore[no-untyped-def]
    n = draw(st.integers(2, 8))
    parents = [None] + [draw(st.integers(0, i - 1)) for i in range(1, n)]
    people = [draw(st.lists(st.sampled_from(OCCUPATIONS), max_size=2)) for _ in range(n)]
    docs = []
    for _ in range(draw(st.integers(1, 4))):
        issuer = draw(st.integers(0, n - 1))
        units = draw(st.lists(st.integers(0, n - 1), max_size=3, unique=True))
        segments = draw(st.lists(st.sampled_from(OCCUPATIONS), max_size=2, unique=True))
        docs.append((issuer, units, segments))
    return parents, people, docs


def _build_tree(parents: list[int | None]) -> list[Organization]:
    units: list[Organization] = []
    children: dict[int, int] = {}
    for parent in parents:
        code = f"R{next(_codes)}"
        if parent is None:
            path, depth, parent_org = "Z" + encode_step(next(_codes))[1:], 1, None
        else:
            parent_org = units[parent]
            children[parent] = children.get(parent, 0) + 1
            path = parent_org.path + encode_step(children[parent])
            depth = parent_org.depth + 1
        units.append(
            Organization.objects.create(
                path=path,
                depth=depth,
                parent=parent_org,
                code=code,
                name=code,
                kind="grassroots_cell",
            )
        )
    return units


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(example=worlds())
def test_a_member_receives_exactly_the_documents_addressed_above_them_and_to_their_segment(
    world, example
):
    parents, people, docs = example
    with rolled_back():
        units = _build_tree(parents)
        members = []
        for i, occupations in enumerate(people):
            for occupation in occupations:
                members.append(
                    Member.objects.create(
                        member_code=f"H{next(_codes)}",
                        given_name="A",
                        birth_date=dt.date(1990, 1, 1),
                        gender="male",
                        occupation=occupation,
                        status="official",
                        org=units[i],
                    )
                )
        issued = []
        for issuer_i, unit_is, segments in docs:
            issuer = units[issuer_i]
            inside = [units[u] for u in unit_is if units[u].path.startswith(issuer.path)]
            doc = issue(issuer, units=inside, segments=segments)
            issued.append((doc, inside or [issuer], set(segments)))

        for member in members:
            expected = {
                doc.pk
                for doc, targets, segments in issued
                if any(member.org.path.startswith(t.path) for t in targets)
                and (not segments or member.occupation in segments)
            }
            assert _ids(selectors.reader_documents(member=member)) == expected
        for doc, targets, segments in issued:
            expected_members = {
                m.pk
                for m in members
                if any(m.org.path.startswith(t.path) for t in targets)
                and (not segments or m.occupation in segments)
            }
            assert {m.pk for m in selectors.audience_members(doc)} == expected_members

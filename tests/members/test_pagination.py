"""Pagination that stops counting at a cap (chibo.members.pagination)."""

from chibo.members import pagination
from chibo.members.models import Member
from chibo.members.pagination import CappedPaginator


def by_pk():  # type: ignore[no-untyped-def]
    return Member.objects.order_by("pk")


def rows_of(ids):  # type: ignore[no-untyped-def]
    return Member.objects.in_bulk(list(ids))


def test_it_counts_exactly_below_the_cap(world):
    paginator = CappedPaginator(by_pk(), 2)
    assert paginator.count == 4
    assert not paginator.is_capped
    assert paginator.num_pages == 2


def test_it_stops_counting_past_the_cap(world, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    paginator = CappedPaginator(by_pk(), 10)
    assert paginator.count == 3  # the cap plus one: "2+"
    assert paginator.is_capped


def test_it_takes_its_cap_as_a_parameter(world):
    paginator = CappedPaginator(by_pk(), 10, cap=3)
    assert (paginator.count, paginator.is_capped, paginator.cap) == (4, True, 3)
    assert not CappedPaginator(by_pk(), 10, cap=4).is_capped


def test_it_counts_a_plain_list():
    assert CappedPaginator([1, 2, 3], 2).count == 3


def test_a_page_in_two_steps_holds_the_rows_in_the_querysets_order(world):
    members = Member.objects.order_by("-pk")
    page = CappedPaginator(members, 3, rows=rows_of).page(1)
    assert [m.pk for m in page] == [m.pk for m in members][:3]
    assert all(isinstance(m, Member) for m in page)


def test_a_small_cap_counts_and_fills_the_first_pages_with_one_query(
    world, django_assert_num_queries
):
    paginator = CappedPaginator(by_pk(), 2, cap=10, rows=rows_of)
    with django_assert_num_queries(2):  # the ids of the first 11 rows, then the page's rows
        assert paginator.count == 4
        first = paginator.page(1)
    with django_assert_num_queries(1):  # the second page's ids are known already
        second = paginator.page(2)
    assert [m.pk for m in [*first, *second]] == [m.pk for m in by_pk()]


def test_a_page_past_a_small_cap_reads_its_own_ids(world):
    # 4 members, a cap of 2: "more than 2", and page 2 shows rows 3 and 4 (not only the 3rd)
    paginator = CappedPaginator(by_pk(), 2, cap=2, rows=rows_of)
    assert (paginator.count, paginator.is_capped) == (3, True)
    assert [m.pk for m in paginator.page(2)] == [m.pk for m in by_pk()][2:4]


def test_it_reads_the_ids_the_way_it_is_given(world):
    asked = []

    def ids(offset: int, limit: int) -> list[int]:
        asked.append((offset, limit))
        return list(by_pk().values_list("pk", flat=True))[offset : offset + limit]

    paginator = CappedPaginator(by_pk(), 3, cap=10, rows=rows_of, ids=ids)
    assert [m.pk for m in paginator.page(2)] == [m.pk for m in by_pk()][3:]
    assert asked == [(0, 11)]


def test_rows_the_second_step_does_not_return_are_left_out(world):
    # (a row that left the scope between the two steps)
    hidden = by_pk().first()
    paginator = CappedPaginator(
        by_pk(), 10, rows=lambda ids: {pk: m for pk, m in rows_of(ids).items() if pk != hidden.pk}
    )
    assert [m.pk for m in paginator.page(1)] == [m.pk for m in by_pk()][1:]

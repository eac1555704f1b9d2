"""Pagination that stops counting at a cap (chibo.members.pagination)."""

from chibo.members import pagination
from chibo.members.models import Member
from chibo.members.pagination import CappedPaginator


def test_it_counts_exactly_below_the_cap(world):
    paginator = CappedPaginator(Member.objects.order_by("pk"), 2)
    assert paginator.count == 4
    assert not paginator.is_capped
    assert paginator.num_pages == 2


def test_it_stops_counting_past_the_cap(world, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    paginator = CappedPaginator(Member.objects.order_by("pk"), 10)
    assert paginator.count == 3  # the cap plus one: "2+"
    assert paginator.is_capped


def test_it_counts_a_plain_list():
    assert CappedPaginator([1, 2, 3], 2).count == 3

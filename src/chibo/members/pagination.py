"""Pagination that never counts more than it must: past the cap the total reads "10,000+".

Counting a million-row subtree on every page view costs more than the page itself. A text
search is capped lower (`TEXT_COUNT_CAP`): past a thousand matches the user should narrow
the search, not page through it, and at that cap one query gives both the count and the
page (the ids of the first cap + 1 rows, in order).
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000
TEXT_COUNT_CAP = 1_000
# Up to this cap the ids of the first cap + 1 rows are read at once; above it the count and
# each page are separate queries.
ID_WINDOW_MAX = 1_000


class CappedPaginator(Paginator):
    """A Django paginator with a capped count and, optionally, pages fetched in two steps.

    `cap`: count at most this many rows (default `COUNT_CAP`); `is_capped` says there are more.
    `rows`: ids → {id: object}. When given, a page first reads only the ids of its rows, in
    the queryset's order (an index-only query on PostgreSQL), then the rows themselves by
    primary key; the page holds the objects in that order.
    `ids`: (offset, limit) → ids in order, to read the ids some faster way than slicing
    `object_list.values_list("pk")` (used with `rows`).
    """

    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        cap: int | None = None,
        rows: Callable[[Sequence[Any]], dict[Any, Any]] | None = None,
        ids: Callable[[int, int], list[Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap
        self.rows = rows
        self.ids = ids

    def _ids(self, offset: int, limit: int) -> list[Any]:
        if self.ids is not None:
            return self.ids(offset, limit)
        queryset: Any = self.object_list
        return list(queryset.values_list("pk", flat=True)[offset : offset + limit])

    @cached_property
    def _id_window(self) -> list[Any] | None:
        """The ids of the first cap + 1 rows, when the cap is small enough to read them."""
        if self.rows is None or self.cap > ID_WINDOW_MAX or not _is_queryset(self.object_list):
            return None
        return self._ids(0, self.cap + 1)

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        if self._id_window is not None:
            return len(self._id_window)
        object_list: Any = self.object_list
        if _is_queryset(object_list):
            return object_list.order_by()[: self.cap + 1].count()
        return len(object_list)

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap

    def page(self, number: Any) -> Page:
        if self.rows is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count and not self.is_capped:
            top = self.count
        window = self._id_window
        if window is not None and top <= len(window):
            ids = window[bottom:top]
        else:
            ids = self._ids(bottom, top - bottom)
        found = self.rows(ids)
        return Page([found[pk] for pk in ids if pk in found], number, self)


def _is_queryset(object_list: Iterable[Any]) -> bool:
    return hasattr(object_list, "values_list") and hasattr(object_list, "order_by")

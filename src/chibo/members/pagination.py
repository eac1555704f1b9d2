"""Pagination that never counts more than it must: past the cap the total reads "10,000+".

Counting a million-row subtree on every page view costs more than the page itself.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    @cached_property
    def count(self) -> int:  # type: ignore[override]
        if hasattr(self.object_list, "order_by"):
            return self.object_list.order_by()[: COUNT_CAP + 1].count()
        return len(self.object_list)

    @property
    def is_capped(self) -> bool:
        return self.count > COUNT_CAP

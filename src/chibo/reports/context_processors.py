"""`dashboard_url`, `recruitment_url` and `assessment_url` for the navigation: the pages
of the first unit of the user's scope."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from chibo.orgs.selectors import org_roots


def dashboard(request: HttpRequest) -> dict[str, Any]:
    """Lazy: the query runs only on pages that show the link, once per request."""

    def root() -> int | None:
        scope = getattr(request, "scope", None)
        if scope is None or scope.is_empty:
            return None
        return org_roots(scope=scope).order_by("path").values_list("pk", flat=True).first()

    first = SimpleLazyObject(lambda: {"pk": root()})

    def url(name: str) -> str:
        pk = first["pk"]
        return reverse(name, args=[pk]) if pk else ""

    return {
        "dashboard_url": SimpleLazyObject(lambda: url("reports:dashboard")),
        "recruitment_url": SimpleLazyObject(lambda: url("recruitment:board")),
        "assessment_url": SimpleLazyObject(lambda: url("assessment:campaigns")),
    }

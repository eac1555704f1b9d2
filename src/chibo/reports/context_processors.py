"""`dashboard_url` for the navigation: the dashboard of the first unit of the user's scope."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from chibo.orgs.selectors import org_roots


def dashboard(request: HttpRequest) -> dict[str, Any]:
    """Lazy: the query runs only on pages that show the link, once per request."""

    def url() -> str:
        scope = getattr(request, "scope", None)
        if scope is None or scope.is_empty:
            return ""
        pk = org_roots(scope=scope).order_by("path").values_list("pk", flat=True).first()
        return reverse("reports:dashboard", args=[pk]) if pk else ""

    return {"dashboard_url": SimpleLazyObject(url)}

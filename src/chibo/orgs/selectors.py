"""Reads of the tree, always within a scope."""

from django.db.models import QuerySet

from chibo.core.scope import Scope

from .models import Organization


def org_list(*, scope: Scope) -> QuerySet[Organization]:
    """Every unit the scope can read, in tree order."""
    return Organization.objects.filter(scope.path_q())


def org_roots(*, scope: Scope) -> QuerySet[Organization]:
    """The top units of the scope (one per role, minus those covered by another)."""
    return Organization.objects.filter(path__in=scope.read_prefixes)


def org_children(
    *, scope: Scope, org: Organization, include_dissolved: bool = False
) -> QuerySet[Organization]:
    qs = org_list(scope=scope).filter(parent=org)
    if not include_dissolved:
        qs = qs.filter(status=Organization.Status.ACTIVE)
    return qs


def org_ancestors(*, scope: Scope, org: Organization) -> list[Organization]:
    """The chain from the top of the scope down to `org`'s parent (breadcrumbs)."""
    return list(org_list(scope=scope).filter(path__in=org.ancestor_paths()).order_by("depth"))


def org_search(*, scope: Scope, query: str, limit: int = 20) -> QuerySet[Organization]:
    qs = org_list(scope=scope).filter(status=Organization.Status.ACTIVE)
    if query:
        qs = qs.filter(name__icontains=query) | qs.filter(code__iexact=query)
    return qs[:limit]

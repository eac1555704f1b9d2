"""Read routes for units, members and events, scoped exactly like the UI (same selectors).

Every route takes the caller's scope from `request_scope` (token or session alike); a unit
or member outside it is a 404, the same as one that does not exist.
"""

import datetime as dt
from typing import Annotated

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.errors import ValidationError
from ninja.pagination import paginate

from chibo.accounts.access import access_org
from chibo.members.selectors import (
    MemberFilters,
    event_list,
    member_get,
    member_history,
    member_list,
)
from chibo.orgs.models import Organization
from chibo.orgs.selectors import org_children, org_list, org_roots

from .auth import request_scope
from .errors import ERRORS
from .pagination import CappedLimitOffset
from .schemas import (
    EventKindChoice,
    EventOut,
    GenderChoice,
    MemberId,
    MemberOut,
    MemberStatusFilter,
    OccupationChoice,
    OrgOut,
    SearchText,
    UnitCode,
    UnitEventOut,
)

orgs_router = Router(tags=["units"])
members_router = Router(tags=["members"])
events_router = Router(tags=["events"])


# --- Units ---------------------------------------------------------------------------------


@orgs_router.get("/", response={200: list[OrgOut], **ERRORS})
@paginate(CappedLimitOffset)
def list_orgs(
    request: HttpRequest,
    parent: Annotated[
        UnitCode | None, Query(None, description="List this unit's children.")
    ] = None,
    q: Annotated[SearchText, Query("", description="Find units by name or code.")] = "",
) -> QuerySet[Organization]:
    """Live units: the top units of your scope, or the children of `parent`.

    With `q`, the units whose name holds `q` or whose code is `q`, anywhere in your scope
    (or below `parent`).
    """
    scope = request_scope(request)
    unit = access_org(scope, parent, by_code=True) if parent else None
    query = q.strip()
    if query:
        found = org_list(scope=scope).filter(status=Organization.Status.ACTIVE)
        if unit is not None:
            found = found.filter(path__startswith=unit.path).exclude(pk=unit.pk)
        qs = found.filter(Q(name__icontains=query) | Q(code__iexact=query))
    elif unit is not None:
        qs = org_children(scope=scope, org=unit)
    else:
        qs = org_roots(scope=scope)
    return qs.select_related("parent").order_by("path")


@orgs_router.get("/{code}", response={200: OrgOut, **ERRORS})
def get_org(request: HttpRequest, code: Annotated[UnitCode, Path()]) -> Organization:
    org = access_org(request_scope(request), code, by_code=True)
    return Organization.objects.select_related("parent").get(pk=org.pk)


@orgs_router.get("/{code}/children", response={200: list[OrgOut], **ERRORS})
@paginate(CappedLimitOffset)
def list_children(
    request: HttpRequest, code: Annotated[UnitCode, Path()]
) -> QuerySet[Organization]:
    scope = request_scope(request)
    org = access_org(scope, code, by_code=True)
    return org_children(scope=scope, org=org).select_related("parent")


# --- Members -------------------------------------------------------------------------------


@members_router.get("/", response={200: list[MemberOut], **ERRORS})
@paginate(CappedLimitOffset)
def list_members(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    org: Annotated[UnitCode | None, Query(None, description="Only this unit's subtree.")] = None,
    q: Annotated[
        SearchText,
        Query("", description="Name (diacritics and case ignored), member id or national ID."),
    ] = "",
    status: Annotated[
        MemberStatusFilter | None,
        Query(None, description="`live`: probationary, official, exempted."),
    ] = None,
    occupation: Annotated[OccupationChoice | None, Query(None)] = None,
    gender: Annotated[GenderChoice | None, Query(None)] = None,
):
    """Members of your scope in Vietnamese name order, filtered."""
    scope = request_scope(request)
    unit = access_org(scope, org, by_code=True) if org else None
    filters = MemberFilters(
        org=unit,
        query=q,
        status=str(status or ""),
        occupation=str(occupation or ""),
        gender=str(gender or ""),
    )
    return member_list(scope=scope, filters=filters)


@members_router.get("/{member_id}", response={200: MemberOut, **ERRORS})
def get_member(request: HttpRequest, member_id: MemberId):  # type: ignore[no-untyped-def]
    return member_get(scope=request_scope(request), member_id=member_id)


@members_router.get("/{member_id}/events", response={200: list[EventOut], **ERRORS})
def list_member_events(request: HttpRequest, member_id: MemberId):  # type: ignore[no-untyped-def]
    """The member's whole timeline, newest first, voided events included (marked)."""
    member = member_get(scope=request_scope(request), member_id=member_id)
    return list(member_history(member=member))


# --- Events --------------------------------------------------------------------------------


@events_router.get("/", response={200: list[UnitEventOut], **ERRORS})
@paginate(CappedLimitOffset)
def list_events(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    org: Annotated[UnitCode | None, Query(None, description="Only this unit's subtree.")] = None,
    start: Annotated[dt.date | None, Query(None, description="From this day (inclusive).")] = None,
    end: Annotated[dt.date | None, Query(None, description="Up to this day (inclusive).")] = None,
    kind: Annotated[EventKindChoice | None, Query(None)] = None,
):
    """Effective events of the units in your scope (or `org`'s subtree), by date."""
    if start and end and start > end:
        raise ValidationError(
            [
                {
                    "loc": ("query", "end"),
                    "type": "period_order",
                    "msg": _("The end date is before the start date."),
                }
            ]
        )
    scope = request_scope(request)
    unit = access_org(scope, org, by_code=True) if org else None
    return event_list(scope=scope, org=unit, start=start, end=end, kind=str(kind or ""))

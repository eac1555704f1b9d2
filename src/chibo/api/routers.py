"""Read routes for units and members, scoped exactly like the UI (same selectors)."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from chibo.accounts.access import access_org, scope_for
from chibo.core.scope import Scope
from chibo.members.selectors import MemberFilters, member_get, member_history, member_list
from chibo.orgs.selectors import org_children, org_roots


def _scope(request: HttpRequest) -> Scope:
    return scope_for(request.user)


class OrgOut(Schema):
    code: str
    name: str
    kind: str
    sector: str
    status: str
    parent_code: str | None
    established_on: dt.date | None
    dissolved_on: dt.date | None

    @staticmethod
    def resolve_parent_code(obj) -> str | None:  # type: ignore[no-untyped-def]
        return obj.parent.code if obj.parent_id else None


class MemberOut(Schema):
    id: int
    member_id: str
    full_name: str
    birth_date: dt.date
    gender: str
    occupation: str
    status: str
    org_code: str
    admitted_on: dt.date | None
    recognized_on: dt.date | None

    @staticmethod
    def resolve_member_id(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.member_code

    @staticmethod
    def resolve_org_code(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.org.code


class EventOut(Schema):
    id: int
    kind: str
    date: dt.date
    org_code: str
    decision_no: str
    reason: str
    temporary: bool
    end_date: dt.date | None
    voided: bool

    @staticmethod
    def resolve_org_code(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.org.code

    @staticmethod
    def resolve_voided(obj) -> bool:  # type: ignore[no-untyped-def]
        return not obj.is_effective


class ErrorOut(Schema):
    code: str
    message: str


orgs_router = Router(tags=["units"])
members_router = Router(tags=["members"])


@orgs_router.get("/", response=list[OrgOut])
@paginate(LimitOffsetPagination)
def list_roots(request: HttpRequest):  # type: ignore[no-untyped-def]
    """The top units of your scope."""
    return org_roots(scope=_scope(request)).select_related("parent")


@orgs_router.get("/{code}", response={200: OrgOut, 404: ErrorOut})
def get_org(request: HttpRequest, code: str):  # type: ignore[no-untyped-def]
    return access_org(_scope(request), code, by_code=True)


@orgs_router.get("/{code}/children", response={200: list[OrgOut], 404: ErrorOut})
@paginate(LimitOffsetPagination)
def list_children(request: HttpRequest, code: str):  # type: ignore[no-untyped-def]
    scope = _scope(request)
    return org_children(scope=scope, org=access_org(scope, code, by_code=True)).select_related(
        "parent"
    )


@members_router.get("/", response={200: list[MemberOut], 404: ErrorOut})
@paginate(LimitOffsetPagination)
def list_members(request: HttpRequest, org: str | None = None, q: str = "", status: str = ""):  # type: ignore[no-untyped-def]
    """Members of your scope, or of the subtree of unit `org`; `q` ignores diacritics."""
    scope = _scope(request)
    unit = access_org(scope, org, by_code=True) if org else None
    return member_list(scope=scope, filters=MemberFilters(org=unit, query=q, status=status))


@members_router.get("/{member_id}", response={200: MemberOut, 404: ErrorOut})
def get_member(request: HttpRequest, member_id: int):  # type: ignore[no-untyped-def]
    return member_get(scope=_scope(request), member_id=member_id)


@members_router.get("/{member_id}/events", response={200: list[EventOut], 404: ErrorOut})
def list_events(request: HttpRequest, member_id: int):  # type: ignore[no-untyped-def]
    member = member_get(scope=_scope(request), member_id=member_id)
    return list(member_history(member=member))

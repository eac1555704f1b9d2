"""Reads for accounts: the audit trail of a scope, and a user's own API tokens."""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from chibo.core.models import AuditEntry
from chibo.core.scope import Scope
from chibo.orgs.models import Organization

from .models import ApiToken


def audit_list(
    *, scope: Scope, action: str = "", object_type: str = "", object_id: str = ""
) -> QuerySet[AuditEntry]:
    """Audit entries about objects in the scope's units (and the user's own acts)."""
    org_ids = Organization.objects.filter(scope.path_q()).values("pk")
    q = Q(org_id__in=org_ids)
    if scope.user_id:
        q |= Q(actor_id=scope.user_id)
    qs = (
        AuditEntry.objects.filter(q)
        if not scope.is_empty or scope.user_id
        else AuditEntry.objects.none()
    )
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type and object_id:
        qs = qs.filter(object_type=object_type, object_id=object_id)
    return qs.order_by("-created_at", "-id")


def token_list(*, user: Any) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first, revoked ones included."""
    return ApiToken.objects.filter(user_id=user.pk).order_by("-created_at", "-id")


def token_get(*, user: Any, token_id: int | str) -> ApiToken:
    """One of the user's own tokens; anyone else's (or none) is a 404."""
    try:
        return token_list(user=user).get(pk=token_id)
    except (ApiToken.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc

"""Reads for accounts: the audit trail of a scope."""

from django.db.models import Q, QuerySet

from chibo.core.models import AuditEntry
from chibo.core.scope import Scope
from chibo.orgs.models import Organization


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

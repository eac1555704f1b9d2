"""Writes of the reports app: exporting personal data leaves an audit row."""

from typing import Any

from django.db import transaction

from chibo.core.audit import audit_record
from chibo.core.models import AuditEntry
from chibo.orgs.models import Organization


@transaction.atomic
def members_export_record(
    *,
    actor: Any,
    org: Organization | None,
    filters: dict[str, Any],
    fmt: str,
    rows: int,
) -> AuditEntry:
    """Record that `actor` exported `rows` members matching `filters` as `fmt`.

    The entry belongs to the unit exported (`org`: the filter's unit, else the top of the
    actor's scope), so the officials above it see it in their audit trail; without a unit
    (a member exporting their own record) it is about the actor and only they see it.
    Returns the entry; raises nothing.
    """
    changes = {"format": fmt, "filters": filters, "rows": rows}
    if org is not None:
        return audit_record(
            actor=actor,
            action="export.members",
            obj=org,
            org_id=org.pk,
            changes=changes,
            label=f"{org.code} {org.name}",
        )
    return audit_record(actor=actor, action="export.members", obj=actor, changes=changes)

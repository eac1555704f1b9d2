"""Writing audit rows. Every service calls `audit_record` inside its transaction."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models

from .middleware import current_request_id
from .models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in after
        if _plain(before.get(key)) != _plain(after.get(key))
    }


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    org_id: int | None = None,
    changes: dict[str, Any] | None = None,
    label: str = "",
) -> AuditEntry:
    """Append one audit row. `actor` is a user, or None for the system (command line)."""
    is_user = actor is not None and getattr(actor, "pk", None) is not None
    return AuditEntry.objects.create(
        actor=actor if is_user else None,
        actor_label=actor.get_username() if is_user else "system",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=(label or str(obj))[:255],
        org_id=org_id,
        changes={k: _plain(v) for k, v in (changes or {}).items()},
        request_id=current_request_id.get(),
    )

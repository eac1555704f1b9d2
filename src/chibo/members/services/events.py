"""Recording and voiding events; re-deriving the member's cached state from them."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chibo.core.audit import audit_record
from chibo.core.errors import RuleViolation, StaleEdit
from chibo.orgs.models import Organization

from ..models import EventKind, Member, MemberEvent
from ..rules import MemberState, replay
from ..stats import stats_apply

CACHED_FIELDS = [
    "status",
    "org_id",
    "temp_org_id",
    "temp_until",
    "admitted_on",
    "recognized_on",
    "status_since",
]


def effective_events(member: Member) -> list[MemberEvent]:
    return list(
        MemberEvent.objects.filter(member=member, voided_by__isnull=True)
        .exclude(kind=EventKind.VOIDED)
        .select_related("org")
        .order_by("date", "id")
    )


def _store_state(member: Member, state: MemberState) -> None:
    for name in CACHED_FIELDS:
        setattr(member, name, getattr(state, name))
    member.version += 1
    member.save(update_fields=[*CACHED_FIELDS, "version", "updated_at"])


def member_rederive(member: Member) -> MemberState:
    """Replay the member's effective events and cache the result on the row."""
    state = replay(effective_events(member), birth_date=member.birth_date)
    _store_state(member, state)
    return state


def lock_member(member: Member, version: int | None) -> Member:
    fresh = Member.objects.select_for_update().get(pk=member.pk)
    if version is not None and fresh.version != version:
        raise StaleEdit(
            _(
                "This member was changed by someone else after you opened the record. Reload and try again."
            )
        )
    return fresh


@transaction.atomic
def event_record(
    *,
    actor: Any,
    member: Member,
    kind: str,
    date: dt.date,
    org: Organization | None = None,
    decision_no: str = "",
    decided_by: str = "",
    reason: str = "",
    temporary: bool = False,
    end_date: dt.date | None = None,
    version: int | None = None,
    today: dt.date | None = None,
) -> MemberEvent:
    """Record one event of a member's life and re-derive status and unit.

    `org` is where the event happens: the destination of a transfer, the unit of an
    admission or reinstatement; other events happen in the member's current unit.
    The whole history with the new event is replayed, so a back-dated event is accepted
    only if everything after it still holds. Raises RuleViolation (nothing written) or
    StaleEdit when `version` no longer matches.
    """
    member = lock_member(member, version)
    if kind == EventKind.VOIDED:
        raise RuleViolation(_("Use the correction action to void an event."))
    if date is None:
        raise RuleViolation(_("An event needs a date."), field="date")
    if date > (today or timezone.localdate()):
        raise RuleViolation(_("An event cannot be dated in the future."), field="date")
    # Re-read the unit: the caller's copy may predate its dissolution.
    org = Organization.objects.get(pk=org.pk) if org is not None else member.org
    if kind != EventKind.TRANSFERRED:
        temporary, end_date = False, None
    event = MemberEvent(
        member=member,
        kind=kind,
        date=date,
        org=org,
        from_org=member.org if kind == EventKind.TRANSFERRED else None,
        temporary=temporary,
        end_date=end_date,
        decision_no=decision_no.strip(),
        decided_by=decided_by.strip(),
        reason=reason.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    previous = effective_events(member)
    history = [*previous, event]
    history.sort(key=lambda e: e.date)  # stable: same-day events keep their order, new one last
    state = replay(history, birth_date=member.birth_date)
    if kind == EventKind.TRANSFERRED:
        # a back-dated transfer leaves the unit the member was in on that date
        earlier = history[: next(i for i, e in enumerate(history) if e is event)]
        event.from_org_id = replay(earlier, birth_date=member.birth_date).org_id
    event.save()
    stats_apply(before=previous, after=history)
    before = {name: getattr(member, name) for name in CACHED_FIELDS}
    _store_state(member, state)
    audit_record(
        actor=actor,
        action=f"member.event.{kind}",
        obj=member,
        org_id=member.org_id,
        changes={
            "event": event.pk,
            "date": date,
            "org": org.code,
            "decision_no": event.decision_no,
            **{
                k: [before[k], getattr(member, k)]
                for k in before
                if before[k] != getattr(member, k)
            },
        },
    )
    return event


@transaction.atomic
def event_void(
    *, actor: Any, event: MemberEvent, reason: str, version: int | None = None
) -> MemberEvent:
    """Void a wrong event: a new `voided` event points at it; nothing is deleted.

    Refused when the history without it no longer holds (void the later events first).
    """
    member = lock_member(event.member, version)
    event = MemberEvent.objects.select_for_update().get(pk=event.pk)
    if not reason.strip():
        raise RuleViolation(_("Say why the event is being voided."), field="reason")
    if not event.is_effective:
        raise RuleViolation(_("This event has already been voided."))
    previous = effective_events(member)
    rest = [e for e in previous if e.pk != event.pk]
    try:
        state = replay(rest, birth_date=member.birth_date)
    except RuleViolation as exc:
        raise RuleViolation(
            _(
                "Without this event the history no longer holds (%(reason)s). Void the later events first."
            )
            % {"reason": exc.message}
        ) from exc
    if state.status is None:
        raise RuleViolation(
            _("The admission is the member's only remaining event and cannot be voided.")
        )
    void = MemberEvent.objects.create(
        member=member,
        kind=EventKind.VOIDED,
        date=timezone.localdate(),
        org=member.org,
        target=event,
        reason=reason.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    MemberEvent.objects.filter(pk=event.pk).update(voided_by=void)
    stats_apply(before=previous, after=rest)
    before = {name: getattr(member, name) for name in CACHED_FIELDS}
    _store_state(member, state)
    audit_record(
        actor=actor,
        action="member.event.void",
        obj=member,
        org_id=member.org_id,
        changes={
            "voided_event": event.pk,
            "voided_kind": event.kind,
            "reason": reason.strip(),
            **{
                k: [before[k], getattr(member, k)]
                for k in before
                if before[k] != getattr(member, k)
            },
        },
    )
    return void


def bump_version(member: Member) -> None:
    Member.objects.filter(pk=member.pk).update(version=F("version") + 1)

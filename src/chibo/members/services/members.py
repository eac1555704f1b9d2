"""Creating members and editing their personal data (status and unit change only by events)."""

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chibo.core.audit import audit_record, diff
from chibo.core.errors import RuleViolation
from chibo.orgs.models import Organization

from ..models import EventKind, Gender, Member, Occupation, Status
from ..rules import replay
from .events import effective_events, event_record, lock_member

CARD_NUMBER = re.compile(r"^\d{2}\.\d{6}$")
NATIONAL_ID = re.compile(r"^\d{12}$")

PERSONAL_FIELDS = [
    "family_name",
    "middle_name",
    "given_name",
    "birth_date",
    "gender",
    "ethnicity",
    "religion",
    "national_id",
    "hometown",
    "education",
    "occupation",
    "phone",
    "email",
    "card_number",
]


def _clean(data: dict[str, Any], *, member: Member | None) -> dict[str, Any]:
    """Normalize and check personal fields; RuleViolation with the field on the first problem."""
    out = dict(data)
    for key in (
        "family_name",
        "middle_name",
        "given_name",
        "ethnicity",
        "religion",
        "hometown",
        "education",
        "phone",
        "email",
    ):
        if key in out and out[key] is not None:
            out[key] = " ".join(str(out[key]).split())
    if "given_name" in out and not out["given_name"]:
        raise RuleViolation(_("A member needs a given name."), field="given_name")
    if "birth_date" in out:
        if not isinstance(out["birth_date"], dt.date):
            raise RuleViolation(_("A member needs a birth date."), field="birth_date")
        if out["birth_date"] > timezone.localdate():
            raise RuleViolation(_("The birth date is in the future."), field="birth_date")
    if "gender" in out and out["gender"] not in Gender.values:
        raise RuleViolation(_("Gender must be male or female."), field="gender")
    if "occupation" in out and out["occupation"] not in Occupation.values:
        raise RuleViolation(_("Unknown occupation segment."), field="occupation")
    if out.get("national_id"):
        out["national_id"] = str(out["national_id"]).strip()
        if not NATIONAL_ID.match(out["national_id"]):
            raise RuleViolation(_("A national ID has 12 digits."), field="national_id")
        clash = Member.objects.filter(national_id=out["national_id"])
        if member:
            clash = clash.exclude(pk=member.pk)
        if clash.exists():
            raise RuleViolation(
                _("Another member already has this national ID."), field="national_id"
            )
    elif "national_id" in out:
        out["national_id"] = None
    if out.get("email"):
        try:
            validate_email(out["email"])
        except ValidationError as exc:
            raise RuleViolation(_("The email address is not valid."), field="email") from exc
    if out.get("card_number"):
        out["card_number"] = str(out["card_number"]).strip()
        if not CARD_NUMBER.match(out["card_number"]):
            raise RuleViolation(
                _("A party card number reads PP.NNNNNN (province code, six digits)."),
                field="card_number",
            )
        if member is None or member.status not in (Status.OFFICIAL, Status.EXEMPTED):
            raise RuleViolation(
                _("A party card is issued only to official members."), field="card_number"
            )
        clash = Member.objects.filter(card_number=out["card_number"])
        if member:
            clash = clash.exclude(pk=member.pk)
        if clash.exists():
            raise RuleViolation(
                _("Another member already has this card number."), field="card_number"
            )
    elif "card_number" in out:
        out["card_number"] = None
    return out


@transaction.atomic
def member_create(
    *,
    actor: Any,
    org: Organization,
    member_code: str,
    admitted_on: dt.date,
    recognized_on: dt.date | None = None,
    decision_no: str = "",
    decided_by: str = "",
    **personal: Any,
) -> Member:
    """Create a member with the `admitted` event (and `recognized`, when given).

    `personal` takes the PERSONAL_FIELDS except the card number (issued on recognition,
    set afterwards with member_update). Raises RuleViolation; nothing is written then.
    """
    unknown = set(personal) - set(PERSONAL_FIELDS)
    if unknown:
        raise RuleViolation(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    card = personal.pop("card_number", None)
    member_code = (member_code or "").strip()
    if not member_code:
        raise RuleViolation(_("A member needs a member id."), field="member_code")
    if Member.objects.filter(member_code=member_code).exists():
        raise RuleViolation(
            _("The member id %(id)s is already used.") % {"id": member_code}, field="member_code"
        )
    if admitted_on is None:
        raise RuleViolation(_("A member needs an admission date."), field="admitted_on")
    data = _clean(personal, member=None)
    member = Member(member_code=member_code, org=org, status=Status.PROBATIONARY, **data)
    member.refresh_name_keys()
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        raise RuleViolation(_("This member conflicts with an existing one.")) from exc
    audit_record(
        actor=actor,
        action="member.create",
        obj=member,
        org_id=org.pk,
        changes={k: data.get(k) for k in data} | {"member_code": member_code},
    )
    event_record(
        actor=actor,
        member=member,
        kind=EventKind.ADMITTED,
        date=admitted_on,
        org=org,
        decision_no=decision_no,
        decided_by=decided_by,
    )
    if recognized_on:
        event_record(
            actor=actor,
            member=member,
            kind=EventKind.RECOGNIZED,
            date=recognized_on,
            decided_by=decided_by,
        )
    member.refresh_from_db()
    if card:
        member = member_update(actor=actor, member=member, version=member.version, card_number=card)
    return member


@transaction.atomic
def member_update(*, actor: Any, member: Member, version: int | None, **changes: Any) -> Member:
    """Change personal data. Refuses a stale save (someone saved in between) with StaleEdit."""
    unknown = set(changes) - set(PERSONAL_FIELDS)
    if unknown:
        raise RuleViolation(
            _("These fields cannot be edited here: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    member = lock_member(member, version)
    data = _clean(changes, member=member)
    before = {k: getattr(member, k) for k in data}
    for key, value in data.items():
        setattr(member, key, value)
    member.refresh_name_keys()
    changed = diff(before, data)
    if not changed:
        return member
    if "birth_date" in changed:
        # the admission's age rule must still hold with the corrected birth date
        replay(effective_events(member), birth_date=member.birth_date)
    member.version += 1
    member.save()
    audit_record(
        actor=actor, action="member.update", obj=member, org_id=member.org_id, changes=changed
    )
    return member

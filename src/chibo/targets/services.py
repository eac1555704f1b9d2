"""Every write of targets: set (create or change) and remove, each with its audit row."""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from chibo.core.audit import audit_record
from chibo.core.errors import DomainError
from chibo.members.models import Occupation
from chibo.orgs.models import Organization

from .models import Metric, Target

FIRST_YEAR = 1930  # the Party's founding year: no target can be older
LAST_YEAR = 2100


def check_target(
    *, metric: str, segment: str, first_year: int, last_year: int, value: Any
) -> Decimal:
    """The value as a Decimal if the target is possible, else DomainError with the reason."""
    if metric not in Metric.values:
        raise DomainError(_("Unknown target: %(m)s.") % {"m": metric}, field="metric")
    if segment and segment not in Occupation.values:
        raise DomainError(_("Unknown segment: %(s)s.") % {"s": segment}, field="segment")
    if segment and metric != Metric.ADMISSIONS:
        raise DomainError(_("Only admissions targets have segments."), field="segment")
    for year in (first_year, last_year):
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise DomainError(
                _("The year must lie between %(a)d and %(b)d.") % {"a": FIRST_YEAR, "b": LAST_YEAR},
                field="first_year",
            )
    if first_year > last_year:
        raise DomainError(_("The term ends before it starts."), field="last_year")
    try:
        number = _number(value)
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(_("“%(v)s” is not a number.") % {"v": value}, field="value") from exc
    if not number.is_finite() or number < 0:
        raise DomainError(_("A target cannot be negative."), field="value")
    if metric == Metric.ADMISSIONS and number != number.to_integral_value():
        raise DomainError(_("An admissions target is a whole number."), field="value")
    if metric == Metric.GOOD_OR_BETTER and number > 100:
        raise DomainError(_("A percentage is at most 100."), field="value")
    return number.quantize(Decimal("0.01"))


_GROUPED = re.compile(r"^\d{1,3}([.,]\d{3})+$")


def _number(value: Any) -> Decimal:
    """A number as clerks write it: 1000, 1.000 or 1,000 (thousands), 87,5 or 87.5."""
    if isinstance(value, Decimal | int):
        return Decimal(value)
    raw = "".join(str(value).split())
    if _GROUPED.match(raw):
        return Decimal(raw.replace(".", "").replace(",", ""))
    return Decimal(raw.replace(",", "."))


@transaction.atomic
def target_set(
    *,
    actor: Any,
    org: Organization,
    metric: str,
    first_year: int,
    last_year: int | None = None,
    segment: str = "",
    value: Any,
) -> Target:
    """Create the target, or change its value if the unit has it already for those years."""
    last = first_year if last_year is None else last_year
    number = check_target(
        metric=metric, segment=segment, first_year=first_year, last_year=last, value=value
    )
    target, created = Target.objects.select_for_update().get_or_create(
        org=org,
        metric=metric,
        segment=segment,
        first_year=first_year,
        last_year=last,
        defaults={"value": number},
    )
    if not created and target.value == number:
        return target
    before = None if created else str(target.value)
    if not created:
        target.value = number
        target.save(update_fields=["value", "updated_at"])
    audit_record(
        actor=actor,
        action="target.set",
        obj=target,
        org_id=org.pk,
        changes={
            "metric": metric,
            "segment": segment,
            "years": [first_year, last],
            "value": [before, str(number)],
        },
    )
    return target


@transaction.atomic
def target_remove(*, actor: Any, target: Target) -> None:
    audit_record(
        actor=actor,
        action="target.remove",
        obj=target,
        org_id=target.org_id,
        changes={
            "metric": target.metric,
            "segment": target.segment,
            "years": [target.first_year, target.last_year],
            "value": [str(target.value), None],
        },
    )
    target.delete()

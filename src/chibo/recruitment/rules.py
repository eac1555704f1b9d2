"""The admission rules (DOMAIN.md, "Admission") as named configuration and pure checks.

Every number a regulation may revise lives here and nowhere else. Each check raises
RuleViolation with the reason in the user's language, or returns quietly.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _

from chibo.core.errors import RuleViolation
from chibo.core.periods import add_months
from chibo.core.workdays import add_working_days
from chibo.members.rules import MIN_ADMISSION_AGE_YEARS, PROBATION_MONTHS

MIN_AGE_YEARS = MIN_ADMISSION_AGE_YEARS  # 18, counted in full months on the cell's day
MAX_AGE_YEARS = 60  # older only with the provincial committee's approval
CERTIFICATE_VALID_MONTHS = 60
INTRODUCER_ACQUAINTANCE_MONTHS = 12
MEMBER_INTRODUCERS = 2  # official members introducing; one when a mass organization does
VOTE_SHARE = Fraction(2, 3)  # of the cell's official members / of the committee's members
DECISION_WORKING_DAYS = 60  # from the cell's resolution to the admission decision
DECISION_EXTENSION_WORKING_DAYS = 30  # at most, with a reason
CEREMONY_WORKING_DAYS = 30  # from the decision to the ceremony
PROBATION = PROBATION_MONTHS  # from the ceremony
RECOGNITION_RESOLUTION_WORKING_DAYS = 30  # cell resolution after the probation ends
RECOGNITION_DECISION_WORKING_DAYS = 30  # committee decision after the cell's resolution
SOON_DAYS = 30  # "probations ending in the next 30 days"


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def full_months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from start to end (a month is full on the same day of the month)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return months


def check_age(birth_date: dt.date, on: dt.date, *, over_age_approval: str = "") -> None:
    months = full_months_between(birth_date, on)
    if months < MIN_AGE_YEARS * 12:
        raise RuleViolation(
            _("On %(day)s the person is under %(n)d years old (counted in full months).")
            % {"day": _d(on), "n": MIN_AGE_YEARS}
        )
    if months > MAX_AGE_YEARS * 12 and not over_age_approval:
        raise RuleViolation(
            _(
                "On %(day)s the person is over %(n)d years old; admission then needs the "
                "provincial committee's approval (give its decision number)."
            )
            % {"day": _d(on), "n": MAX_AGE_YEARS},
            field="over_age_approval",
        )


def certificate_valid_until(class_ended_on: dt.date) -> dt.date:
    """The last day a class's certificate is valid."""
    return add_months(class_ended_on, CERTIFICATE_VALID_MONTHS) - dt.timedelta(days=1)


def check_certificate(passed_classes_ended: Iterable[dt.date], on: dt.date) -> None:
    ended = sorted(d for d in passed_classes_ended if d <= on)
    if not ended:
        raise RuleViolation(
            _("The person has no awareness class certificate dated on or before %(day)s.")
            % {"day": _d(on)}
        )
    if certificate_valid_until(ended[-1]) < on:
        raise RuleViolation(
            _("The awareness class certificate expired on %(day)s (valid %(n)d months).")
            % {"day": _d(certificate_valid_until(ended[-1])), "n": CERTIFICATE_VALID_MONTHS}
        )


@dataclass(frozen=True)
class IntroducerFact:
    name: str
    is_official: bool
    known_since: dt.date


def check_introducers(
    introducers: list[IntroducerFact], *, org_introduction: str, on: dt.date
) -> None:
    needed = 1 if org_introduction else MEMBER_INTRODUCERS
    for intro in introducers:
        if not intro.is_official:
            raise RuleViolation(
                _("%(name)s is not an official member and cannot introduce.") % {"name": intro.name}
            )
        if add_months(intro.known_since, INTRODUCER_ACQUAINTANCE_MONTHS) > on:
            raise RuleViolation(
                _("%(name)s has known the person for less than %(n)d months on %(day)s.")
                % {"name": intro.name, "n": INTRODUCER_ACQUAINTANCE_MONTHS, "day": _d(on)}
            )
    if len(introducers) < needed:
        raise RuleViolation(
            _("The person needs %(n)d introducing official member(s); %(k)d recorded.")
            % {"n": needed, "k": len(introducers)}
        )


def check_vote(votes_for: int | None, voters: int | None, *, body: str) -> None:
    """At least two thirds of `voters` in favour (exactly 2/3 passes)."""
    if voters is None or voters <= 0:
        raise RuleViolation(_("%(body)s has no members to vote.") % {"body": body})
    if votes_for is None or votes_for < 0 or votes_for > voters:
        raise RuleViolation(
            _("The votes in favour must be between 0 and %(n)d.") % {"n": voters},
            field="votes_for",
        )
    if Fraction(votes_for, voters) < VOTE_SHARE:
        needed = -(-voters * VOTE_SHARE.numerator // VOTE_SHARE.denominator)
        raise RuleViolation(
            _("%(k)d of %(n)d in favour is under two thirds (%(body)s needs %(m)d).")
            % {"k": votes_for, "n": voters, "body": body, "m": needed},
            field="votes_for",
        )


def decision_deadline(cell_resolution_on: dt.date, *, extended: bool) -> dt.date:
    days = DECISION_WORKING_DAYS + (DECISION_EXTENSION_WORKING_DAYS if extended else 0)
    return add_working_days(cell_resolution_on, days)


def check_decision_date(
    decision_on: dt.date, *, cell_resolution_on: dt.date, extension_reason: str
) -> None:
    last = decision_deadline(cell_resolution_on, extended=False)
    if decision_on <= last:
        return
    longest = decision_deadline(cell_resolution_on, extended=True)
    if decision_on > longest:
        raise RuleViolation(
            _(
                "The decision is due within %(n)d working days of the cell's resolution, "
                "%(m)d more at most when extended: by %(day)s."
            )
            % {
                "n": DECISION_WORKING_DAYS,
                "m": DECISION_EXTENSION_WORKING_DAYS,
                "day": _d(longest),
            },
            field="decision_on",
        )
    if not extension_reason.strip():
        raise RuleViolation(
            _(
                "The decision was due by %(day)s (%(n)d working days after the cell's "
                "resolution); record the extension and its reason."
            )
            % {"day": _d(last), "n": DECISION_WORKING_DAYS},
            field="extension_reason",
        )


def probation_end(ceremony_on: dt.date) -> dt.date:
    """The day the probation is complete: recognition takes effect on this day."""
    return add_months(ceremony_on, PROBATION)

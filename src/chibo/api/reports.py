"""GET /api/v1/reports/NAME: the same JSON as `chibo report NAME --format json`."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from chibo.accounts.access import access_org
from chibo.core.errors import DomainError
from chibo.reports import selectors
from chibo.reports.classification import report_classification
from chibo.reports.handbook import report_handbook
from chibo.reports.recruitment import report_recruitment

from .auth import request_scope
from .errors import ERRORS, ErrorOut

reports_router = Router(tags=["reports"])


class SummaryEvents(Schema):
    admitted: int
    recognized: int
    transferred_in: int
    transferred_out: int
    removed: int
    expelled: int
    left: int
    died: int
    reinstated: int
    probation_failed: int


class SummaryUnits(Schema):
    grassroots_committee: int
    grassroots_cell: int
    partial_committee: int
    subordinate_cell: int


class SummaryOut(Schema):
    org: str
    start: dt.date
    end: dt.date
    members_at_start: int
    members_at_end: int
    official_at_end: int
    probationary_at_end: int
    events: SummaryEvents
    admission_target: int | None
    admission_attainment_percent: str | None
    admission_rate_percent: str | None
    units: SummaryUnits


class RankingRow(Schema):
    org: str
    name: str
    value: str | None
    rank: int | None


class RankingOut(Schema):
    parent: str
    year: int
    metric: str
    rows: list[RankingRow]


class ScreeningByKind(Schema):
    removed: int
    expelled: int
    left: int


class ScreeningOut(Schema):
    org: str
    start: dt.date
    end: dt.date
    total: int
    by_kind: ScreeningByKind
    by_reason: dict[str, int]


@reports_router.get("/summary", response={200: SummaryOut, 400: ErrorOut, **ERRORS})
def summary(request: HttpRequest, org: str, start: dt.date, end: dt.date) -> Any:
    """Members at the start and end, events by kind and units, for the unit's whole subtree."""
    unit = access_org(request_scope(request), org, by_code=True)
    return selectors.report_summary(org=unit, start=start, end=end)


@reports_router.get("/ranking", response={200: RankingOut, 400: ErrorOut, **ERRORS})
def ranking(
    request: HttpRequest,
    parent: str,
    year: int,
    metric: Literal["admission_rate", "admission_attainment", "good_or_better"] = "admission_rate",
) -> Any:
    """The parent's direct children, best first; ties share a rank and the next rank skips."""
    unit = access_org(request_scope(request), parent, by_code=True)
    if not 1900 <= year <= 2200:
        raise DomainError(_("The year is out of range."), code="invalid")
    return selectors.report_ranking(parent=unit, year=year, metric=metric)


@reports_router.get("/screening", response={200: ScreeningOut, 400: ErrorOut, **ERRORS})
def screening(request: HttpRequest, org: str, start: dt.date, end: dt.date) -> Any:
    """Removals, expulsions and leavings in the subtree, by kind and by reason."""
    unit = access_org(request_scope(request), org, by_code=True)
    return selectors.report_screening(org=unit, start=start, end=end)


class HandbookOut(Schema):
    org: str
    on: dt.date
    members: int
    activated: int
    activated_percent: str | None


@reports_router.get("/handbook", response={200: HandbookOut, **ERRORS})
def handbook(request: HttpRequest, org: str, on: dt.date) -> Any:
    """Live members of the subtree on the day, and how many of them had activated the handbook."""
    unit = access_org(request_scope(request), org, by_code=True)
    return report_handbook(org=unit, on=on)


class AdmittedByOccupation(Schema):
    """Every segment of `members.models.Occupation` (a test keeps them equal)."""

    student: int
    teacher: int
    worker: int
    farmer: int
    fisher: int
    civil_servant: int
    armed_forces: int
    police: int
    health_worker: int
    business_owner: int
    retired: int
    other: int


class RecruitmentOut(Schema):
    org: str
    start: dt.date
    end: dt.date
    class_passed: int
    admitted: int
    conversion_percent: str | None
    admitted_by_occupation: AdmittedByOccupation
    median_days_class_to_admission: int | None


@reports_router.get("/recruitment", response={200: RecruitmentOut, 400: ErrorOut, **ERRORS})
def recruitment(request: HttpRequest, org: str, start: dt.date, end: dt.date) -> Any:
    """From the awareness class to admission: who passed a class, who was admitted, by
    occupation, and the median days from the class to the admission decision."""
    unit = access_org(request_scope(request), org, by_code=True)
    return report_recruitment(org=unit, start=start, end=end)


class Levels(Schema):
    """Subjects per level of the annual classification; percentages of those classified."""

    excellent: int
    good: int
    complete: int
    not_complete: int
    unclassified: int
    good_or_better_percent: str | None
    excellent_percent: str | None


class UnitsByKind(Schema):
    """Every kind of unit the classification assesses (every kind but `central`)."""

    provincial_committee: Levels
    upper_committee: Levels
    district_committee: Levels
    grassroots_committee: Levels
    partial_committee: Levels
    grassroots_cell: Levels
    subordinate_cell: Levels


class ClassificationOut(Schema):
    org: str
    year: int
    units_by_kind: UnitsByKind
    grassroots: Levels
    members: Levels


@reports_router.get("/classification", response={200: ClassificationOut, 400: ErrorOut, **ERRORS})
def classification(request: HttpRequest, org: str, year: int) -> Any:
    """The year's quality classification of the subtree: units by kind, grassroots
    organizations and members, each counted per level."""
    unit = access_org(request_scope(request), org, by_code=True)
    return report_classification(org=unit, year=year)

"""Every read of the road in, through the scope: the board, the due list, a candidate, classes.

Candidates belong to the cell that keeps them (`org`); a user sees those of the cells in
their read scope. The board counts per stage with one grouped query over the subtree; the
due list reads the stored deadlines (`due_on`), so neither walks the rules row by row.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from chibo.core.scope import Scope
from chibo.members.models import Member, Status
from chibo.orgs.models import Organization

from . import rules
from .models import BOARD_STAGES, AwarenessClass, Candidate, Due, Stage

BOARD_CARDS = 20  # names shown per stage on the board; the rest are counted


def candidates_in(scope: Scope, org: Organization) -> QuerySet[Candidate]:
    """The candidates kept by the cells of `org`'s subtree that the scope reads: one range
    of the candidates' own copy of their cell's path, without joining the tree."""
    if not scope.can_read_path(org.path):
        return Candidate.objects.none()
    return Candidate.objects.filter(org_path__startswith=org.path).select_related("org")


@dataclass
class Column:
    stage: str
    label: str
    count: int
    cards: list[Candidate] = field(default_factory=list)


def board(scope: Scope, org: Organization, today: dt.date | None = None) -> list[Column]:
    """The pipeline board: per stage its count in the subtree and the most recent names.
    The last column, recognized, holds those recognized this year (the road's end).

    One pass over the subtree's rows of the board's stages: each row gets its rank in its
    stage (latest first) and its stage's count; only the first BOARD_CARDS of each come back.
    """
    year_start = (today or timezone.localdate()).replace(month=1, day=1)
    qs = candidates_in(scope, org).order_by()
    on_the_way = [s for s in BOARD_STAGES if s != Stage.RECOGNIZED]
    counts: dict[str, int] = {}
    ids = []
    # two reads, each along the (org, stage, stage_since) index: those on the way, and
    # those recognized this year (an OR of the two would read every recognized row)
    for part in (
        qs.filter(stage__in=on_the_way),
        qs.filter(stage=Stage.RECOGNIZED, stage_since__gte=year_start),
    ):
        latest = (
            part.annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("stage")],
                    order_by=[F("stage_since").desc(nulls_last=True), F("id").desc()],
                ),
                of_stage=Window(Count("id"), partition_by=[F("stage")]),
            )
            .filter(rank__lte=BOARD_CARDS)
            .values_list("id", "stage", "of_stage")
        )
        for pk, stage, n in latest:
            counts[stage] = n
            ids.append(pk)
    cards: dict[str, list[Candidate]] = {stage: [] for stage in BOARD_STAGES}
    picked = Candidate.objects.filter(pk__in=ids).select_related("org").only(
        "id", "family_name", "middle_name", "given_name", "stage", "stage_since",
        "org__name", "org__code", "org__path",
    )  # fmt: skip
    for c in sorted(picked, key=lambda c: (c.stage_since or dt.date.min, c.id), reverse=True):
        cards[c.stage].append(c)
    columns = []
    for stage in BOARD_STAGES:
        label = _("Recognized this year") if stage == Stage.RECOGNIZED else Stage(stage).label
        columns.append(Column(stage, str(label), counts.get(stage, 0), cards[stage]))
    return columns


def stage_list(scope: Scope, org: Organization, stage: str, q: str = "") -> QuerySet[Candidate]:
    qs = candidates_in(scope, org)
    if stage:
        qs = qs.filter(stage=stage)
    if q.strip():
        words = q.split()
        for word in words:
            qs = qs.filter(
                Q(given_name__icontains=word)
                | Q(family_name__icontains=word)
                | Q(middle_name__icontains=word)
                | Q(person_id=word)
            )
    return qs.order_by("sort_key", "id")


DUE_ROWS = 100  # rows shown per list of the due page; the rest are counted


@dataclass
class DueSection:
    rows: list[Candidate]
    total: int


@dataclass
class DueList:
    decisions: DueSection
    ceremonies: DueSection
    probations_ending: DueSection
    recognitions_overdue: DueSection
    today: dt.date


def due_list(scope: Scope, org: Organization, today: dt.date | None = None) -> DueList:
    """What is due and overdue in the subtree, each list by its deadline (the first
    DUE_ROWS of each, and how many there are).

    Everyone in the four lists has a stored deadline (a probation ending soon is a
    recognition due after it), so one read of the subtree's rows with a deadline sorts them
    into the lists, ranks each list and counts it; only the first DUE_ROWS of each come back.
    """
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=rules.SOON_DAYS)
    section = Case(
        When(due_what=Due.DECISION, then=Value(1)),
        When(due_what=Due.CEREMONY, then=Value(2)),
        When(
            due_what__in=[Due.RECOGNITION_RESOLUTION, Due.RECOGNITION_DECISION],
            due_on__lt=today,
            then=Value(4),
        ),
        When(
            stage=Stage.ADMITTED,
            probation_ends_on__gte=today,
            probation_ends_on__lte=soon,
            then=Value(3),
        ),
        default=None,
        output_field=IntegerField(),
    )
    day = Case(When(section=3, then=F("probation_ends_on")), default=F("due_on"))
    ranked = list(
        candidates_in(scope, org)
        .filter(due_what__in=Due.values)  # has a deadline; one range of the due index each
        .order_by()
        .annotate(section=section)
        .filter(section__isnull=False)
        .annotate(
            day=day,
            rank=Window(
                RowNumber(), partition_by=[F("section")], order_by=[day.asc(), F("id").asc()]
            ),
            total=Window(Count("id"), partition_by=[F("section")]),
        )
        .filter(rank__lte=DUE_ROWS)
        .values_list("id", "section", "rank", "total")
    )
    place = {pk: (sec, rank) for pk, sec, rank, _total in ranked}
    totals = {sec: total for _pk, sec, _rank, total in ranked}
    rows = Candidate.objects.filter(pk__in=list(place)).select_related("org").only(
        "id", "family_name", "middle_name", "given_name", "stage", "due_on", "due_what",
        "cell_resolution_on", "decision_on", "ceremony_on", "probation_ends_on",
        "org__name", "org__code", "org__path",
    )  # fmt: skip
    sections = {n: DueSection([], totals.get(n, 0)) for n in (1, 2, 3, 4)}
    for c in sorted(rows, key=lambda c: place[c.pk]):
        sections[place[c.pk][0]].rows.append(c)
    return DueList(
        decisions=sections[1],
        ceremonies=sections[2],
        probations_ending=sections[3],
        recognitions_overdue=sections[4],
        today=today,
    )


def candidate_get(scope: Scope, candidate_id: int | str) -> Candidate:
    """The candidate if the scope reads their cell; 404 otherwise."""
    try:
        c = Candidate.objects.select_related("org", "org__parent", "helper", "member").get(
            pk=candidate_id
        )
    except (Candidate.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not scope.can_read_path(c.org.path):
        raise Http404
    return c


def candidate_kept(scope: Scope, person_id: str) -> Candidate | None:
    """The person with this id if the user keeps their cell's records; None otherwise."""
    c = Candidate.objects.filter(person_id=person_id.strip()).select_related("org").first()
    return c if c is not None and scope.can_keep_cell_path(c.org.path) else None


def can_keep(scope: Scope, c: Candidate) -> bool:
    """The cell's steps: sympathizer, class, papers, introducers, the cell's resolutions."""
    return scope.can_keep_cell_path(c.org.path)


def deciding_unit(c: Candidate) -> Organization:
    """The committee directly above the cell decides (resolution, admission, recognition)."""
    return c.org.parent or c.org


def can_decide(scope: Scope, c: Candidate) -> bool:
    return scope.can_write_path(deciding_unit(c).path)


def official_members(scope: Scope, cell: Organization) -> QuerySet[Member]:
    """Official members of the cell (helpers, introducers), when the scope reads it."""
    if not scope.can_read_path(cell.path):
        return Member.objects.none()
    return Member.objects.filter(org=cell, status=Status.OFFICIAL).order_by("sort_key", "id")


def classes_in(scope: Scope, org: Organization) -> QuerySet[AwarenessClass]:
    """Classes open to the unit: organized in its subtree or above it (a committee's class
    is for the cells below), or attended by people sent from the subtree."""
    if not scope.can_read_path(org.path):
        return AwarenessClass.objects.none()
    return (
        AwarenessClass.objects.filter(
            Q(org__path__startswith=org.path)
            | Q(org__path__in=org.ancestor_paths())
            | Q(attendances__org__path__startswith=org.path)
        )
        .distinct()
        .select_related("org")
        .annotate(
            attendees=Count("attendances", distinct=True),
            passed=Count("attendances", filter=Q(attendances__passed=True), distinct=True),
        )
        .order_by("-ended_on", "code")
    )


def class_get(scope: Scope, class_id: int | str) -> AwarenessClass:
    try:
        klass = AwarenessClass.objects.select_related("org").get(pk=class_id)
    except (AwarenessClass.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if klass.org is not None and (
        scope.can_read_path(klass.org.path)
        or any(p.startswith(klass.org.path) for p in scope.read_prefixes)
    ):
        return klass  # organized in the scope, or above it for the units below
    if klass.attendances.filter(scope.path_q("org__path")).exists():
        return klass
    raise Http404


def attendances_seen(scope: Scope, klass: AwarenessClass):  # type: ignore[no-untyped-def]
    """The class's attendees whose sending units the scope reads."""
    return (
        klass.attendances.filter(scope.path_q("org__path"))
        .select_related("candidate", "org")
        .order_by("candidate__sort_key", "id")
    )

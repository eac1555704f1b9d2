"""The road in for the demo province: sympathizers at every stage, awareness classes, and the
probationary members of the generated history as admitted candidates, so the pipeline
board and the due list have something to show; and the province's party card numbers.

Rows are written in bulk (a demo of 20,000 members gets a few hundred candidates); stages
and deadlines are derived with the same functions the services use.
"""

import datetime as dt
import random
from collections import defaultdict

from django.db.models import Max

from chibo.core.periods import add_months
from chibo.core.text import sort_key
from chibo.core.workdays import add_working_days
from chibo.members.models import EventKind, Member, MemberEvent, Status
from chibo.orgs.kinds import CELL_KINDS, Kind
from chibo.orgs.models import Organization
from chibo.recruitment import rules
from chibo.recruitment.models import (
    Attendance,
    AwarenessClass,
    Candidate,
    CardRange,
    DossierPaper,
    Introducer,
    Paper,
    Source,
    Stage,
)
from chibo.recruitment.services import derive

from . import names

EARLY = [  # stage, share of the people still on the way
    (Stage.SYMPATHIZER, 35),
    (Stage.CLASS_ATTENDED, 25),
    (Stage.DOSSIER, 20),
    (Stage.CELL_RESOLUTION, 12),
    (Stage.COMMITTEE_RESOLUTION, 8),
]
CELLS_PER_PERSON = 6  # one person on the way for about every sixth cell


def _name(rng: random.Random) -> tuple[str, str, str, str]:
    gender = rng.choice(["male", "female"])
    family = rng.choices(*zip(*names.FAMILY_NAMES, strict=True))[0]
    if gender == "male":
        middle = rng.choices(*zip(*names.MIDDLE_NAMES_MALE, strict=True))[0]
        given = rng.choices(*zip(*names.GIVEN_NAMES_MALE, strict=True))[0]
    else:
        middle = rng.choices(*zip(*names.MIDDLE_NAMES_FEMALE, strict=True))[0]
        given = rng.choices(*zip(*names.GIVEN_NAMES_FEMALE, strict=True))[0]
    return family, middle, given, gender


def _card_range(root: Organization, prefix: str) -> None:
    if root.kind != Kind.PROVINCIAL_COMMITTEE:
        return
    used = Member.objects.filter(card_number__startswith=f"{prefix}.").aggregate(
        m=Max("card_number")
    )
    last = int(used["m"].split(".")[1]) if used["m"] else 0
    CardRange.objects.create(province=root, prefix=prefix, next_number=last + 1)


def demo_recruitment(
    root: Organization, today: dt.date, rng: random.Random, card_prefix: str
) -> int:
    """Write the road in; returns how many candidates."""
    _card_range(root, card_prefix)
    units = list(Organization.objects.filter(path__startswith=root.path, status="active"))
    by_pk = {u.pk: u for u in units}
    all_paths = dict(
        Organization.objects.filter(path__startswith=root.path).values_list("id", "path")
    )
    cells = [u for u in units if u.kind in CELL_KINDS]
    officials: dict[int, list[Member]] = defaultdict(list)
    for m in Member.objects.filter(org__in=cells, status=Status.OFFICIAL).only(
        "id", "org_id", "admitted_on"
    ):
        officials[m.org_id].append(m)
    # the classes: each committee above the cells holds two a year
    committees = {c.parent_id for c in cells if c.parent_id}
    classes: dict[int, list[AwarenessClass]] = {}
    for pk in sorted(committees):
        committee = by_pk.get(pk)
        if committee is None:
            continue
        rows = []
        for year in (today.year - 1, today.year):
            for n, month in enumerate((3, 9), start=1):
                ended = dt.date(year, month, 20)
                if ended <= today:
                    rows.append(AwarenessClass(
                        code=f"LOP-{committee.code}-{year}-{n}",
                        name=f"Lớp bồi dưỡng nhận thức về Đảng {n}/{year}",
                        org=committee, started_on=ended - dt.timedelta(days=5), ended_on=ended,
                    ))  # fmt: skip
        classes[pk] = AwarenessClass.objects.bulk_create(rows)

    people: list[Candidate] = []
    sent_to: list[AwarenessClass | None] = []
    helpers: list[list[Member]] = []
    stages = [s for s, _w in EARLY]
    weights = [w for _s, w in EARLY]
    for cell in rng.sample(cells, max(1, len(cells) // CELLS_PER_PERSON)):
        stage = rng.choices(stages, weights)[0]
        family, middle, given, gender = _name(rng)
        born = today - dt.timedelta(days=rng.randint(19 * 365, 35 * 365))
        mine = officials.get(cell.pk, [])
        past = [k for k in classes.get(cell.parent_id or 0, []) if k.ended_on < today]
        klass = rng.choice(past) if past and stage != Stage.SYMPATHIZER else None
        if stage != Stage.SYMPATHIZER and (klass is None or len(mine) < 3):
            stage = Stage.SYMPATHIZER
            klass = None
        proposed = (klass.ended_on if klass else today) - dt.timedelta(days=rng.randint(30, 200))
        c = Candidate(
            person_id=f"TC-{len(people) + 1:06d}",
            family_name=family, middle_name=middle, given_name=given, gender=gender,
            sort_key=sort_key(given, family, middle), birth_date=born,
            occupation=rng.choice(["student", "teacher", "worker", "farmer", "civil_servant"]),
            education="12/12", org=cell, org_path=cell.path, source=rng.choice(list(Source.values)),
            proposed_on=proposed, helper=rng.choice(mine) if mine else None, stage=stage,
            stage_since=proposed,
        )  # fmt: skip
        if stage in (Stage.CELL_RESOLUTION, Stage.COMMITTEE_RESOLUTION):
            assert klass is not None
            c.cell_resolution_on = min(
                today, klass.ended_on + dt.timedelta(days=rng.randint(30, 140))
            )
            c.cell_votes_for = c.cell_official_members = len(mine)
            c.stage_since = c.cell_resolution_on
            if stage == Stage.COMMITTEE_RESOLUTION:
                c.committee_resolution_on = min(today, c.cell_resolution_on + dt.timedelta(days=10))
                c.committee_votes_for, c.committee_members = 5, 7
                c.stage_since = c.committee_resolution_on
            c.due_on = rules.decision_deadline(c.cell_resolution_on, extended=False)
            c.due_what = "decision"
        elif stage in (Stage.CLASS_ATTENDED, Stage.DOSSIER) and klass:
            c.stage_since = klass.ended_on
        people.append(c)
        sent_to.append(klass)
        helpers.append(mine)

    # the probationary members of the history, as admitted candidates
    admitted = Member.objects.filter(org__path__startswith=root.path, status=Status.PROBATIONARY)
    decision_nos = dict(
        MemberEvent.objects.filter(
            member__org__path__startswith=root.path,
            member__status__in=[Status.PROBATIONARY, Status.OFFICIAL],
            member__admitted_on__gte=add_months(today, -30),
            kind=EventKind.ADMITTED,
        ).values_list("member_id", "decision_no")
    )
    for m in admitted.order_by("id"):
        assert m.admitted_on is not None
        c = Candidate(
            person_id=f"KN-{m.member_code}", family_name=m.family_name,
            middle_name=m.middle_name, given_name=m.given_name, sort_key=m.sort_key,
            birth_date=m.birth_date, gender=m.gender, occupation=m.occupation, org_id=m.org_id,
            org_path=all_paths[m.org_id],
            source=Source.YOUTH_UNION if m.age(m.admitted_on) < 30 else Source.OTHER,
            proposed_on=add_months(m.admitted_on, -10), decision_on=m.admitted_on,
            decision_no=decision_nos.get(m.pk, ""), member=m,
        )  # fmt: skip
        ceremony = add_working_days(m.admitted_on, rng.randint(3, 25))
        if ceremony <= today and rng.random() < 0.95:
            c.ceremony_on = ceremony
            c.probation_ends_on = rules.probation_end(ceremony)
        c.stage, c.stage_since, c.due_on, c.due_what = derive(c)
        people.append(c)
        sent_to.append(None)
        helpers.append([])

    # and those recognized this year, at the end of the road
    recognized = Member.objects.filter(
        org__path__startswith=root.path,
        status=Status.OFFICIAL,
        recognized_on__gte=today.replace(month=1, day=1),
    )
    for m in recognized.order_by("id"):
        assert m.admitted_on is not None and m.recognized_on is not None
        ceremony = max(m.admitted_on, add_months(m.recognized_on, -rules.PROBATION))
        cell_day = min(today, add_working_days(m.recognized_on, rng.randint(1, 10)))
        c = Candidate(
            person_id=f"KN-{m.member_code}", family_name=m.family_name,
            middle_name=m.middle_name, given_name=m.given_name, sort_key=m.sort_key,
            birth_date=m.birth_date, gender=m.gender, occupation=m.occupation, org_id=m.org_id,
            org_path=all_paths[m.org_id], source=Source.OTHER,
            proposed_on=add_months(m.admitted_on, -10), decision_on=m.admitted_on,
            decision_no=decision_nos.get(m.pk, ""), member=m, ceremony_on=ceremony,
            probation_ends_on=rules.probation_end(ceremony), recognition_cell_on=cell_day,
            recognition_decided_on=min(today, cell_day + dt.timedelta(days=7)),
        )  # fmt: skip
        c.stage, c.stage_since, c.due_on, c.due_what = derive(c)
        people.append(c)
        sent_to.append(None)
        helpers.append([])

    saved = Candidate.objects.bulk_create(people, batch_size=1000)
    attendances, papers, introducers = [], [], []
    for c, klass, mine in zip(saved, sent_to, helpers, strict=True):
        if klass is None:
            continue
        attendances.append(Attendance(awareness_class=klass, candidate=c, org_id=c.org_id,
                                      passed=True, certificate_no=f"GCN-{c.pk:06d}"))  # fmt: skip
        if c.stage in (Stage.SYMPATHIZER, Stage.CLASS_ATTENDED):
            continue
        dated = klass.ended_on + dt.timedelta(days=14)
        for code in (Paper.P1, Paper.P2, Paper.P3, Paper.P5):
            papers.append(DossierPaper(candidate=c, code=code, dated=min(dated, today)))
        for member in rng.sample(mine, 2):
            known = (member.admitted_on or dated) + dt.timedelta(days=400)
            introducers.append(Introducer(candidate=c, member=member,
                                          known_since=min(known, add_months(dated, -13))))  # fmt: skip
    Attendance.objects.bulk_create(attendances, batch_size=1000)
    DossierPaper.objects.bulk_create(papers, batch_size=1000)
    Introducer.objects.bulk_create(introducers, batch_size=1000)
    return len(saved)

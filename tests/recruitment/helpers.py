"""Building people on the road in, step by step, for the recruitment tests.

C1 (subordinate cell under G1) keeps them; its official members are Minh, Duc and a third,
Tuan, added here, so a cell vote has 3 voters (2 in favour is exactly two thirds).
"""

import datetime as dt
from typing import Any

from chibo.core.workdays import add_working_days
from chibo.recruitment import services
from chibo.recruitment.models import AwarenessClass, Candidate, CardRange, Paper
from conftest import World, make_member

CLASS_END = dt.date(2024, 3, 15)
CELL_DAY = dt.date(2024, 6, 12)  # a Wednesday
BORN = dt.date(2000, 5, 10)


def third_official(world: World) -> Any:
    return make_member(world.org("C1"), "M-TUAN", "Phạm Anh Tuấn")


def a_class(code: str = "LOP-1", ended_on: dt.date = CLASS_END, org: Any = None) -> AwarenessClass:
    return AwarenessClass.objects.get_or_create(
        code=code, defaults={"ended_on": ended_on, "org": org}
    )[0]


def propose(world: World, **extra: Any) -> Candidate:
    data: dict[str, Any] = {
        "actor": None,
        "org": world.org("C1"),
        "family_name": "Hoàng",
        "middle_name": "Thị",
        "given_name": "Mai",
        "birth_date": BORN,
        "gender": "female",
        "occupation": "teacher",
        "source": "youth_union",
        "proposed_on": dt.date(2023, 9, 1),
        "helper": world.members["minh"],
    }
    data.update(extra)
    return services.candidate_propose(**data)


def with_dossier(
    world: World, c: Candidate, *, known_since: dt.date = dt.date(2022, 1, 1)
) -> Candidate:
    services.attendance_record(
        actor=None, awareness_class=a_class(), candidate=c, passed=True, certificate_no="CN-1"
    )
    for code in (Paper.P1, Paper.P2, Paper.P3, Paper.P5):
        services.paper_record(actor=None, candidate=c, code=code, dated=dt.date(2024, 5, 2))
    for name in ("minh", "duc"):
        services.introducer_add(
            actor=None, candidate=c, member=world.members[name], known_since=known_since
        )
    return Candidate.objects.get(pk=c.pk)


def to_committee(world: World, c: Candidate) -> Candidate:
    services.cell_resolution_record(actor=None, candidate=c, on=CELL_DAY, votes_for=3)
    return services.committee_resolution_record(
        actor=None,
        candidate=Candidate.objects.get(pk=c.pk),
        on=CELL_DAY + dt.timedelta(days=7),
        votes_for=5,
        committee_members=7,
    )


def admitted(world: World, c: Candidate) -> Candidate:
    return services.admission_decide(
        actor=None,
        candidate=c,
        on=add_working_days(CELL_DAY, 20),
        decision_no="12-QĐ/ĐU",
    )


def card_range(
    world: World, prefix: str = "48", next_number: int = 1, last: int = 999999
) -> CardRange:
    return CardRange.objects.create(
        province=world.org("BT"), prefix=prefix, next_number=next_number, last_number=last
    )

"""What a year's target is, and the admissions it is measured against (hand-computed)."""

import datetime as dt

from chibo.members.models import Member
from chibo.targets import selectors
from chibo.targets.services import target_set
from conftest import make_member


def _set(org, first, last, value, **extra):  # type: ignore[no-untyped-def]
    return target_set(
        actor=None, org=org, metric="admissions", first_year=first, last_year=last,
        value=value, **extra,
    )  # fmt: skip


def test_a_year_takes_its_own_target_else_the_shortest_term_covering_it(world):
    d1 = world.org("D1")
    _set(d1, 2020, 2025, 10)  # a yearly average over the term
    _set(d1, 2024, 2025, 7)
    _set(d1, 2025, 2025, 4)
    found = selectors.yearly_targets([d1.pk], "admissions", range(2019, 2027))[d1.pk]
    assert {y: int(v) for y, v in found.items()} == {
        2020: 10, 2021: 10, 2022: 10, 2023: 10, 2024: 7, 2025: 4,
    }  # fmt: skip


def test_the_target_of_a_period_sums_the_years_it_covers(world):
    d1 = world.org("D1")
    assert selectors.admission_target(d1, dt.date(2025, 1, 1), dt.date(2025, 12, 31)) is None
    _set(d1, 2024, 2024, 5)
    _set(d1, 2025, 2025, 4)
    assert selectors.admission_target(d1, dt.date(2025, 3, 1), dt.date(2025, 3, 31)) == 4
    assert selectors.admission_target(d1, dt.date(2024, 6, 1), dt.date(2025, 5, 31)) == 9
    assert selectors.admission_target(d1, dt.date(2023, 1, 1), dt.date(2023, 12, 31)) is None
    # a segment's target is its own
    assert (
        selectors.admission_target(d1, dt.date(2025, 1, 1), dt.date(2025, 12, 31), "student")
        is None
    )


def test_admissions_by_segment_count_the_subtree_in_the_period(world):
    d1 = world.org("D1")
    Member.objects.filter(pk=world.members["lan"].pk).update(occupation="student")
    make_member(world.org("C1"), "M-S2", "Võ Thị Hà", occupation="student",
                admitted_on=dt.date(2025, 2, 1), recognized_on=None)  # fmt: skip
    make_member(world.org("C1"), "M-T1", "Võ Văn Tâm", occupation="teacher",
                admitted_on=dt.date(2025, 3, 1), recognized_on=None)  # fmt: skip
    make_member(
        world.org("C3"),
        "M-S3",
        "Võ Thị Ba",
        occupation="student",
        admitted_on=dt.date(2025, 3, 1),
        recognized_on=None,
    )  # fmt: skip  (D2)
    year = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert selectors.admitted_by_segment(d1, *year) == {"student": 2, "teacher": 1}
    assert selectors.admitted_by_segment(world.org("BT"), *year) == {"student": 3, "teacher": 1}
    _set(d1, 2025, 2025, 4, segment="student")
    _set(d1, 2021, 2025, 2, segment="teacher")
    assert selectors.segment_targets(d1, 2025) == {"student": 4, "teacher": 2}
    assert selectors.segment_targets(d1, 2026) == {}

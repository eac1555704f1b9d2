"""The pure checks at their boundaries."""

import pytest
from django.utils import translation

from chibo.assessment import rules
from chibo.assessment.rules import Level
from chibo.core.errors import RuleViolation


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("total", "level"),
    [
        (100, Level.EXCELLENT),
        (90, Level.EXCELLENT),
        (89, Level.GOOD),
        (70, Level.GOOD),
        (69, Level.COMPLETE),
        (50, Level.COMPLETE),
        (49, Level.NOT_COMPLETE),
        (0, Level.NOT_COMPLETE),
    ],
)
def test_the_score_gives_the_level(total, level):
    assert rules.level_for_score(total) == level


def test_exactly_a_fifth_of_the_good_may_be_excellent():
    rules.check_excellent_share(1, 5)
    rules.check_excellent_share(0, 0)
    with pytest.raises(RuleViolation, match="at most 20%"):
        rules.check_excellent_share(1, 4)
    with pytest.raises(RuleViolation, match="at most 0 excellent"):
        rules.check_excellent_share(1, 0)


def test_a_cell_is_good_with_exactly_half_good_or_better():
    rules.check_cell_level(Level.GOOD, [Level.EXCELLENT, Level.COMPLETE])
    rules.check_cell_level(
        Level.EXCELLENT, [Level.GOOD, Level.GOOD, Level.COMPLETE, Level.COMPLETE]
    )
    with pytest.raises(RuleViolation, match="only 1 of its 3"):
        rules.check_cell_level(Level.GOOD, [Level.GOOD, Level.COMPLETE, Level.COMPLETE])
    with pytest.raises(RuleViolation, match="1 of its members did not complete"):
        rules.check_cell_level(Level.GOOD, [Level.GOOD, Level.GOOD, Level.NOT_COMPLETE])
    rules.check_cell_level(Level.COMPLETE, [Level.NOT_COMPLETE])  # below good: no condition


def test_a_disciplined_member_is_not_complete():
    rules.check_disciplined(Level.NOT_COMPLETE, disciplined=True)
    rules.check_disciplined(Level.EXCELLENT, disciplined=False)
    with pytest.raises(RuleViolation, match="disciplined"):
        rules.check_disciplined(Level.COMPLETE, disciplined=True)


def test_the_score_parts_are_bounded():
    assert rules.check_score(30, 70) == 100
    assert rules.check_score(0, 0) == 0
    for general, results in ((31, 0), (0, 71), (-1, 10), (None, 10), (10, True)):
        with pytest.raises(RuleViolation, match="score must be a whole number"):
            rules.check_score(general, results)


def test_a_level_below_the_score_is_a_downgrade_only_in_self_assessment():
    assert rules.check_level_matches_score(Level.GOOD, 80, self_assessment=True) is False
    assert rules.check_level_matches_score(Level.COMPLETE, 80, self_assessment=True) is True
    with pytest.raises(RuleViolation, match="gives"):
        rules.check_level_matches_score(Level.EXCELLENT, 89, self_assessment=True)
    with pytest.raises(RuleViolation, match="gives"):
        rules.check_level_matches_score(Level.COMPLETE, 80, self_assessment=False)

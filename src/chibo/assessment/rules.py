"""The annual quality classification rules (DOMAIN.md, "Annual quality classification").

Named configuration and pure checks, both rule sets in one place: `levels_2019` (the level is
chosen, 2019–2024) and `score_2025` (a 100-point score gives the level). Each check raises
RuleViolation with the reason in the user's language, or returns quietly; none writes.
"""

from collections.abc import Iterable
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chibo.core.errors import RuleViolation
from chibo.orgs.kinds import COMMITTEE_KINDS, Kind


class Level(models.TextChoices):
    """Xếp loại chất lượng: hoàn thành xuất sắc / tốt / hoàn thành / không hoàn thành nhiệm vụ."""

    EXCELLENT = "excellent", gettext_lazy("Excellently completed duties")
    GOOD = "good", gettext_lazy("Well completed duties")
    COMPLETE = "complete", gettext_lazy("Completed duties")
    NOT_COMPLETE = "not_complete", gettext_lazy("Did not complete duties")


class RuleSet(models.TextChoices):
    LEVELS_2019 = "levels_2019", gettext_lazy("Levels (2019–2024)")
    SCORE_2025 = "score_2025", gettext_lazy("100-point score (from 2025)")


# Higher is better; comparisons between levels go through this rank only.
RANK: dict[str, int] = {
    Level.NOT_COMPLETE: 0,
    Level.COMPLETE: 1,
    Level.GOOD: 2,
    Level.EXCELLENT: 3,
}
GOOD_OR_BETTER = {Level.EXCELLENT, Level.GOOD}
# The units a campaign assesses (besides every member): every committee and cell but the
# central one — provincial and upper committees, grassroots and partial committees, cells.
ASSESSED_KINDS = {k for k in Kind.values if k != Kind.CENTRAL}

# Who opens a campaign over their subtree: committees, and a grassroots cell for its members.
OPENING_KINDS = COMMITTEE_KINDS | {Kind.GRASSROOTS_CELL}

# (a) in a grassroots organization, members rated excellent ≤ this share of those rated good
EXCELLENT_SHARE_OF_GOOD = Fraction(1, 5)
# (b) a cell is good or better only if at least this share of its rated members are
CELL_GOOD_OR_BETTER_SHARE = Fraction(1, 2)
# (d) the 2025 score: parts and the lowest total of each level, best first
SCORE_MAX = 100
GENERAL_MAX = 30
RESULTS_MAX = 70
SCORE_FLOORS: list[tuple[int, str]] = [
    (90, Level.EXCELLENT),
    (70, Level.GOOD),
    (50, Level.COMPLETE),
    (0, Level.NOT_COMPLETE),
]


def rank(level: str) -> int:
    return RANK[level]


def is_level(level: object) -> bool:
    return isinstance(level, str) and level in RANK


def check_level(level: object, *, field: str = "level") -> str:
    if not is_level(level):
        raise RuleViolation(_("Choose one of the classification levels."), field=field)
    return str(level)


def level_for_score(total: int) -> str:
    """The level a 2025 score gives: ≥ 90 excellent, 70–89 good, 50–69 complete, < 50 not."""
    for floor, level in SCORE_FLOORS:
        if total >= floor:
            return level
    return Level.NOT_COMPLETE


def check_score(general: int | None, results: int | None) -> int:
    """The parts are within their bounds; returns the total."""
    for value, most, field in (
        (general, GENERAL_MAX, "general"),
        (results, RESULTS_MAX, "results"),
    ):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= most:
            raise RuleViolation(
                _("The %(part)s score must be a whole number from 0 to %(n)d.")
                % {"part": _("general") if field == "general" else _("results"), "n": most},
                field=field,
            )
    assert general is not None and results is not None
    total = general + results
    if total > SCORE_MAX:  # pragma: no cover - the parts' bounds already keep it within 100
        raise RuleViolation(_("The score must be from 0 to 100."), field="results")
    return total


def check_level_matches_score(level: str, total: int, *, self_assessment: bool) -> bool:
    """The level matches the score, or (in self-assessment only) is below it.

    Returns True when the level is a voluntary downgrade by the subject (tự nhận mức thấp
    hơn); a level above what the score gives is always refused.
    """
    given = level_for_score(total)
    if level == given:
        return False
    if self_assessment and rank(level) < rank(given):
        return True
    raise RuleViolation(
        _("A score of %(score)d gives “%(given)s”, not “%(level)s”.")
        % {"score": total, "given": Level(given).label, "level": Level(level).label},
        field="level",
    )


def check_disciplined(level: str, *, disciplined: bool) -> None:
    """(c) A member disciplined in the year is rated did not complete duties."""
    if disciplined and level != Level.NOT_COMPLETE:
        raise RuleViolation(
            _("A member disciplined in the year can only be rated “%(level)s”.")
            % {"level": Level.NOT_COMPLETE.label},
            field="level",
        )


def check_excellent_share(excellent: int, good: int) -> None:
    """(a) Members rated excellent are at most 20% of those rated good (exactly 20% passes)."""
    if Fraction(excellent) <= EXCELLENT_SHARE_OF_GOOD * good:
        return
    share = EXCELLENT_SHARE_OF_GOOD
    most = good * share.numerator // share.denominator
    raise RuleViolation(
        _(
            "In a grassroots organization, members rated excellent may be at most %(pct)s%% "
            "of those rated good: with %(good)d rated good, at most %(most)d excellent "
            "(%(n)d with this decision)."
        )
        % {"pct": f"{float(share * 100):g}", "good": good, "most": most, "n": excellent},
        field="level",
    )


def check_cell_level(level: str, member_levels: Iterable[str]) -> None:
    """(b) A cell is good or better only if every rated member is at least complete and at
    least half of them are good or better (exactly half passes)."""
    if level not in GOOD_OR_BETTER:
        return
    levels = list(member_levels)
    failed = sum(1 for m in levels if m == Level.NOT_COMPLETE)
    if failed:
        raise RuleViolation(
            _(
                "The cell cannot be rated “%(level)s”: %(n)d of its members did not complete "
                "their duties."
            )
            % {"level": Level(level).label, "n": failed},
            field="level",
        )
    good = sum(1 for m in levels if m in GOOD_OR_BETTER)
    if Fraction(good) < CELL_GOOD_OR_BETTER_SHARE * len(levels):
        raise RuleViolation(
            _(
                "The cell cannot be rated “%(level)s”: only %(k)d of its %(n)d rated members "
                "are good or better (at least half are needed)."
            )
            % {"level": Level(level).label, "k": good, "n": len(levels)},
            field="level",
        )

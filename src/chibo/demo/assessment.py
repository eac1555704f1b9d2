"""The quality classification of the demo province: the last two years decided and closed,
and this year's open, with some members' self-assessments in.

Levels are drawn so that the rules hold as Chibo checks them: in each grassroots
organization members rated excellent stay within 20% of those rated good; a cell is good
or better only if all its members are at least complete and half are good or better.
Written in bulk (a generator, not a user's act): the campaign rows come from
`campaign_open`, the levels from a few grouped updates.
"""

import datetime as dt
import random
from collections import defaultdict

from django.utils import timezone

from chibo.assessment.models import Assessment, AssessmentStatus, Campaign
from chibo.assessment.rules import (
    CELL_GOOD_OR_BETTER_SHARE,
    EXCELLENT_SHARE_OF_GOOD,
    GENERAL_MAX,
    GOOD_OR_BETTER,
    RESULTS_MAX,
    SCORE_FLOORS,
    Level,
    RuleSet,
)
from chibo.assessment.services import campaign_open
from chibo.members.models import Member
from chibo.orgs.kinds import CELL_KINDS, GRASSROOTS_KINDS
from chibo.orgs.models import Organization

CHUNK = 900  # ids per UPDATE … WHERE id IN (…), within SQLite's bound on parameters
# A member's level: excellent, good, complete, not complete (before the 20% rule trims it).
MEMBER_WEIGHTS = (8, 70, 19, 3)
UNIT_WEIGHTS = (12, 63, 22, 3)
LEVELS: tuple[str, ...] = (Level.EXCELLENT, Level.GOOD, Level.COMPLETE, Level.NOT_COMPLETE)
# Of this year's open classification, the share of members who have self-assessed.
SELF_ASSESSED_SHARE = 0.3


def demo_assessment(root: Organization, today: dt.date, rng: random.Random) -> int:
    """Write the classifications; returns how many assessments."""
    kinds = dict(
        Organization.objects.filter(path__startswith=root.path).values_list("path", "kind")
    )
    total = 0
    for year in (today.year - 2, today.year - 1):
        rule_set = RuleSet.SCORE_2025 if year >= 2025 else RuleSet.LEVELS_2019
        campaign = campaign_open(
            actor=None, org=root, year=year, rule_set=rule_set, opened_on=dt.date(year, 11, 20)
        )
        # (opened today over today's members: those admitted after that year are not in it;
        # their ids first, so that no join is planned on tables without statistics yet)
        later = list(
            Member.objects.filter(admitted_on__gt=dt.date(year, 12, 31)).values_list(
                "id", flat=True
            )
        )
        for start in range(0, len(later), CHUNK):
            campaign.assessments.filter(member_id__in=later[start : start + CHUNK]).delete()
        total += _decide_all(campaign, kinds, rng)
        Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    campaign = campaign_open(
        actor=None,
        org=root,
        year=today.year,
        rule_set=RuleSet.SCORE_2025,
        opened_on=today - dt.timedelta(days=10),
    )
    total += _self_assess_some(campaign, rng)
    return total


def _grassroots_of(path: str, kinds: dict[str, str]) -> str:
    """The nearest grassroots organization at or above the unit (its own path if none)."""
    for end in range(len(path), 0, -4):
        if kinds.get(path[:end]) in GRASSROOTS_KINDS:
            return path[:end]
    return path


def _decide_all(campaign: Campaign, kinds: dict[str, str], rng: random.Random) -> int:
    rows = list(campaign.assessments.values_list("id", "org_path", "member_id"))
    levels: dict[int, str] = {}
    by_grassroots: dict[str, list[int]] = defaultdict(list)
    by_cell: dict[str, list[str]] = defaultdict(list)
    for pk, path, member_id in rows:
        if member_id:
            levels[pk] = rng.choices(LEVELS, MEMBER_WEIGHTS)[0]
            by_grassroots[_grassroots_of(path, kinds)].append(pk)
    for ids in by_grassroots.values():  # (a) excellent ≤ 20% of good
        excellent = [pk for pk in ids if levels[pk] == Level.EXCELLENT]
        good = sum(1 for pk in ids if levels[pk] == Level.GOOD)
        while excellent and len(excellent) > EXCELLENT_SHARE_OF_GOOD * good:
            levels[excellent.pop()] = Level.GOOD
            good += 1
    for pk, path, member_id in rows:
        if member_id:
            by_cell[path].append(levels[pk])
    for pk, path, member_id in rows:
        if member_id:
            continue
        level = rng.choices(LEVELS, UNIT_WEIGHTS)[0]
        if kinds.get(path) in CELL_KINDS and level in GOOD_OR_BETTER:  # (b) the half rule
            members = by_cell.get(path, [])
            good = sum(1 for m in members if m in GOOD_OR_BETTER)
            if Level.NOT_COMPLETE in members or good < CELL_GOOD_OR_BETTER_SHARE * len(members):
                level = Level.COMPLETE
        levels[pk] = level
    scored = campaign.rule_set == RuleSet.SCORE_2025
    decided_at = dt.datetime(campaign.year, 12, 20, 9, 0, tzinfo=timezone.get_current_timezone())
    groups: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    for pk, level in levels.items():
        groups[(level, _score(level, rng) if scored else None)].append(pk)
    for (level, score), ids in groups.items():
        general = results = None
        if score is not None:
            general = min(GENERAL_MAX, round(score * GENERAL_MAX / 100))
            results = min(RESULTS_MAX, score - general)
            general = score - results
        for start in range(0, len(ids), CHUNK):
            Assessment.objects.filter(pk__in=ids[start : start + CHUNK]).update(
                status=AssessmentStatus.DECIDED,
                self_level=level,
                self_general=general,
                self_results=results,
                self_total=score,
                proposed_level=level,
                level=level,
                self_assessed_at=decided_at,
                appraised_at=decided_at,
                decided_at=decided_at,
            )
    return len(rows)


def _score(level: str, rng: random.Random) -> int:
    """A 2025 score that gives the level (its band of SCORE_FLOORS)."""
    bands = [*(f for f, _lv in SCORE_FLOORS), 101]
    for i, (floor, band_level) in enumerate(SCORE_FLOORS):
        if band_level == level:
            top = 100 if i == 0 else bands[i - 1] - 1
            return rng.randint(max(floor, top - 12), top)
    raise ValueError(level)


def _self_assess_some(campaign: Campaign, rng: random.Random) -> int:
    members = list(campaign.assessments.filter(member__isnull=False).values_list("id", flat=True))
    chosen = [pk for pk in members if rng.random() < SELF_ASSESSED_SHARE]
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    for pk in chosen:
        level = rng.choices(LEVELS[:3], MEMBER_WEIGHTS[:3])[0]
        groups[(level, _score(level, rng))].append(pk)
    when = timezone.make_aware(dt.datetime.combine(campaign.opened_on, dt.time(10, 0)))
    for (level, score), ids in groups.items():
        results = min(RESULTS_MAX, score - round(score * GENERAL_MAX / 100))
        for start in range(0, len(ids), CHUNK):
            Assessment.objects.filter(pk__in=ids[start : start + CHUNK]).update(
                status=AssessmentStatus.SELF_ASSESSED,
                self_level=level,
                self_general=score - results,
                self_results=results,
                self_total=score,
                self_assessed_at=when,
            )
    return campaign.assessments.count()

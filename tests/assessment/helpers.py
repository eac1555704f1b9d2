"""Walking assessments through their steps for the classification tests."""

from typing import Any

from chibo.assessment import services
from chibo.assessment.models import Assessment, Campaign
from chibo.assessment.rules import RuleSet
from chibo.orgs.models import Organization
from conftest import World, make_member

YEAR = 2024


def open_campaign(world: World, code: str = "BT", **extra: Any) -> Campaign:
    data: dict[str, Any] = {
        "actor": None,
        "org": world.org(code),
        "year": YEAR,
        "rule_set": RuleSet.LEVELS_2019,
    }
    data.update(extra)
    return services.campaign_open(**data)


def more_members(world: World, n: int, code: str = "C1") -> None:
    """Add n official members to the cell (before the campaign opens)."""
    for i in range(n):
        make_member(world.org(code), f"M-{code}-{i}", f"Phạm Văn Thành{chr(65 + i)}")


def row(campaign: Campaign, *, member: Any = None, org: Organization | None = None) -> Assessment:
    if member is not None:
        return Assessment.objects.get(campaign=campaign, member=member, subject_kind="member")
    return Assessment.objects.get(campaign=campaign, org=org, member__isnull=True)


def appraised(a: Assessment, level: str, *, disciplined: bool = False) -> Assessment:
    a = services.self_assess(actor=None, assessment=a, level=level)
    return services.appraise(
        actor=None, assessment=a, proposed_level=level, disciplined=disciplined
    )


def decided(a: Assessment, level: str) -> Assessment:
    return services.decide(actor=None, assessment=appraised(a, level), level=level)


def decide_members(campaign: Campaign, cell: Organization, levels: list[str]) -> None:
    rows = Assessment.objects.filter(campaign=campaign, org=cell, member__isnull=False).order_by(
        "order"
    )
    assert rows.count() == len(levels)
    for a, level in zip(rows, levels, strict=True):
        decided(a, level)

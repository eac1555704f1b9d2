"""The annual quality classification (đánh giá, xếp loại chất lượng) of units and members.

A `Campaign` is opened by a committee for its subtree and one period; it holds one
`Assessment` row per subject (a grassroots organization or cell, or a member), created at
once in the order the work is done. Each row walks: not started → self-assessed → appraised
(the advisory body proposes) → decided (the competent level), and the level above may
re-rate a decided row, keeping the previous level and the reason.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chibo.members.models import Member
from chibo.orgs.models import Organization

from .rules import Level, RuleSet


class PeriodKind(models.TextChoices):
    YEAR = "year", _("Year")
    QUARTER = "quarter", _("Quarter")
    TERM = "term", _("Term")


class Campaign(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    period_kind = models.CharField(
        _("period"), max_length=8, choices=PeriodKind.choices, default=PeriodKind.YEAR
    )
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    rule_set = models.CharField(_("rules"), max_length=16, choices=RuleSet.choices)
    opened_on = models.DateField(_("opened on"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    # Loaded by `chibo import classifications` (past years' decided levels), not worked
    # through the steps: closed at once, one per tree root and year.
    imported = models.BooleanField(_("imported"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "org_id", "id"]
        verbose_name = _("classification campaign")
        verbose_name_plural = _("classification campaigns")
        indexes = [models.Index(fields=["year", "period_kind", "quarter"])]

    def __str__(self) -> str:
        if self.quarter:
            return f"{self.year} Q{self.quarter}"
        return str(self.year)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class SubjectKind(models.TextChoices):
    ORG = "org", _("Unit")
    MEMBER = "member", _("Member")
    # A member rated as a leader of a unit (cá nhân lãnh đạo), besides their own rating as
    # a member: `org` is the unit led, `member` the leader.
    LEADER = "leader", _("Leader")


class LeaderTitle(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    STANDING = "standing_committee", _("Member of the standing committee")
    COMMITTEE = "committee_member", _("Member of the committee")


class AssessmentStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    SELF_ASSESSED = "self_assessed", _("Self-assessed")
    APPRAISED = "appraised", _("Appraised")
    DECIDED = "decided", _("Decided")


class Assessment(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="assessments")
    subject_kind = models.CharField(_("subject"), max_length=8, choices=SubjectKind.choices)
    # The unit assessed, or the member's unit when the campaign opened.
    org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    # A copy of the unit's path (kept by `subtree_moved`): a subtree is one range of the index.
    org_path = models.CharField(max_length=255, editable=False)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    # Lower levels before higher, each collective before its members; a unit's leaders
    # right after the unit (its order + 1, + 2 …: units and members are ORDER_GAP apart).
    order = models.PositiveIntegerField(_("order"))
    leader_title = models.CharField(
        _("leader's post"), max_length=24, choices=LeaderTitle.choices, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.NOT_STARTED,
    )

    self_level = models.CharField(
        _("self-assessed level"), max_length=16, choices=Level.choices, blank=True
    )
    self_general = models.PositiveSmallIntegerField(_("general score"), null=True, blank=True)
    self_results = models.PositiveSmallIntegerField(_("results score"), null=True, blank=True)
    self_total = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    downgraded = models.BooleanField(_("voluntary downgrade"), default=False)
    self_assessed_at = models.DateTimeField(null=True, blank=True)

    proposed_level = models.CharField(
        _("proposed level"), max_length=16, choices=Level.choices, blank=True
    )
    disciplined = models.BooleanField(_("disciplined in the year"), default=False)
    appraised_at = models.DateTimeField(null=True, blank=True)

    level = models.CharField(_("level"), max_length=16, choices=Level.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    # Re-rating by the level above: the level it replaced and why.
    previous_level = models.CharField(
        _("previous level"), max_length=16, choices=Level.choices, blank=True
    )
    cancelled_reason = models.TextField(_("reason for re-rating"), blank=True)
    rerated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rerated_at = models.DateTimeField(null=True, blank=True)

    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["campaign_id", "order"]
        verbose_name = _("quality assessment")
        verbose_name_plural = _("quality assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "org"],
                condition=Q(member__isnull=True),
                name="assess_once_per_unit",
            ),
            models.UniqueConstraint(
                fields=["campaign", "member"],
                condition=Q(subject_kind="member"),
                name="assess_once_per_member",
            ),
            models.UniqueConstraint(
                fields=["campaign", "org", "member"],
                condition=Q(subject_kind="leader"),
                name="assess_once_per_leader",
            ),
            models.CheckConstraint(
                condition=(Q(subject_kind="org", member__isnull=True))
                | Q(subject_kind__in=["member", "leader"], member__isnull=False),
                name="assess_subject_matches",
            ),
        ]
        indexes = [
            models.Index(
                fields=["campaign", "org_path"],
                opclasses=["int8_ops", "varchar_pattern_ops"],
                name="assess_campaign_path",
            ),
            models.Index(fields=["campaign", "order"], name="assess_campaign_order"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.subject_kind}:{self.member_id or self.org_id}"

    @property
    def is_member(self) -> bool:
        return self.subject_kind == SubjectKind.MEMBER

    @property
    def is_leader(self) -> bool:
        return self.subject_kind == SubjectKind.LEADER

    @property
    def is_person(self) -> bool:
        """A member rated as a member or as a leader (not a unit)."""
        return self.member_id is not None

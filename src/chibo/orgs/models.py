"""The organization tree as a materialized path: a subtree is one prefix match on `path`."""

import datetime as dt

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from .kinds import CELL_KINDS, Kind, Sector

STEP_LENGTH = 4
STEP_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def encode_step(number: int) -> str:
    """Child number → fixed-width base-36 step ("0001"); fixed width keeps path order = tree order."""
    digits = []
    for _i in range(STEP_LENGTH):
        number, rest = divmod(number, len(STEP_ALPHABET))
        digits.append(STEP_ALPHABET[rest])
    if number:
        raise ValueError("too many children under one unit")
    return "".join(reversed(digits))


def decode_step(step: str) -> int:
    value = 0
    for ch in step:
        value = value * len(STEP_ALPHABET) + STEP_ALPHABET.index(ch)
    return value


class Organization(models.Model):
    """A unit (committee or cell). Never deleted: dissolved units keep their history."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DISSOLVED = "dissolved", _("Dissolved")

    path = models.CharField(max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    numchild = models.PositiveIntegerField(default=0)
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    sector = models.CharField(
        _("sector"), max_length=32, choices=Sector.choices, default=Sector.OTHER
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    successor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [models.Index(fields=["parent", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS

    def is_live_on(self, day: dt.date) -> bool:
        if self.established_on and day < self.established_on:
            return False
        return not (self.dissolved_on and day >= self.dissolved_on)

    def ancestor_paths(self) -> list[str]:
        return [self.path[:i] for i in range(STEP_LENGTH, len(self.path), STEP_LENGTH)]


class OrgDecision(models.Model):
    """A decision that changed the tree: establish, rename, move, merge, split, dissolve."""

    class Kind(models.TextChoices):
        ESTABLISHED = "established", _("Established")
        RENAMED = "renamed", _("Renamed")
        MOVED = "moved", _("Moved")
        MERGED = "merged", _("Merged")
        SPLIT = "split", _("Split")
        DISSOLVED = "dissolved", _("Dissolved")

    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    decision_no = models.CharField(_("decision number"), max_length=64)
    decision_date = models.DateField(_("decision date"))
    issuer = models.CharField(_("issued by"), max_length=255)
    details = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decision_date", "-id"]

    def __str__(self) -> str:
        return f"{self.decision_no} {self.kind} {self.org_id}"

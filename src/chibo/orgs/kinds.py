"""Kinds of units and sectors, and which kind may sit under which (DOMAIN.md, "Units")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCIAL_COMMITTEE = "provincial_committee", _("Provincial committee")
    UPPER_COMMITTEE = "upper_committee", _("Committee directly under the province")
    DISTRICT_COMMITTEE = "district_committee", _("District committee")
    GRASSROOTS_COMMITTEE = "grassroots_committee", _("Grassroots committee")
    PARTIAL_COMMITTEE = "partial_committee", _("Partial committee")
    GRASSROOTS_CELL = "grassroots_cell", _("Grassroots cell")
    SUBORDINATE_CELL = "subordinate_cell", _("Subordinate cell")


class Sector(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    WARD = "ward", _("Ward")
    TOWNSHIP = "township", _("Township")
    AGENCY = "agency", _("State agency")
    PUBLIC_SERVICE = "public_service", _("Public service unit")
    STATE_ENTERPRISE = "state_enterprise", _("State enterprise")
    NON_STATE_ENTERPRISE = "non_state_enterprise", _("Non-state enterprise")
    SCHOOL = "school", _("School")
    HOSPITAL = "hospital", _("Hospital")
    ARMED_FORCES = "armed_forces", _("Armed forces")
    POLICE = "police", _("Police")
    OTHER = "other", _("Other")


UPPER_KINDS = {Kind.UPPER_COMMITTEE, Kind.DISTRICT_COMMITTEE}
CELL_KINDS = {Kind.GRASSROOTS_CELL, Kind.SUBORDINATE_CELL}
GRASSROOTS_KINDS = {Kind.GRASSROOTS_COMMITTEE, Kind.GRASSROOTS_CELL}
COMMITTEE_KINDS = {
    Kind.CENTRAL,
    Kind.PROVINCIAL_COMMITTEE,
    Kind.UPPER_COMMITTEE,
    Kind.DISTRICT_COMMITTEE,
    Kind.GRASSROOTS_COMMITTEE,
    Kind.PARTIAL_COMMITTEE,
}

ALLOWED_PARENTS: dict[str, set[str]] = {
    Kind.CENTRAL: set(),
    Kind.PROVINCIAL_COMMITTEE: {Kind.CENTRAL},
    Kind.UPPER_COMMITTEE: {Kind.PROVINCIAL_COMMITTEE},
    Kind.DISTRICT_COMMITTEE: {Kind.PROVINCIAL_COMMITTEE},
    Kind.GRASSROOTS_COMMITTEE: {Kind.PROVINCIAL_COMMITTEE, *UPPER_KINDS},
    Kind.GRASSROOTS_CELL: {Kind.PROVINCIAL_COMMITTEE, *UPPER_KINDS},
    Kind.PARTIAL_COMMITTEE: {Kind.GRASSROOTS_COMMITTEE},
    Kind.SUBORDINATE_CELL: {Kind.GRASSROOTS_COMMITTEE, Kind.PARTIAL_COMMITTEE},
}

# A unit may be a root (no parent) only if it is one of these: an installation may hold
# the whole country (central) or just one province.
ROOT_KINDS = {Kind.CENTRAL, Kind.PROVINCIAL_COMMITTEE}


def can_hold_members(kind: str) -> bool:
    """Members belong to cells; committees hold them only through their cells."""
    return kind in CELL_KINDS

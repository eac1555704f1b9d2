"""The road in: sympathizers, awareness classes, the admission dossier, probation, recognition.

A `Candidate` is one person on the road, from the day a mass organization proposes them
until they are recognized as an official member (or leave the road). The steps are dated
fields on the row, the papers of the dossier (1-KNĐ … 15-KNĐ) are rows of their own, and
`stage` and the next deadline (`due_on`, `due_what`) are derived from them by the services
in the same transaction, so the pipeline board and the due list are plain indexed reads.
The admission decision creates the `Member` and its `admitted` event.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chibo.core.text import sort_key
from chibo.members.models import Gender, Member, Occupation
from chibo.orgs.models import Organization


class Source(models.TextChoices):
    YOUTH_UNION = "youth_union", _("Youth Union")
    TRADE_UNION = "trade_union", _("Trade union")
    WOMENS_UNION = "womens_union", _("Women's Union")
    FARMERS_UNION = "farmers_union", _("Farmers' Union")
    VETERANS = "veterans", _("Veterans' Association")
    FATHERLAND_FRONT = "fatherland_front", _("Fatherland Front")
    OTHER = "other", _("Other")


class Stage(models.TextChoices):
    SYMPATHIZER = "sympathizer", _("Sympathizer")
    CLASS_ATTENDED = "class_attended", _("Attended the class")
    DOSSIER = "dossier", _("Dossier")
    CELL_RESOLUTION = "cell_resolution", _("Cell resolution")
    COMMITTEE_RESOLUTION = "committee_resolution", _("Committee resolution")
    ADMITTED = "admitted", _("Admitted (probation)")
    RECOGNIZED = "recognized", _("Recognized")
    PROBATION_FAILED = "probation_failed", _("Probation failed")
    DROPPED = "dropped", _("No longer followed")


BOARD_STAGES = [
    Stage.SYMPATHIZER,
    Stage.CLASS_ATTENDED,
    Stage.DOSSIER,
    Stage.CELL_RESOLUTION,
    Stage.COMMITTEE_RESOLUTION,
    Stage.ADMITTED,
    Stage.RECOGNIZED,
]
ENDED_STAGES = {Stage.RECOGNIZED, Stage.PROBATION_FAILED, Stage.DROPPED}


class Due(models.TextChoices):
    DECISION = "decision", _("Admission decision")
    CEREMONY = "ceremony", _("Admission ceremony")
    RECOGNITION_RESOLUTION = "recognition_resolution", _("Cell resolution on recognition")
    RECOGNITION_DECISION = "recognition_decision", _("Decision on recognition")


class OrgIntroduction(models.TextChoices):
    NONE = "", _("Two official members")
    YOUTH_UNION = "youth_union", _("Youth Union (4-KNĐ) and one official member")
    TRADE_UNION = "trade_union", _("Trade union and one official member")


class Paper(models.TextChoices):
    """The papers of the admission and recognition dossier, by their form codes."""

    P1 = "1-KNĐ", _("Application to join the Party")
    P2 = "2-KNĐ", _("Personal history")
    P3 = "3-KNĐ", _("Introduction by an official member")
    P4 = "4-KNĐ", _("Introduction by the Youth Union")
    P5 = "5-KNĐ", _("Comments of the residence and mass organizations")
    P6 = "6-KNĐ", _("Cell resolution proposing admission")
    P7 = "7-KNĐ", _("Appraisal report of the partial committee")
    P8 = "8-KNĐ", _("Grassroots committee resolution on admission")
    P9 = "9-KNĐ", _("Admission decision")
    P10 = "10-KNĐ", _("Self-review of the probationary member")
    P11 = "11-KNĐ", _("Comments of the helping member")
    P12 = "12-KNĐ", _("Comments of the mass organizations")
    P13 = "13-KNĐ", _("Cell resolution proposing recognition")
    P14 = "14-KNĐ", _("Appraisal report on recognition")
    P15 = "15-KNĐ", _("Committee resolution on recognition")


class AwarenessClass(models.Model):
    """A party awareness class; passing it gives a certificate valid for 60 months."""

    code = models.CharField(_("class code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255, blank=True)
    org = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organized by"),
    )
    started_on = models.DateField(_("starts on"), null=True, blank=True)
    ended_on = models.DateField(_("ends on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ended_on", "code"]
        verbose_name = _("awareness class")
        verbose_name_plural = _("awareness classes")
        indexes = [models.Index(fields=["org", "ended_on"])]

    def __str__(self) -> str:
        return self.name or self.code


class Candidate(models.Model):
    person_id = models.CharField(_("person id"), max_length=32, unique=True)
    family_name = models.CharField(_("family name"), max_length=64, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=64, blank=True)
    given_name = models.CharField(_("given name"), max_length=64)
    sort_key = models.CharField(max_length=600, editable=False)
    birth_date = models.DateField(_("birth date"))
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    occupation = models.CharField(
        _("occupation"), max_length=32, choices=Occupation.choices, default=Occupation.OTHER
    )
    education = models.CharField(_("education"), max_length=64, blank=True)
    national_id = models.CharField(_("national ID"), max_length=12, blank=True)

    org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("cell")
    )
    # A copy of the cell's path (kept when the tree is restructured: `subtree_moved`), so
    # a subtree's people are one range of the indexes below, without joining the tree.
    org_path = models.CharField(max_length=255, editable=False)
    source = models.CharField(
        _("proposed by"), max_length=32, choices=Source.choices, default=Source.OTHER
    )
    proposed_on = models.DateField(_("proposed on"), null=True, blank=True)
    helper = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("helping member"),
    )

    # The steps (dates and votes as recorded).
    org_introduction = models.CharField(
        _("introduced by"), max_length=16, choices=OrgIntroduction.choices, blank=True, default=""
    )
    cell_resolution_on = models.DateField(_("cell resolution on"), null=True, blank=True)
    cell_votes_for = models.PositiveIntegerField(null=True, blank=True)
    cell_official_members = models.PositiveIntegerField(null=True, blank=True)
    over_age_approval = models.CharField(max_length=64, blank=True)
    committee_resolution_on = models.DateField(null=True, blank=True)
    committee_votes_for = models.PositiveIntegerField(null=True, blank=True)
    committee_members = models.PositiveIntegerField(null=True, blank=True)
    decision_on = models.DateField(_("admission decision on"), null=True, blank=True)
    decision_no = models.CharField(_("decision number"), max_length=64, blank=True)
    extension_reason = models.TextField(blank=True)
    ceremony_on = models.DateField(_("ceremony on"), null=True, blank=True)
    ceremony_late_reason = models.TextField(blank=True)
    probation_ends_on = models.DateField(null=True, blank=True)
    recognition_cell_on = models.DateField(null=True, blank=True)
    recognition_votes_for = models.PositiveIntegerField(null=True, blank=True)
    recognition_official_members = models.PositiveIntegerField(null=True, blank=True)
    recognition_decided_on = models.DateField(null=True, blank=True)
    recognition_decision_no = models.CharField(max_length=64, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    member = models.OneToOneField(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="candidacy"
    )

    # Derived in the same transaction by the services.
    stage = models.CharField(
        _("stage"), max_length=24, choices=Stage.choices, default=Stage.SYMPATHIZER
    )
    stage_since = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    due_what = models.CharField(max_length=32, choices=Due.choices, blank=True)

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_key", "id"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        indexes = [
            # the board: counts per stage, the latest of each (index-only per unit)
            models.Index(
                fields=["stage", "org_path", "stage_since"],
                include=["id"],
                opclasses=["varchar_ops", "varchar_pattern_ops", "date_ops"],
                name="rec_candidate_stage_path",
            ),
            # the due list: each kind of deadline in order
            models.Index(
                fields=["due_what", "org_path", "due_on"],
                include=["id", "stage", "probation_ends_on"],
                opclasses=["varchar_ops", "varchar_pattern_ops", "date_ops"],
                name="rec_candidate_due_path",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self.org_path and self.org_id:
            self.org_path = Organization.objects.values_list("path", flat=True).get(pk=self.org_id)
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)

    def refresh_name_keys(self) -> None:
        self.sort_key = sort_key(self.given_name, self.family_name, self.middle_name)


class Attendance(models.Model):
    """One person in one awareness class, sent by a unit; passing earns the certificate."""

    awareness_class = models.ForeignKey(
        AwarenessClass, on_delete=models.PROTECT, related_name="attendances"
    )
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="attendances")
    org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    passed = models.BooleanField(_("passed"), default=False)
    certificate_no = models.CharField(_("certificate number"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("class attendance")
        verbose_name_plural = _("class attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["awareness_class", "candidate"], name="rec_attendance_once"
            )
        ]
        indexes = [models.Index(fields=["org", "passed"])]

    def __str__(self) -> str:
        return f"{self.awareness_class_id}:{self.candidate_id}"


class Introducer(models.Model):
    """An official member introducing the candidate (3-KNĐ), known to them since a date."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="introducers")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    known_since = models.DateField(_("known since"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["candidate", "member"], name="rec_introducer_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.candidate_id}"


def _paper_path(instance: "DossierPaper", filename: str) -> str:
    return f"dossiers/{instance.candidate_id}/{instance.code}-{filename}"


class DossierPaper(models.Model):
    """One paper of the dossier: its form code, its date, and the scanned file."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="papers")
    code = models.CharField(_("paper"), max_length=8, choices=Paper.choices)
    dated = models.DateField(_("dated"))
    file = models.FileField(_("file"), upload_to=_paper_path, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["candidate", "code"], name="rec_paper_once")]

    def __str__(self) -> str:
        return f"{self.code} {self.candidate_id}"


class CardRange(models.Model):
    """The party card numbers a province issues: `PP.NNNNNN` from `next_number` to `last_number`."""

    province = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    prefix = models.CharField(_("province code"), max_length=2)
    next_number = models.PositiveIntegerField(_("next number"), default=1)
    last_number = models.PositiveIntegerField(_("last number"), default=999999)

    class Meta:
        verbose_name = _("party card range")
        verbose_name_plural = _("party card ranges")

    def __str__(self) -> str:
        return f"{self.prefix}.{self.next_number:06d}–{self.prefix}.{self.last_number:06d}"

"""Members and their dated event history (the spine every report counts from)."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chibo.core.db import AsciiCharField
from chibo.core.periods import full_years_between
from chibo.core.text import search_key, sort_key
from chibo.orgs.models import Organization


class Status(models.TextChoices):
    PROBATIONARY = "probationary", _("Probationary")
    OFFICIAL = "official", _("Official")
    EXEMPTED = "exempted", _("Exempted from activity")
    REMOVED = "removed", _("Removed from the list")
    EXPELLED = "expelled", _("Expelled")
    LEFT = "left", _("Left the party")
    DECEASED = "deceased", _("Deceased")


LIVE_STATUSES = (Status.PROBATIONARY, Status.OFFICIAL, Status.EXEMPTED)


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Occupation(models.TextChoices):
    STUDENT = "student", _("Student")
    TEACHER = "teacher", _("Teacher")
    WORKER = "worker", _("Worker")
    FARMER = "farmer", _("Farmer")
    FISHER = "fisher", _("Fisher")
    CIVIL_SERVANT = "civil_servant", _("Civil servant")
    ARMED_FORCES = "armed_forces", _("Armed forces")
    POLICE = "police", _("Police")
    HEALTH_WORKER = "health_worker", _("Health worker")
    BUSINESS_OWNER = "business_owner", _("Business owner")
    RETIRED = "retired", _("Retired")
    OTHER = "other", _("Other")


class Member(models.Model):
    """A party member. Status, unit and key dates are derived from the events and cached
    here in the same transaction (see `services.events.member_rederive`)."""

    # member_code, national_id and card_number are unique by constraints in Meta (a field's
    # unique=True would add a second, LIKE-pattern index on PostgreSQL that no query uses).
    member_code = AsciiCharField(_("member id"), max_length=32)
    family_name = models.CharField(_("family name"), max_length=64, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=64, blank=True)
    given_name = models.CharField(_("given name"), max_length=64)
    # Indexed by `members_member_name_cover` below (sort_key, id), which serves the name order.
    sort_key = AsciiCharField(max_length=600, editable=False)
    search_name = models.CharField(max_length=200, editable=False)  # see core.text.search_key
    birth_date = models.DateField(_("birth date"))
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=64, blank=True, default="Kinh")
    religion = models.CharField(_("religion"), max_length=64, blank=True)
    # NULL, not "": unique among the members who have one (constraint in Meta)
    national_id = AsciiCharField(_("national ID"), max_length=12, null=True, blank=True)
    hometown = models.CharField(_("hometown"), max_length=255, blank=True)
    education = models.CharField(_("education"), max_length=64, blank=True)
    occupation = models.CharField(
        _("occupation"), max_length=32, choices=Occupation.choices, default=Occupation.OTHER
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    card_number = models.CharField(  # noqa: DJ001 (as national_id)
        _("party card number"), max_length=9, null=True, blank=True
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )

    # Derived from the events (cache).
    status = AsciiCharField(_("status"), max_length=16, choices=Status.choices)
    # org_id is served by members_member_org_cover, temp_org_id by a partial index (most
    # members have none): fewer indexes to keep on every write (an import adds millions).
    org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("unit"),
        db_index=False,
    )
    temp_org = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="temporary_members",
        db_index=False,
    )
    temp_until = models.DateField(null=True, blank=True)
    admitted_on = models.DateField(_("admitted on"), null=True, blank=True)
    recognized_on = models.DateField(_("recognized on"), null=True, blank=True)
    status_since = models.DateField(null=True, blank=True)

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_key", "id"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        indexes = [
            # Covering indexes (PostgreSQL; SQLite ignores `include`): a subtree's members
            # are read unit by unit, and the whole list in name order, without the table.
            models.Index(
                fields=["org", "status"],
                include=["sort_key", "id", "search_name"],
                name="members_member_org_cover",
            ),
            models.Index(
                fields=["sort_key", "id"],
                include=["search_name", "org", "status"],
                name="members_member_name_cover",
            ),
            models.Index(fields=["status", "sort_key"]),
            models.Index(
                fields=["temp_org"],
                condition=models.Q(temp_org__isnull=False),
                name="members_member_temp_org",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=[name], name=f"members_member_{name}_unique")
            for name in ("member_code", "national_id", "card_number")
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)

    def refresh_name_keys(self) -> None:
        self.sort_key = sort_key(self.given_name, self.family_name, self.middle_name)
        self.search_name = search_key(self.full_name)

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def current_temp_org(self) -> Organization | None:
        """The host unit of a temporary transfer still running today (the cache keeps
        the last one even after it ended, as the replay derives it)."""
        if self.temp_org_id and self.temp_until and self.temp_until >= timezone.localdate():
            return self.temp_org
        return None

    def party_age(self, on: dt.date | None = None) -> int | None:
        """Whole years since the admission decision (party age)."""
        if not self.admitted_on:
            return None
        return full_years_between(self.admitted_on, on or timezone.localdate())

    def age(self, on: dt.date | None = None) -> int:
        return full_years_between(self.birth_date, on or timezone.localdate())


class EventKind(models.TextChoices):
    ADMITTED = "admitted", _("Admitted (probationary)")
    RECOGNIZED = "recognized", _("Recognized as official")
    TRANSFERRED = "transferred", _("Transferred")
    REMOVED = "removed", _("Removed from the list")
    EXPELLED = "expelled", _("Expelled")
    LEFT = "left", _("Left the party")
    DIED = "died", _("Died")
    REINSTATED = "reinstated", _("Reinstated")
    PROBATION_FAILED = "probation_failed", _("Probation failed")
    EXEMPTED = "exempted", _("Exempted from activity")
    EXEMPTION_ENDED = "exemption_ended", _("Exemption ended")
    VOIDED = "voided", _("Correction: event voided")


class MemberEvent(models.Model):
    """One dated fact of a member's life. Never deleted or edited: a correction is a new
    `voided` event pointing at the wrong one, which is then marked `voided_by`."""

    # member_id and org_id are served by the (member, date) and (org, date) indexes; the
    # references most events leave empty by partial indexes (see Meta).
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    kind = AsciiCharField(_("event"), max_length=20, choices=EventKind.choices)
    date = models.DateField(_("date"))
    org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
        db_index=False,
    )
    from_org = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    temporary = models.BooleanField(_("temporary"), default=False)
    end_date = models.DateField(_("until"), null=True, blank=True)
    decision_no = models.CharField(_("decision number"), max_length=64, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=255, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    target = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    voided_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("member event")
        verbose_name_plural = _("member events")
        indexes = [
            models.Index(fields=["member", "date"]),
            models.Index(fields=["kind", "date"]),
            models.Index(fields=["org", "date"]),
            *(
                models.Index(
                    fields=[name],
                    condition=models.Q(**{f"{name}__isnull": False}),
                    name=f"members_event_{name}",
                )
                for name in ("from_org", "target", "voided_by", "created_by")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.date} {self.member_id}"

    @property
    def is_effective(self) -> bool:
        return self.kind != EventKind.VOIDED and self.voided_by_id is None


# The summary tables live in their own module.
from .stats_models import OrgOpeningBalance, OrgPeriodStat  # noqa: E402

__all__ = ["EventKind", "Member", "MemberEvent", "OrgOpeningBalance", "OrgPeriodStat", "Status"]


class ImportJob(models.Model):
    """One spreadsheet import: the file, how far it has come, and what it did or refused.

    A web upload creates it (queued) and a background task runs it; a command-line import
    that wrote something records one too (done), so every import has its row.
    """

    class Kind(models.TextChoices):
        ORGS = "orgs", _("Units")
        MEMBERS = "members", _("Members")
        EVENTS = "events", _("Events")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        FAILED = "failed", _("Failed")
        DONE = "done", _("Done")

    kind = models.CharField(_("kind of file"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="imports/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=8, blank=True)  # of the error messages
    org = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
    )  # the subtree the rows must lie in (None: the command line, the whole tree)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"

    @property
    def kind_label(self) -> str:
        """The kind's name, also of the kinds other apps register (targets, classes …)."""
        from .interchange.registry import LABELS

        return str(LABELS.get(self.kind) or self.get_kind_display())

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)

"""Documents a unit issues to its subtree, who they reach, and who has read them.

The audience is stored as rules (a unit, optionally narrowed to one occupation segment),
never as one row per recipient: a member's documents are found by asking which rules name
one of the units above them (or their own) and their segment. So a document issued to a
province of half a million members is a handful of rows, and members who join or move later
receive what their new units were sent.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chibo.members.models import Member
from chibo.orgs.models import Organization


class DocType(models.TextChoices):
    RESOLUTION = "NQ", _("Resolution (NQ)")
    DIRECTIVE = "CT", _("Directive (CT)")
    REGULATION = "QĐ", _("Regulation (QĐ)")
    CONCLUSION = "KL", _("Conclusion (KL)")
    PLAN = "KH", _("Plan (KH)")
    GUIDANCE = "HD", _("Guidance (HD)")
    PROJECT = "ĐA", _("Project (ĐA)")
    NOTICE = "TB", _("Notice (TB)")


class Document(models.Model):
    """One issued document. Title, summary and body are those of the newest version
    (the versions themselves are kept in `DocumentVersion`)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In force")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    issuer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("issued by"),
    )
    doc_type = models.CharField(_("type"), max_length=2, choices=DocType.choices)
    number = models.CharField(_("number"), max_length=64)
    issued_on = models.DateField(_("issued on"))
    issued_year = models.PositiveSmallIntegerField(editable=False)
    title = models.CharField(_("title"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text"), blank=True)
    search_text = models.TextField(editable=False, default="")  # core.text.fold of the above
    must_study = models.BooleanField(_("to be studied before the cell meeting"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    version = models.PositiveIntegerField(default=1)
    amended_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "issued_year", "number"], name="documents_number_unique"
            )
        ]
        indexes = [models.Index(fields=["issuer", "-issued_on"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class DocumentVersion(models.Model):
    """The text of a document as issued (version 1) and after each amendment."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=500)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    must_study = models.BooleanField(default=False)
    note = models.TextField(_("what changed"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="documents_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"


class Attachment(models.Model):
    """A PDF file attached to a document (from the version that added it on)."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to="documents/%Y/")
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField()
    added_in_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "id"]

    def __str__(self) -> str:
        return self.name


class AudienceRule(models.Model):
    """The document reaches `org`'s whole subtree, or, with `occupation`, only the members
    of that segment in it. A document has one rule per (unit, segment) pair."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="audience")
    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    occupation = models.CharField(max_length=32, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "org", "occupation"], name="documents_audience_unique"
            )
        ]
        indexes = [models.Index(fields=["org", "occupation"])]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.org_id} {self.occupation}"


class ReadReceipt(models.Model):
    """A member opened the document: once per member, at the time of the first reading
    (the phone's own time for a reading made offline)."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="receipts")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="read_receipts")
    read_at = models.DateTimeField()
    offline = models.BooleanField(default=False)
    version_read = models.PositiveIntegerField(default=1)  # the newest version they opened
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "member"], name="documents_receipt_unique")
        ]
        indexes = [models.Index(fields=["member", "document"])]

    def __str__(self) -> str:
        return f"{self.member_id} read {self.document_id}"


class Bookmark(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "member"], name="documents_bookmark_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} ★ {self.document_id}"


class HandbookActivation(models.Model):
    """The first time a member used the handbook (the adoption figures count these)."""

    member = models.OneToOneField(Member, on_delete=models.PROTECT, related_name="activation")
    activated_at = models.DateTimeField()
    activated_on = models.DateField(db_index=True)  # the local day, for the adoption report

    def __str__(self) -> str:
        return f"{self.member_id} since {self.activated_on}"

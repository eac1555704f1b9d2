"""Every write on documents: issue, amend, withdraw; readings, bookmarks, activation.

Each service runs in one transaction and records its audit row. The caller has checked
the scope (the office views fetch the issuing unit through `accounts.access`; the handbook
passes the member that the caller is).
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chibo.core.audit import audit_record
from chibo.core.errors import DomainError, RuleViolation, StaleEdit
from chibo.core.text import fold
from chibo.members.models import Member, Occupation
from chibo.orgs.models import Organization

from . import numbers
from .models import (
    Attachment,
    AudienceRule,
    Bookmark,
    DocType,
    Document,
    DocumentVersion,
    HandbookActivation,
    ReadReceipt,
)

PDF_MAGIC = b"%PDF-"


def _max_bytes() -> int:
    return int(getattr(settings, "DOCUMENT_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def check_attachment(upload: UploadedFile) -> None:
    """Refuse anything but a PDF (by its first bytes, not its name) within the size limit."""
    limit = _max_bytes()
    if upload.size is not None and upload.size > limit:
        raise DomainError(
            _("%(name)s is larger than the limit of %(limit)s.")
            % {"name": upload.name, "limit": filesizeformat(limit)},
            code="attachment_too_large",
            field="attachments",
        )
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise DomainError(
            _("%(name)s is not a PDF file.") % {"name": upload.name},
            code="attachment_not_pdf",
            field="attachments",
        )


def check_number(*, issuer: Organization, doc_type: str, number: str, issued_on: dt.date) -> str:
    """The number in its normal form, or DomainError: malformed, wrong type, or taken."""
    parsed = numbers.parse(number)
    if parsed is None:
        raise DomainError(
            _("Write the number as NUMBER-TYPE/ISSUER, e.g. 21-NQ/TW."),
            code="number_malformed",
            field="number",
        )
    if parsed.doc_type != doc_type:
        raise DomainError(
            _("The number says %(found)s but the document is a %(type)s.")
            % {"found": parsed.doc_type, "type": DocType(doc_type).label},
            code="number_type_mismatch",
            field="number",
        )
    normal = numbers.normalize(number)
    taken = Document.objects.filter(
        issuer=issuer, issued_year=issued_on.year, number=normal
    ).exists()
    if taken:
        raise DomainError(
            _("%(unit)s has already issued %(number)s in %(year)s.")
            % {"unit": issuer.name, "number": normal, "year": issued_on.year},
            code="number_taken",
            field="number",
        )
    return normal


@dataclass(frozen=True)
class Audience:
    """Units inside the issuer's subtree (none: the whole subtree) and occupation
    segments (none: everyone in those units)."""

    units: Sequence[Organization] = ()
    segments: Sequence[str] = ()


def _audience_rules(issuer: Organization, audience: Audience) -> list[tuple[Organization, str]]:
    units = list(audience.units) or [issuer]
    for unit in units:
        if not unit.path.startswith(issuer.path):
            raise DomainError(
                _("%(unit)s is not inside %(issuer)s.")
                % {"unit": unit.name, "issuer": issuer.name},
                code="audience_outside",
                field="audience_units",
            )
    segments = sorted(set(audience.segments))
    for segment in segments:
        if segment not in Occupation.values:
            raise DomainError(
                _("Unknown member segment: %(s)s.") % {"s": segment},
                code="audience_segment",
                field="segments",
            )
    # A unit inside another chosen unit adds nobody.
    kept = [u for u in units if not any(u.path.startswith(o.path) and u != o for o in units)]
    unique = {u.pk: u for u in kept}.values()
    return [(u, s) for u in unique for s in (segments or [""])]


def _store_attachments(document: Document, files: Iterable[UploadedFile], version: int) -> None:
    for upload in files:
        Attachment.objects.create(
            document=document,
            file=upload,
            name=str(upload.name)[:255],
            size=upload.size or 0,
            added_in_version=version,
        )


def _text_fields(title: str, summary: str, body: str) -> dict[str, str]:
    title, summary, body = title.strip(), summary.strip(), body.strip()
    if not title:
        raise DomainError(_("A document needs a title."), code="title_missing", field="title")
    return {
        "title": title,
        "summary": summary,
        "body": body,
        "search_text": fold(f"{title} {summary} {body}"),
    }


@transaction.atomic
def document_issue(
    *,
    actor: Any,
    issuer: Organization,
    doc_type: str,
    number: str,
    issued_on: dt.date,
    title: str,
    summary: str = "",
    body: str = "",
    must_study: bool = False,
    audience: Audience | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> Document:
    """Issue a document (ban hành văn bản) from `issuer` to its subtree or part of it.

    Returns the document. Raises DomainError (nothing stored) for a malformed, mistyped or
    already used number, an audience outside the issuer's subtree, or an attachment that
    is not a PDF or is too large. The caller has checked that `actor` may write `issuer`.
    """
    if doc_type not in DocType.values:
        raise DomainError(_("Choose a document type."), code="type_unknown", field="doc_type")
    normal = check_number(issuer=issuer, doc_type=doc_type, number=number, issued_on=issued_on)
    rules = _audience_rules(issuer, audience or Audience())
    for upload in attachments:
        check_attachment(upload)
    texts = _text_fields(title, summary, body)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                issuer=issuer,
                doc_type=doc_type,
                number=normal,
                issued_on=issued_on,
                issued_year=issued_on.year,
                must_study=must_study,
                created_by=actor if getattr(actor, "pk", None) else None,
                **texts,
            )
    except IntegrityError as exc:  # the same number saved at the same moment by someone else
        raise DomainError(
            _("%(unit)s has already issued %(number)s in %(year)s.")
            % {"unit": issuer.name, "number": normal, "year": issued_on.year},
            code="number_taken",
            field="number",
        ) from exc
    DocumentVersion.objects.create(
        document=document,
        number=1,
        title=document.title,
        summary=document.summary,
        body=document.body,
        must_study=must_study,
        created_by=document.created_by,
    )
    AudienceRule.objects.bulk_create(
        AudienceRule(document=document, org=unit, occupation=segment) for unit, segment in rules
    )
    _store_attachments(document, attachments, 1)
    audit_record(
        actor=actor,
        action="document.issue",
        obj=document,
        org_id=issuer.pk,
        changes={
            "number": normal,
            "doc_type": doc_type,
            "issued_on": issued_on,
            "audience": [f"{u.code}:{s}" if s else u.code for u, s in rules],
            "attachments": [a.name for a in attachments],
        },
    )
    return document


def _locked(document: Document, version: int | None) -> Document:
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if version is not None and locked.version != version:
        raise StaleEdit(
            _("Someone else changed this document after you opened it. Reload and try again.")
        )
    return locked


@transaction.atomic
def document_amend(
    *,
    actor: Any,
    document: Document,
    title: str,
    summary: str,
    body: str,
    must_study: bool,
    note: str = "",
    version: int | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> Document:
    """Amend a document: a new version becomes the text readers see; the old ones are kept.

    Readers who had read an older version see that it changed. Raises RuleViolation for a
    withdrawn document, StaleEdit when `version` is not the current one, DomainError for a
    bad attachment. The caller has checked that `actor` may write the issuing unit.
    """
    document = _locked(document, version)
    if not document.is_active:
        raise RuleViolation(_("A withdrawn document cannot be amended."))
    for upload in attachments:
        check_attachment(upload)
    texts = _text_fields(title, summary, body)
    fields = ["title", "summary", "body", "must_study"]
    before = {f: getattr(document, f) for f in fields}
    for key, value in texts.items():
        setattr(document, key, value)
    document.must_study = must_study
    document.version += 1
    document.amended_at = timezone.now()
    document.save()
    DocumentVersion.objects.create(
        document=document,
        number=document.version,
        title=document.title,
        summary=document.summary,
        body=document.body,
        must_study=must_study,
        note=note.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _store_attachments(document, attachments, document.version)
    after = {f: getattr(document, f) for f in fields}
    changes: dict[str, Any] = {k: [before[k], after[k]] for k in fields if before[k] != after[k]}
    changes |= {"version": document.version, "note": note.strip()}
    if attachments:
        changes["attachments"] = [a.name for a in attachments]
    audit_record(
        actor=actor,
        action="document.amend",
        obj=document,
        org_id=document.issuer_id,
        changes=changes,
    )
    return document


@transaction.atomic
def document_withdraw(
    *, actor: Any, document: Document, reason: str, version: int | None = None
) -> Document:
    """Withdraw a document (thu hồi): readers no longer see it; the office keeps it.

    Raises RuleViolation when it is already withdrawn or no reason is given.
    """
    document = _locked(document, version)
    if not document.is_active:
        raise RuleViolation(_("This document is already withdrawn."))
    if not reason.strip():
        raise DomainError(_("Say why the document is withdrawn."), field="reason")
    document.status = Document.Status.WITHDRAWN
    document.withdrawn_at = timezone.now()
    document.withdrawn_reason = reason.strip()
    document.version += 1
    document.save()
    audit_record(
        actor=actor,
        action="document.withdraw",
        obj=document,
        org_id=document.issuer_id,
        changes={"status": ["active", "withdrawn"], "reason": reason.strip()},
    )
    return document


# --- The member's side ----------------------------------------------------------------------


def _actor_of(member: Member) -> Any:
    return member.user if member.user_id else None


def document_read(
    *, member: Member, document: Document, read_at: dt.datetime | None = None, offline: bool = False
) -> ReadReceipt:
    """Record that `member` read `document` (the caller found it among their documents).

    One receipt per member and document, holding the first reading: an offline reading
    that arrives later but happened earlier moves the time back; anything else only
    notes the newest version seen. A client's time is kept within [issue, now].
    Returns the receipt. Safe to call again with the same reading (idempotent).
    """
    now = timezone.now()
    when = now if read_at is None else min(max(read_at, document.created_at), now)
    with transaction.atomic():
        receipt, created = ReadReceipt.objects.select_for_update().get_or_create(
            document=document,
            member=member,
            defaults={"read_at": when, "offline": offline, "version_read": document.version},
        )
        if created:
            audit_record(
                actor=_actor_of(member),
                action="document.read",
                obj=document,
                org_id=member.org_id,
                changes={"member": member.pk, "read_at": when, "offline": offline},
            )
            return receipt
        updates = []
        if when < receipt.read_at:
            receipt.read_at, receipt.offline = when, offline
            updates += ["read_at", "offline"]
        if receipt.version_read < document.version:
            receipt.version_read = document.version
            updates.append("version_read")
        if updates:
            receipt.save(update_fields=updates)
    return receipt


@transaction.atomic
def bookmark_add(*, member: Member, document: Document) -> Bookmark:
    """Bookmark a document of the member's (idempotent)."""
    bookmark, created = Bookmark.objects.get_or_create(member=member, document=document)
    if created:
        audit_record(
            actor=_actor_of(member),
            action="document.bookmark",
            obj=document,
            org_id=member.org_id,
            changes={"member": member.pk},
        )
    return bookmark


@transaction.atomic
def bookmark_remove(*, member: Member, document: Document) -> None:
    """Remove the member's bookmark of the document (nothing happens if there is none)."""
    deleted, _rows = Bookmark.objects.filter(member=member, document=document).delete()
    if deleted:
        audit_record(
            actor=_actor_of(member),
            action="document.unbookmark",
            obj=document,
            org_id=member.org_id,
            changes={"member": member.pk},
        )


def handbook_activate(*, member: Member) -> HandbookActivation:
    """Note the member's first use of the handbook; later calls return the same row."""
    existing = HandbookActivation.objects.filter(member=member).first()
    if existing is not None:
        return existing
    now = timezone.now()
    with transaction.atomic():
        activation, created = HandbookActivation.objects.get_or_create(
            member=member, defaults={"activated_at": now, "activated_on": timezone.localdate(now)}
        )
        if created:
            audit_record(
                actor=_actor_of(member),
                action="handbook.activate",
                obj=member,
                org_id=member.org_id,
                changes={"activated_at": now},
            )
    return activation

"""Reads of documents: the office's (scoped by the issuing unit) and a member's own.

Office: a document belongs to its issuing unit; whoever may read that unit may open the
document and see who received and read it. A document of a unit outside the scope is a
404. Member: the documents addressed to them, found through the audience rules (the units
above them and their own, and their segment).
"""

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, FilteredRelation, OuterRef, Q, QuerySet
from django.http import Http404

from chibo.core.scope import Scope
from chibo.core.text import fold
from chibo.members.models import LIVE_STATUSES, Member
from chibo.orgs.models import Organization

from .models import Attachment, AudienceRule, Bookmark, DocType, Document, ReadReceipt

# --- Office ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentFilters:
    org: Organization | None = None  # issued by this unit or below
    query: str = ""
    doc_type: str = ""
    status: str = ""


def _search(qs: QuerySet[Document], query: str) -> QuerySet[Document]:
    for word in fold(query).split():
        qs = qs.filter(search_text__contains=word)
    return qs


def document_list(*, scope: Scope, filters: DocumentFilters | None = None) -> QuerySet[Document]:
    """Documents issued by units of the scope, newest first, withdrawn ones included."""
    filters = filters or DocumentFilters()
    qs = Document.objects.filter(scope.path_q("issuer__path")).select_related("issuer")
    if filters.org is not None:
        qs = qs.filter(issuer__path__startswith=filters.org.path)
    if filters.doc_type:
        qs = qs.filter(doc_type=filters.doc_type)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return _search(qs, filters.query).order_by("-issued_on", "-id")


def document_get(*, scope: Scope, document_id: int | str, for_write: bool = False) -> Document:
    """The document if its issuing unit is in the scope (writable, with for_write); else 404."""
    try:
        document = Document.objects.select_related("issuer").get(
            scope.path_q("issuer__path", write=for_write), pk=document_id
        )
    except (Document.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    return document


def attachment_get(*, scope: Scope, attachment_id: int | str) -> Attachment:
    try:
        return Attachment.objects.select_related("document").get(
            scope.path_q("document__issuer__path"), pk=attachment_id
        )
    except (Attachment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def audience_describe(document: Document) -> dict[str, list[Any]]:
    """{"units": [Organization…], "segments": [occupation…]} as issued."""
    rules = list(document.audience.select_related("org").order_by("org__path"))
    units = list({r.org_id: r.org for r in rules}.values())
    segments = sorted({r.occupation for r in rules if r.occupation})
    return {"units": units, "segments": segments}


def audience_members(document: Document) -> QuerySet[Member]:
    """The live members the document reaches now (received = these)."""
    q = Q()
    for rule in document.audience.select_related("org"):
        part = Q(org__path__startswith=rule.org.path)
        if rule.occupation:
            part &= Q(occupation=rule.occupation)
        q |= part
    if not q:
        return Member.objects.none()
    return Member.objects.filter(q, status__in=LIVE_STATUSES)


def reading_by_unit(document: Document) -> list[dict[str, Any]]:
    """Per unit holding recipients: {"org", "received", "read"}, in tree order.

    One pass over the recipients, each joined to their receipt of this document if any.
    """
    rows = (
        audience_members(document)
        .alias(
            receipt=FilteredRelation("read_receipts", condition=Q(read_receipts__document=document))
        )
        .values("org")
        .annotate(received=Count("id"), read=Count("receipt__id"))
        .values_list("org", "received", "read")
    )
    counts = {org_id: (received, read) for org_id, received, read in rows}
    units = Organization.objects.filter(pk__in=counts).order_by("path")
    return [{"org": u, "received": counts[u.pk][0], "read": counts[u.pk][1]} for u in units]


def unread_members(document: Document) -> QuerySet[Member]:
    """Recipients who have not opened the document yet, by unit then name."""
    return (
        audience_members(document)
        .exclude(Exists(ReadReceipt.objects.filter(document=document, member=OuterRef("pk"))))
        .select_related("org")
        .order_by("org__path", "sort_key", "id")
    )


def median_time_to_read(document: Document) -> dt.timedelta | None:
    """Median of (first reading − publication) over the readers, None before the first.

    The database finds the middle reading (one or two rows), so a province's thousands of
    readings never travel to Python.
    """
    receipts = ReadReceipt.objects.filter(document=document)
    count = receipts.count()
    if not count:
        return None
    middle = list(
        receipts.order_by("read_at").values_list("read_at", flat=True)[
            (count - 1) // 2 : count // 2 + 1
        ]
    )
    seconds = statistics.median((t - document.created_at).total_seconds() for t in middle)
    return dt.timedelta(seconds=max(seconds, 0))


# --- Member (the handbook) --------------------------------------------------------------------


def member_for(scope: Scope) -> Member | None:
    """The live member record the caller is, or None (only members have a handbook)."""
    if not scope.member_id:
        return None
    return (
        Member.objects.select_related("org")
        .filter(pk=scope.member_id, status__in=LIVE_STATUSES)
        .first()
    )


def _rules_for(member: Member) -> QuerySet[AudienceRule]:
    paths = [*member.org.ancestor_paths(), member.org.path]
    return AudienceRule.objects.filter(org__path__in=paths).filter(
        Q(occupation="") | Q(occupation=member.occupation)
    )


def reader_documents(*, member: Member, query: str = "") -> QuerySet[Document]:
    """Documents in force addressed to the member, newest first, with `unread`,
    `read_version` and `bookmarked` annotated."""
    receipts = ReadReceipt.objects.filter(document=OuterRef("pk"), member=member)
    qs = (
        Document.objects.filter(
            status=Document.Status.ACTIVE,
            pk__in=_rules_for(member).values("document_id"),
        )
        .select_related("issuer")
        .annotate(
            is_read=Exists(receipts),
            bookmarked=Exists(Bookmark.objects.filter(document=OuterRef("pk"), member=member)),
        )
    )
    return _search(qs, query).order_by("-issued_on", "-id")


def reader_document_get(*, member: Member, document_id: int | str) -> Document:
    try:
        return reader_documents(member=member).get(pk=document_id)
    except (Document.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def reader_notices(*, member: Member) -> QuerySet[Document]:
    return reader_documents(member=member).filter(doc_type=DocType.NOTICE)


def reader_bookmarks(*, member: Member) -> QuerySet[Document]:
    return reader_documents(member=member).filter(
        pk__in=Bookmark.objects.filter(member=member).values("document_id")
    )


def reader_attachment_get(*, member: Member, attachment_id: int | str) -> Attachment:
    try:
        return Attachment.objects.select_related("document").get(
            pk=attachment_id, document__in=reader_documents(member=member).values("pk")
        )
    except (Attachment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def read_versions(*, member: Member, documents: list[Document]) -> dict[int, int]:
    """document id → the newest version the member has opened."""
    return dict(
        ReadReceipt.objects.filter(member=member, document__in=documents).values_list(
            "document_id", "version_read"
        )
    )

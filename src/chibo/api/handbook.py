"""The member's handbook: /api/v1/handbook/… — what the handbook app on the phone reads.

Every route answers for the member the caller is (the user's linked, live member record)
and nothing else: their own documents (those addressed to their unit, a unit above it, or
their segment), their bookmarks and readings, their own profile. A caller with no member
record gets 404 everywhere, as does a document not addressed to them.
"""

import datetime as dt
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from chibo.assessment import selectors as assessment_selectors
from chibo.assessment import services as assessment_services
from chibo.assessment.models import Assessment, AssessmentStatus
from chibo.assessment.rules import GENERAL_MAX, RESULTS_MAX, Level
from chibo.documents import selectors, services
from chibo.documents.models import DocType, Document
from chibo.members.models import Member

from .auth import request_scope
from .errors import BODY_ERRORS, ERRORS, ErrorOut
from .pagination import CappedLimitOffset
from .schemas import MAX_ID, SearchText

handbook_router = Router(tags=["handbook"])

DocumentId = Annotated[int, Path(ge=1, le=MAX_ID)]
AttachmentId = Annotated[int, Path(ge=1, le=MAX_ID)]
MAX_OFFLINE_READS = 500


def _reader(request: HttpRequest) -> Member:
    """The caller's live member record (their first handbook use is noted), or 404."""
    member = selectors.member_for(request_scope(request))
    if member is None:
        raise Http404
    services.handbook_activate(member=member)
    return member


class DocumentSummaryOut(Schema):
    id: int
    number: str
    doc_type: str
    doc_type_label: str
    title: str
    summary: str
    issued_on: dt.date
    issuer: str
    must_study: bool
    version: int
    amended_at: dt.datetime | None
    unread: bool
    changed_since_read: bool
    bookmarked: bool


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    url: str


class DocumentOut(DocumentSummaryOut):
    body: str
    attachments: list[AttachmentOut]


class ProfileOut(Schema):
    full_name: str
    birth_date: dt.date
    admitted_on: dt.date | None
    recognized_on: dt.date | None
    card_number: str | None
    unit: str
    unit_code: str
    activated_at: dt.datetime


class OfflineRead(Schema):
    document_id: int = Field(..., ge=1, le=MAX_ID)
    read_at: dt.datetime = Field(..., description="When the phone showed the document.")


class OfflineReadsIn(Schema):
    reads: list[OfflineRead] = Field(..., max_length=MAX_OFFLINE_READS)


class OfflineReadsOut(Schema):
    recorded: list[int]
    unknown: list[int]


class BookmarkOut(Schema):
    document_id: int
    bookmarked: bool


def _summary(
    doc: Document, versions: dict[int, int], labels: dict[str, str] | None = None
) -> dict[str, Any]:
    read_version = versions.get(doc.pk)
    label = labels[doc.doc_type] if labels else str(doc.get_doc_type_display())
    return {
        "id": doc.pk,
        "number": doc.number,
        "doc_type": doc.doc_type,
        "doc_type_label": label,
        "title": doc.title,
        "summary": doc.summary,
        "issued_on": doc.issued_on,
        "issuer": doc.issuer.name,
        "must_study": doc.must_study,
        "version": doc.version,
        "amended_at": doc.amended_at,
        "unread": read_version is None,
        "changed_since_read": read_version is not None and read_version < doc.version,
        "bookmarked": bool(getattr(doc, "bookmarked", False)),
    }


def _page(member: Member, docs: list[Document]) -> list[dict[str, Any]]:
    versions = selectors.read_versions(member=member, documents=docs)
    # the labels once per page (each get_..._display() hashes every choice's lazy label)
    labels = {value: str(label) for value, label in DocType.choices}
    return [_summary(d, versions, labels) for d in docs]


class _SummaryPage:
    """A list of documents that the paginator slices; only the slice is turned into
    summaries (with the member's reading state in one more query)."""

    def __init__(self, member: Member, qs: QuerySet[Document]) -> None:
        # a summary shows neither the text nor its folded copy: leave them in the database
        self.member, self.qs = member, qs.defer("body", "search_text")

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return _page(self.member, list(self.qs[item]))


@handbook_router.get("/documents", response={200: list[DocumentSummaryOut], **ERRORS})
@paginate(CappedLimitOffset)
def list_documents(
    request: HttpRequest,
    q: Annotated[
        SearchText,
        Query("", description="Words of the title or text (diacritics and case ignored)."),
    ] = "",
) -> Any:
    """Your documents, newest first, with what you have not read yet."""
    member = _reader(request)
    return _SummaryPage(member, selectors.reader_documents(member=member, query=q))


@handbook_router.get("/documents/{document_id}", response={200: DocumentOut, **ERRORS})
def get_document(request: HttpRequest, document_id: DocumentId) -> Any:
    """One of your documents in full; opening it records that you read it."""
    member = _reader(request)
    doc = selectors.reader_document_get(member=member, document_id=document_id)
    services.document_read(member=member, document=doc)
    out = _summary(doc, {doc.pk: doc.version})
    out["body"] = doc.body
    out["attachments"] = [
        {
            "id": a.pk,
            "name": a.name,
            "size": a.size,
            "url": reverse("api:handbook_attachment", args=[a.pk]),
        }
        for a in doc.attachments.all()
    ]
    return out


@handbook_router.put("/documents/{document_id}/bookmark", response={200: BookmarkOut, **ERRORS})
def add_bookmark(request: HttpRequest, document_id: DocumentId) -> Any:
    member = _reader(request)
    doc = selectors.reader_document_get(member=member, document_id=document_id)
    services.bookmark_add(member=member, document=doc)
    return {"document_id": doc.pk, "bookmarked": True}


@handbook_router.delete("/documents/{document_id}/bookmark", response={200: BookmarkOut, **ERRORS})
def remove_bookmark(request: HttpRequest, document_id: DocumentId) -> Any:
    member = _reader(request)
    doc = selectors.reader_document_get(member=member, document_id=document_id)
    services.bookmark_remove(member=member, document=doc)
    return {"document_id": doc.pk, "bookmarked": False}


@handbook_router.get("/bookmarks", response={200: list[DocumentSummaryOut], **ERRORS})
@paginate(CappedLimitOffset)
def list_bookmarks(request: HttpRequest) -> Any:
    """The documents you bookmarked (those still in force), newest first."""
    member = _reader(request)
    return _SummaryPage(member, selectors.reader_bookmarks(member=member))


@handbook_router.get("/notices", response={200: list[DocumentSummaryOut], **ERRORS})
@paginate(CappedLimitOffset)
def list_notices(request: HttpRequest) -> Any:
    """Notices (TB) addressed to you, newest first."""
    member = _reader(request)
    return _SummaryPage(member, selectors.reader_notices(member=member))


@handbook_router.get(
    "/attachments/{attachment_id}",
    response={200: None, **ERRORS},
    url_name="handbook_attachment",
)
def download_attachment(request: HttpRequest, attachment_id: AttachmentId) -> Any:
    """A PDF attached to one of your documents."""
    member = _reader(request)
    attachment = selectors.reader_attachment_get(member=member, attachment_id=attachment_id)
    return FileResponse(
        attachment.file.open("rb"), content_type="application/pdf", filename=attachment.name
    )


@handbook_router.post("/reads", response={200: OfflineReadsOut, **BODY_ERRORS})
def record_reads(request: HttpRequest, payload: OfflineReadsIn) -> Any:
    """Readings made offline, with the phone's time of each. Sending the same ones again
    changes nothing; a document that is not (or no longer) yours is listed as unknown."""
    member = _reader(request)
    wanted = {r.document_id: r.read_at for r in payload.reads}
    found = {d.pk: d for d in selectors.reader_documents(member=member).filter(pk__in=wanted)}
    recorded, unknown = [], []
    for doc_id, read_at in wanted.items():
        doc = found.get(doc_id)
        if doc is None:
            unknown.append(doc_id)
            continue
        when = read_at if read_at.tzinfo else read_at.replace(tzinfo=dt.UTC)
        services.document_read(member=member, document=doc, read_at=when, offline=True)
        recorded.append(doc_id)
    return {"recorded": recorded, "unknown": unknown}


@handbook_router.get("/me", response={200: ProfileOut, **ERRORS})
def profile(request: HttpRequest) -> Any:
    """Your own record in short: name, dates, card number, unit."""
    member = _reader(request)
    return {
        "full_name": member.full_name,
        "birth_date": member.birth_date,
        "admitted_on": member.admitted_on,
        "recognized_on": member.recognized_on,
        "card_number": member.card_number,
        "unit": member.org.name,
        "unit_code": member.org.code,
        "activated_at": member.activation.activated_at,
    }


# --- the member's own classification ---------------------------------------------------------


class AssessmentOut(Schema):
    id: int
    year: int
    period: str = Field(..., description="The campaign's period, e.g. 2025 or 2025 Q2.")
    rules: str = Field(..., description="levels_2019 or score_2025")
    opened_by: str
    subject: str = Field(..., description="member, or leader (rated as a leader of a unit)")
    leader_of: str = Field(..., description="The unit led and the post ('' for a member).")
    status: str
    status_label: str
    self_level: str
    general: int | None
    results: int | None
    total: int | None
    downgraded: bool
    level: str = Field(..., description="The decided level ('' until decided).")
    level_label: str
    version: int
    can_self_assess: bool


class SelfAssessmentIn(Schema):
    level: Level
    general: int | None = Field(None, ge=0, le=GENERAL_MAX)
    results: int | None = Field(None, ge=0, le=RESULTS_MAX)
    version: int = Field(..., ge=1, le=MAX_ID)


AssessmentId = Annotated[int, Path(ge=1, le=MAX_ID)]
SELF_STEPS = (AssessmentStatus.NOT_STARTED, AssessmentStatus.SELF_ASSESSED)


def _assessment(a: Assessment) -> dict[str, Any]:
    decided = a.status == AssessmentStatus.DECIDED
    return {
        "id": a.pk,
        "year": a.campaign.year,
        "period": str(a.campaign),
        "rules": a.campaign.rule_set,
        "opened_by": a.campaign.org.name,
        "subject": a.subject_kind,
        "leader_of": f"{a.get_leader_title_display()}, {a.org.name}" if a.is_leader else "",
        "status": a.status,
        "status_label": str(AssessmentStatus(a.status).label),
        "self_level": a.self_level,
        "general": a.self_general,
        "results": a.self_results,
        "total": a.self_total,
        "downgraded": a.downgraded,
        "level": a.level if decided else "",
        "level_label": str(Level(a.level).label) if decided and a.level else "",
        "version": a.version,
        "can_self_assess": a.campaign.is_open and a.status in SELF_STEPS,
    }


@handbook_router.get("/assessments", response={200: list[AssessmentOut], **ERRORS})
def list_assessments(request: HttpRequest) -> Any:
    """Your own quality assessments, newest first (at most the last 20 periods)."""
    member = _reader(request)
    return [_assessment(a) for a in assessment_selectors.own_assessments(member)[:20]]


@handbook_router.post(
    "/assessments/{assessment_id}/self",
    response={200: AssessmentOut, 409: ErrorOut, **BODY_ERRORS},
)
def self_assess(
    request: HttpRequest, assessment_id: AssessmentId, payload: SelfAssessmentIn
) -> Any:
    """Your self-assessment: the level, and with the 2025 rules the two scores (general of 30,
    results of 70). A level below what the score gives is kept as a voluntary downgrade; one
    above it is refused with the reason. Possible until the cell appraises it."""
    member = _reader(request)
    a = assessment_selectors.own_assessments(member).filter(pk=assessment_id).first()
    if a is None:
        raise Http404
    done = assessment_services.self_assess(
        actor=request.user,
        assessment=a,
        level=payload.level.value,
        general=payload.general,
        results=payload.results,
        version=payload.version,
    )
    done.campaign = a.campaign
    return _assessment(done)

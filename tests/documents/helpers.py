"""Issuing documents in tests: one call with sensible defaults, and small PDF uploads."""

import datetime as dt
from itertools import count
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from chibo.documents.models import Document
from chibo.documents.services import Audience, document_issue
from chibo.orgs.models import Organization

_serial = count(1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "file.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def issue(
    issuer: Organization,
    *,
    units: list[Organization] | None = None,
    segments: list[str] | None = None,
    doc_type: str = "NQ",
    number: str | None = None,
    title: str = "Nghị quyết về công tác xây dựng Đảng",
    actor: Any = None,
    **extra: Any,
) -> Document:
    return document_issue(
        actor=actor,
        issuer=issuer,
        doc_type=doc_type,
        number=number or f"{next(_serial)}-{doc_type}/{issuer.code}",
        issued_on=extra.pop("issued_on", dt.date(2025, 3, 1)),
        title=title,
        summary=extra.pop("summary", "Tóm tắt"),
        body=extra.pop("body", "Nội dung nghị quyết."),
        audience=Audience(units=units or [], segments=segments or []),
        **extra,
    )

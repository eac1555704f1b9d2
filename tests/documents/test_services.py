import datetime as dt

import pytest
from django.utils import timezone, translation

from chibo.core.errors import DomainError, RuleViolation, StaleEdit
from chibo.core.models import AuditEntry
from chibo.documents.models import (
    Attachment,
    AudienceRule,
    Document,
    DocumentVersion,
    HandbookActivation,
    ReadReceipt,
)
from chibo.documents.services import (
    bookmark_add,
    bookmark_remove,
    document_amend,
    document_read,
    document_withdraw,
    handbook_activate,
)
from documents.helpers import PDF, issue, pdf


def _nothing_stored() -> tuple[int, ...]:
    return (
        Document.objects.count(),
        DocumentVersion.objects.count(),
        AudienceRule.objects.count(),
        Attachment.objects.count(),
        AuditEntry.objects.filter(action__startswith="document.").count(),
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_issuing_stores_the_document_its_first_version_rules_and_audit(world, media):
    bt = world.org("BT")
    doc = issue(
        bt, number="21-nq/tw", attachments=[pdf("nghi-quyet.pdf")], actor=world.users["olga"]
    )
    assert doc.number == "21-NQ/TW" and doc.issued_year == 2025 and doc.version == 1
    assert list(doc.versions.values_list("number", flat=True)) == [1]
    assert list(doc.audience.values_list("org__code", "occupation")) == [("BT", "")]
    assert doc.attachments.get().name == "nghi-quyet.pdf"
    entry = AuditEntry.objects.get(action="document.issue")
    assert entry.actor_label == "olga" and entry.org_id == bt.pk
    assert entry.changes["audience"] == ["BT"]


def test_audience_units_and_segments_make_one_rule_per_pair(world):
    d1 = world.org("D1")
    doc = issue(d1, units=[world.org("G1"), world.org("C2")], segments=["student", "teacher"])
    assert sorted(doc.audience.values_list("org__code", "occupation")) == [
        ("C2", "student"),
        ("C2", "teacher"),
        ("G1", "student"),
        ("G1", "teacher"),
    ]


def test_a_unit_inside_another_chosen_unit_adds_no_rule(world):
    doc = issue(world.org("D1"), units=[world.org("G1"), world.org("C1")])
    assert list(doc.audience.values_list("org__code", flat=True)) == ["G1"]


# --- Bad input: refused with the message in the user's language, nothing stored ----------------

BAD_NUMBERS = [
    ("21/NQ-TW", "number_malformed", "Ghi số theo dạng SỐ-LOẠI/NƠI BAN HÀNH"),
    ("NQ/TW", "number_malformed", "Ghi số theo dạng SỐ-LOẠI/NƠI BAN HÀNH"),
    ("0-NQ/TW", "number_malformed", "Ghi số theo dạng SỐ-LOẠI/NƠI BAN HÀNH"),
    ("21-CT/TW", "number_type_mismatch", "Số văn bản ghi CT"),
]


@pytest.mark.parametrize(("number", "code", "message"), BAD_NUMBERS)
def test_a_bad_number_is_refused_in_vietnamese(world, number, code, message):
    before = _nothing_stored()
    with translation.override("vi"), pytest.raises(DomainError) as exc:
        issue(world.org("BT"), number=number)
    assert exc.value.code == code and exc.value.field == "number"
    with translation.override("vi"):
        assert message in str(exc.value.message)
    assert _nothing_stored() == before


def test_a_number_is_unique_per_issuer_and_year(world):
    bt, d1 = world.org("BT"), world.org("D1")
    issue(bt, number="21-NQ/TU")
    before = _nothing_stored()
    with translation.override("vi"), pytest.raises(DomainError) as exc:
        issue(bt, number="21-nq/tu", title="Khác")
    assert exc.value.code == "number_taken"
    with translation.override("vi"):
        assert "đã ban hành 21-NQ/TU trong năm 2025" in str(exc.value.message)
    assert _nothing_stored() == before
    # Another unit, or another year, may use the same number.
    issue(d1, number="21-NQ/TU")
    issue(bt, number="21-NQ/TU", issued_on=dt.date(2026, 1, 5))


def test_an_attachment_that_is_not_a_pdf_is_refused(world, media):
    before = _nothing_stored()
    fake = pdf("virus.pdf", b"MZ\x90\x00 not a pdf at all")
    with translation.override("vi"), pytest.raises(DomainError) as exc:
        issue(world.org("BT"), attachments=[pdf("ok.pdf"), fake])
    assert exc.value.code == "attachment_not_pdf"
    with translation.override("vi"):
        assert "virus.pdf không phải là tệp PDF" in str(exc.value.message)
    assert _nothing_stored() == before
    assert not list(media.rglob("*.pdf"))


def test_an_attachment_over_the_size_limit_is_refused(world, media, settings):
    settings.DOCUMENT_ATTACHMENT_MAX_BYTES = 1024
    before = _nothing_stored()
    big = pdf("big.pdf", PDF + b"0" * 2000)
    with translation.override("vi"), pytest.raises(DomainError) as exc:
        issue(world.org("BT"), attachments=[big])
    assert exc.value.code == "attachment_too_large"
    with translation.override("vi"):
        assert "big.pdf vượt quá giới hạn" in str(exc.value.message)
    assert _nothing_stored() == before


def test_an_audience_outside_the_issuers_subtree_is_refused(world):
    before = _nothing_stored()
    with pytest.raises(DomainError) as exc:
        issue(world.org("D1"), units=[world.org("C3")])
    assert exc.value.code == "audience_outside"
    assert _nothing_stored() == before


# --- Amend and withdraw --------------------------------------------------------------------


def test_amending_keeps_the_old_version_and_shows_the_new(world):
    doc = issue(world.org("BT"), title="Bản đầu")
    amended = document_amend(
        actor=None,
        document=doc,
        title="Bản sửa",
        summary="",
        body="Nội dung mới",
        must_study=True,
        note="Sửa mục 2",
        version=1,
    )
    assert amended.version == 2 and amended.title == "Bản sửa" and amended.amended_at
    assert list(amended.versions.values_list("number", "title")) == [(2, "Bản sửa"), (1, "Bản đầu")]
    assert AuditEntry.objects.get(action="document.amend").changes["title"] == [
        "Bản đầu",
        "Bản sửa",
    ]
    with pytest.raises(StaleEdit):
        document_amend(
            actor=None, document=doc, title="x", summary="", body="", must_study=False, version=1
        )


def test_a_withdrawn_document_is_kept_and_cannot_be_amended(world):
    doc = issue(world.org("BT"))
    document_withdraw(actor=None, document=doc, reason="Ban hành nhầm")
    doc.refresh_from_db()
    assert doc.status == "withdrawn" and doc.withdrawn_reason == "Ban hành nhầm"
    with pytest.raises(RuleViolation):
        document_amend(actor=None, document=doc, title="x", summary="", body="", must_study=False)
    with pytest.raises(RuleViolation):
        document_withdraw(actor=None, document=doc, reason="again")


# --- Readings, bookmarks, activation -------------------------------------------------------


def test_a_reading_is_recorded_once_at_the_first_time(world):
    doc = issue(world.org("BT"))
    minh = world.members["minh"]
    first = document_read(member=minh, document=doc)
    again = document_read(member=minh, document=doc)
    assert ReadReceipt.objects.count() == 1 and again.read_at == first.read_at
    assert AuditEntry.objects.filter(action="document.read").count() == 1


def test_an_earlier_offline_reading_moves_the_time_back_within_bounds(world):
    doc = issue(world.org("BT"))
    Document.objects.filter(pk=doc.pk).update(created_at=timezone.now() - dt.timedelta(days=1))
    doc.refresh_from_db()
    minh = world.members["minh"]
    document_read(member=minh, document=doc)
    earlier = timezone.now() - dt.timedelta(minutes=5)
    receipt = document_read(member=minh, document=doc, read_at=earlier, offline=True)
    assert receipt.read_at == earlier and receipt.offline
    # A phone with a wrong clock cannot date a reading before the issue or in the future.
    duc = world.members["duc"]
    past = document_read(member=duc, document=doc, read_at=timezone.now() - dt.timedelta(days=900))
    assert past.read_at == doc.created_at
    lan = world.members["lan"]
    future = document_read(member=lan, document=doc, read_at=timezone.now() + dt.timedelta(days=3))
    assert future.read_at <= timezone.now()


def test_bookmarks_and_activation_are_idempotent(world):
    doc = issue(world.org("BT"))
    minh = world.members["minh"]
    bookmark_add(member=minh, document=doc)
    bookmark_add(member=minh, document=doc)
    assert minh.bookmarks.count() == 1
    bookmark_remove(member=minh, document=doc)
    bookmark_remove(member=minh, document=doc)
    assert minh.bookmarks.count() == 0
    first = handbook_activate(member=minh)
    assert handbook_activate(member=minh).activated_at == first.activated_at
    assert HandbookActivation.objects.count() == 1
    assert AuditEntry.objects.filter(action="handbook.activate").count() == 1

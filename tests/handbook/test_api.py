"""The handbook API answers for the member the caller is, and for nobody else."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from chibo.documents.models import Document, HandbookActivation, ReadReceipt
from chibo.documents.services import document_amend, document_withdraw
from documents.helpers import issue, pdf

API = "/api/v1/handbook"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def docs(world, media):
    return {
        "province": issue(world.org("BT"), title="Nghị quyết tỉnh", issued_on=dt.date(2025, 1, 5)),
        "cell": issue(
            world.org("C1"),
            doc_type="TB",
            title="Thông báo họp chi bộ",
            issued_on=dt.date(2025, 2, 1),
            attachments=[pdf("lich-hop.pdf")],
        ),
        "sibling": issue(world.org("D2"), title="Nghị quyết huyện B"),
    }


def test_a_member_lists_their_documents_newest_first_with_unread_flags(client_for, docs):
    minh = client_for("minh")
    items = minh.get(f"{API}/documents").json()["items"]
    assert [d["id"] for d in items] == [docs["cell"].pk, docs["province"].pk]
    assert all(d["unread"] for d in items)
    detail = minh.get(f"{API}/documents/{docs['province'].pk}")
    assert detail.status_code == 200 and detail.json()["body"]
    items = minh.get(f"{API}/documents").json()["items"]
    assert {d["id"]: d["unread"] for d in items} == {
        docs["cell"].pk: True,
        docs["province"].pk: False,
    }


def test_opening_a_document_records_one_reading_and_activates_the_handbook(client_for, world, docs):
    minh = client_for("minh")
    for _ in range(2):
        assert minh.get(f"{API}/documents/{docs['province'].pk}").status_code == 200
    assert ReadReceipt.objects.filter(member=world.members["minh"]).count() == 1
    assert HandbookActivation.objects.filter(member=world.members["minh"]).count() == 1


def test_an_amended_document_says_it_changed_since_it_was_read(client_for, docs):
    minh = client_for("minh")
    doc = docs["province"]
    minh.get(f"{API}/documents/{doc.pk}")
    document_amend(
        actor=None,
        document=doc,
        title="Nghị quyết tỉnh (sửa)",
        summary="",
        body="Mới",
        must_study=True,
    )
    [row] = [d for d in minh.get(f"{API}/documents").json()["items"] if d["id"] == doc.pk]
    assert (
        row["changed_since_read"]
        and row["title"] == "Nghị quyết tỉnh (sửa)"
        and row["version"] == 2
    )


def test_documents_not_addressed_to_the_member_are_404(client_for, docs):
    minh = client_for("minh")
    for doc in (docs["sibling"],):
        response = minh.get(f"{API}/documents/{doc.pk}")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
        assert minh.put(f"{API}/documents/{doc.pk}/bookmark").status_code == 404
    document_withdraw(actor=None, document=docs["province"], reason="Nhầm")
    assert minh.get(f"{API}/documents/{docs['province'].pk}").status_code == 404


def test_search_ignores_diacritics(client_for, docs):
    found = client_for("minh").get(f"{API}/documents", {"q": "thong bao hop"}).json()["items"]
    assert [d["id"] for d in found] == [docs["cell"].pk]


def test_bookmarks_are_the_members_own(client_for, world, docs):
    minh = client_for("minh")
    doc = docs["province"]
    assert minh.put(f"{API}/documents/{doc.pk}/bookmark").json() == {
        "document_id": doc.pk,
        "bookmarked": True,
    }
    assert [d["id"] for d in minh.get(f"{API}/bookmarks").json()["items"]] == [doc.pk]
    assert minh.delete(f"{API}/documents/{doc.pk}/bookmark").json()["bookmarked"] is False
    assert minh.get(f"{API}/bookmarks").json()["items"] == []


def test_notices_are_the_tb_documents_addressed_to_the_member(client_for, docs):
    items = client_for("minh").get(f"{API}/notices").json()["items"]
    assert [d["id"] for d in items] == [docs["cell"].pk]


def test_an_attachment_downloads_only_for_its_readers(client_for, docs):
    attachment = docs["cell"].attachments.get()
    minh = client_for("minh")
    detail = minh.get(f"{API}/documents/{docs['cell'].pk}").json()
    assert detail["attachments"][0]["url"] == f"{API}/attachments/{attachment.pk}"
    response = minh.get(f"{API}/attachments/{attachment.pk}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_offline_reads_keep_the_phones_time_and_are_idempotent(client_for, world, docs):
    doc = docs["province"]
    Document.objects.filter(pk=doc.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    when = (timezone.now() - dt.timedelta(hours=5)).replace(microsecond=0)
    body = {
        "reads": [
            {"document_id": doc.pk, "read_at": when.isoformat()},
            {"document_id": docs["sibling"].pk, "read_at": when.isoformat()},
        ]
    }
    minh = client_for("minh")
    for _ in range(2):
        response = minh.post(f"{API}/reads", json.dumps(body), content_type="application/json")
        assert response.json() == {"recorded": [doc.pk], "unknown": [docs["sibling"].pk]}
    receipt = ReadReceipt.objects.get(member=world.members["minh"])
    assert receipt.read_at == when and receipt.offline
    assert not ReadReceipt.objects.filter(document=docs["sibling"]).exists()


def test_the_profile_is_the_members_own(client_for, world):
    me = client_for("minh").get(f"{API}/me").json()
    assert me["full_name"] == "Nguyễn Văn Minh" and me["unit_code"] == "C1"
    assert me["admitted_on"] == "2012-05-01" and me["recognized_on"] == "2013-05-02"


@pytest.mark.parametrize("persona", ["olga", "alice", "sam", "charlie"])
def test_someone_without_a_member_record_has_no_handbook(client_for, docs, persona):
    client = client_for(persona)
    for path in ("/documents", "/bookmarks", "/notices", "/me", f"/documents/{docs['cell'].pk}"):
        response = client.get(API + path)
        assert response.status_code == 404, (persona, path)
    assert not HandbookActivation.objects.exists()


def test_anonymous_callers_are_refused(client, docs):
    assert client.get(f"{API}/documents").status_code == 401
    assert client.post(f"{API}/reads", "{}", content_type="application/json").status_code == 401


def test_a_body_that_is_not_json_is_a_translated_400(world, client_for):
    client = client_for("minh")
    response = client.post(
        "/api/v1/handbook/reads", data=b"\x00", content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json() == {
        "code": "bad_request",
        "message": "The request body is not valid JSON.",
    }

from django.urls import reverse

from chibo.documents.models import Document
from documents.helpers import issue, pdf


def test_a_clerk_issues_a_document_to_part_of_her_subtree(client_for, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    alice = client_for("alice")
    response = alice.post(
        reverse("documents:issue", args=[world.org("D1").pk]),
        {
            "doc_type": "KH",
            "number": "121-KH/HU",
            "issued_on": "05/03/2025",
            "title": "Kế hoạch học tập",
            "audience_units": "C2, G1",
            "segments": ["student"],
            "attachments": [pdf("ke-hoach.pdf")],
        },
    )
    doc = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/documents/{doc.pk}/"
    assert sorted(doc.audience.values_list("org__code", flat=True)) == ["C2", "G1"]
    page = alice.get(response["Location"])
    assert page.status_code == 200 and page.context["received"] == 0


def test_a_bad_attachment_is_refused_on_the_form_in_vietnamese(
    client_for, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    response = client_for("alice").post(
        reverse("documents:issue", args=[world.org("D1").pk]),
        {
            "doc_type": "NQ",
            "number": "3-NQ/HU",
            "issued_on": "05/03/2025",
            "title": "Nghị quyết",
            "attachments": [pdf("anh.pdf", b"\x89PNG not a pdf")],
        },
    )
    assert response.status_code == 200
    assert "anh.pdf không phải là tệp PDF." in response.context["form"].errors["attachments"]
    assert not Document.objects.exists()


def test_a_unit_outside_the_issuer_reads_like_a_missing_one(client_for, world):
    url = reverse("documents:issue", args=[world.org("D1").pk])
    form = {"doc_type": "NQ", "number": "3-NQ/HU", "issued_on": "05/03/2025", "title": "X"}
    foreign = client_for("alice").post(url, {**form, "audience_units": "C3"})
    missing = client_for("alice").post(url, {**form, "audience_units": "NOPE"})
    errors = [r.context["form"].errors["audience_units"][0] for r in (foreign, missing)]
    assert errors[0].replace("C3", "NOPE") == errors[1]
    assert not Document.objects.exists()


def test_the_secretary_reads_the_figures_and_cannot_amend(client_for, world):
    doc = issue(world.org("C1"))
    sam = client_for("sam")
    page = sam.get(reverse("documents:detail", args=[doc.pk]))
    assert page.status_code == 200 and page.context["can_write"] is False
    assert page.context["received"] == 2
    assert sam.get(reverse("documents:amend", args=[doc.pk])).status_code == 404

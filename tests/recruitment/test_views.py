"""The pages of the road in: the secretary keeps the cell's steps, the committee above
decides; refusals show their reason and write nothing; the board and the due list count."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chibo.core.audit import AuditEntry
from chibo.core.workdays import add_working_days
from chibo.recruitment.models import Candidate, Stage

from .helpers import CELL_DAY, propose, third_official, to_committee, with_dossier


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def _step(name, **fields):  # type: ignore[no-untyped-def]
    """A step's form as the page posts it (each step's fields carry its name as prefix)."""
    return {f"{name}-{k}": v for k, v in fields.items()}


def _en(client):  # type: ignore[no-untyped-def]
    client.cookies["django_language"] = "en"
    return client


def test_the_secretary_proposes_a_sympathizer_in_her_cell(world, client_for):
    sam = _en(client_for("sam"))
    c1 = world.org("C1")
    response = sam.post(
        reverse("recruitment:propose", args=[c1.pk]),
        {"given_name": "Mai", "family_name": "Hoàng", "middle_name": "Thị",
         "birth_date": "10/05/2000", "gender": "female", "occupation": "teacher",
         "source": "youth_union", "proposed_on": "01/09/2023",
         "helper": world.members["minh"].pk},
    )  # fmt: skip
    c = Candidate.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "recruitment:candidate", args=[c.pk]
    )
    assert (c.org, c.helper, c.stage, c.birth_date) == (
        c1, world.members["minh"], Stage.SYMPATHIZER, dt.date(2000, 5, 10)
    )  # fmt: skip
    board = sam.get(reverse("recruitment:board", args=[c1.pk])).content.decode()
    assert 'data-testid="count-sympathizer">1<' in board and "Hoàng Thị Mai" in board


def test_the_secretary_cannot_propose_in_another_cell(world, client_for):
    sam = client_for("sam")
    assert sam.get(reverse("recruitment:propose", args=[world.org("C2").pk])).status_code == 404


def test_a_paper_is_uploaded_and_a_bad_file_refused(world, client_for):
    sam = _en(client_for("sam"))
    c = propose(world)
    url = reverse("recruitment:paper", args=[c.pk])
    pdf = SimpleUploadedFile("don.pdf", b"%PDF-1.4 don", content_type="application/pdf")
    response = sam.post(
        url, {"paper-code": "1-KNĐ", "paper-dated": "02/05/2024", "paper-file": pdf}
    )
    assert response.status_code == 302
    paper = c.papers.get()
    assert paper.file_name == "don.pdf"
    download = sam.get(reverse("recruitment:paper_file", args=[paper.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 don"
    audits = AuditEntry.objects.count()
    bad = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = sam.post(
        url, {"paper-code": "2-KNĐ", "paper-dated": "02/05/2024", "paper-file": bad}
    )
    assert response.status_code == 200
    assert "virus.pdf is not a PDF, JPEG or PNG file." in response.content.decode()
    assert c.papers.count() == 1 and AuditEntry.objects.count() == audits
    # another district's clerk neither sees the paper nor the person
    bob = client_for("bob")
    assert bob.get(reverse("recruitment:paper_file", args=[paper.pk])).status_code == 404
    assert bob.get(reverse("recruitment:candidate", args=[c.pk])).status_code == 404


def test_a_refused_cell_resolution_shows_the_reason_and_writes_nothing(world, client_for):
    third_official(world)
    c = with_dossier(world, propose(world))
    sam = _en(client_for("sam"))
    response = sam.post(
        reverse("recruitment:step", args=[c.pk, "cell_resolution"]),
        _step(
            "cell_resolution", on="12/06/2024", votes_for=1, org_introduction="", version=c.version
        ),
    )
    assert response.status_code == 200
    assert "1 of 3 in favour is under two thirds" in response.content.decode()
    fresh = Candidate.objects.get(pk=c.pk)
    assert (fresh.stage, fresh.version) == (c.stage, c.version)
    response = sam.post(
        reverse("recruitment:step", args=[c.pk, "cell_resolution"]),
        _step(
            "cell_resolution", on="12/06/2024", votes_for=2, org_introduction="", version=c.version
        ),
    )
    assert response.status_code == 302
    assert Candidate.objects.get(pk=c.pk).stage == Stage.CELL_RESOLUTION


def test_the_secretary_does_not_decide_the_committee_does(world, client_for):
    third_official(world)
    c = with_dossier(world, propose(world))
    c = to_committee(world, c)
    decide = reverse("recruitment:step", args=[c.pk, "decision"])
    form = _step("decision", on=add_working_days(CELL_DAY, 20).strftime("%d/%m/%Y"),
                 decision_no="5-QĐ/ĐU", version=c.version)  # fmt: skip
    sam = client_for("sam")
    assert sam.post(decide, form).status_code == 404
    page = sam.get(reverse("recruitment:candidate", args=[c.pk])).content.decode()
    assert 'data-testid="step-decision"' not in page
    assert Candidate.objects.get(pk=c.pk).stage == Stage.COMMITTEE_RESOLUTION
    alice = client_for("alice")
    assert (
        'data-testid="step-decision"'
        in alice.get(reverse("recruitment:candidate", args=[c.pk])).content.decode()
    )
    assert alice.post(decide, form).status_code == 302
    c = Candidate.objects.get(pk=c.pk)
    assert c.stage == Stage.ADMITTED and c.member is not None


def test_the_due_list_shows_what_is_overdue(world, client_for):
    third_official(world)
    waiting = to_committee(world, with_dossier(world, propose(world)))  # due long ago
    alice = _en(client_for("alice"))
    response = alice.get(reverse("recruitment:due", args=[world.org("D1").pk]))
    assert response.status_code == 200
    due = response.context["due"]
    assert [c.pk for c in due.decisions.rows] == [waiting.pk] and due.decisions.total == 1
    html = response.content.decode()
    assert 'data-overdue="1"' in html and "Hoàng Thị Mai" in html
    # nothing of D1 reaches D2's clerk
    bob = client_for("bob")
    assert bob.get(reverse("recruitment:due", args=[world.org("D1").pk])).status_code == 404
    page = bob.get(reverse("recruitment:due", args=[world.org("D2").pk])).content.decode()
    assert "Hoàng Thị Mai" not in page


def test_a_class_is_created_by_a_clerk_and_attendance_recorded_by_the_secretary(world, client_for):
    alice = client_for("alice")
    d1 = world.org("D1")
    response = alice.post(
        reverse("recruitment:classes", args=[d1.pk]),
        {"code": "LOP-2024-1", "name": "Lớp cảm tình Đảng", "ended_on": "15/03/2024"},
    )
    assert response.status_code == 302
    sam = client_for("sam")
    assert (
        sam.post(
            reverse("recruitment:classes", args=[world.org("C1").pk]),
            {"code": "LOP-X", "ended_on": "15/03/2024"},
        ).status_code
        == 404
    )
    c = propose(world)
    klass_url = response["Location"]
    assert sam.get(klass_url).status_code == 200
    response = sam.post(
        klass_url, {"person_id": c.person_id, "passed": "on", "certificate_no": "9"}
    )
    assert response.status_code == 302
    assert Candidate.objects.get(pk=c.pk).stage == Stage.CLASS_ATTENDED
    # bob can neither see the class (organized and attended on D1's side) nor use it
    assert client_for("bob").get(klass_url).status_code == 404


def test_the_administrator_sets_a_provinces_card_range(world, client, settings):
    from chibo.accounts.models import User
    from chibo.recruitment.models import CardRange

    admin = User.objects.create_superuser(username="root", password="x" * 12)
    client.force_login(admin)
    response = client.post(
        "/admin/recruitment/cardrange/add/",
        {"province": world.org("BT").pk, "prefix": "48", "next_number": 5, "last_number": 900},
    )
    assert response.status_code == 302
    assert str(CardRange.objects.get()) == "48.000005–48.000900"
    assert client.get("/admin/recruitment/cardrange/").status_code == 200

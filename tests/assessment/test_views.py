"""The classification pages: who opens, who takes which step, what others get (404)."""

import pytest

from chibo.accounts.models import Role, User
from chibo.accounts.services import role_grant, user_create
from chibo.assessment.models import Assessment, AssessmentStatus, Campaign
from chibo.assessment.rules import Level, RuleSet
from chibo.core.models import AuditEntry

from .helpers import YEAR, appraised, decided, open_campaign, row


def _step(client, a, name, **data):  # type: ignore[no-untyped-def]
    a.refresh_from_db()
    payload = {f"{name}-{k}": v for k, v in {"version": a.version, **data}.items()}
    return client.post(f"/assessment/item/{a.pk}/{name}/", payload)


@pytest.fixture
def client_for(client_for):  # type: ignore[no-untyped-def]
    """The pages in English, so the tests read the messages as written."""

    def login(name):  # type: ignore[no-untyped-def]
        c = client_for(name)
        c.cookies["django_language"] = "en"
        return c

    return login


def _clerk_of(world, code):  # type: ignore[no-untyped-def]
    user = user_create(actor=None, username=f"clerk-{code}", password="x" * 12)
    role_grant(actor=None, user=user, org=world.org(code), kind=Role.Kind.CLERK)
    return user


def test_a_clerk_opens_a_campaign_from_the_page(world, client_for):
    c = client_for("alice")
    page = c.get(f"/assessment/{world.org('D1').pk}/")
    assert page.status_code == 200 and b'data-testid="open"' in page.content
    got = c.post(
        f"/assessment/{world.org('D1').pk}/open/",
        {"year": YEAR, "period_kind": "year", "rule_set": RuleSet.LEVELS_2019},
    )
    campaign = Campaign.objects.get()
    assert got.status_code == 302
    assert got["Location"] == f"/assessment/campaign/{campaign.pk}/{world.org('D1').pk}/"
    progress = c.get(got["Location"]).content.decode()
    # D1's units below, each with its rows counted: G1 (G1, C1 and its 2 members), C2 (+ Lan)
    assert 'data-org="G1"' in progress and 'data-org="C2"' in progress
    assert 'data-org="C3"' not in progress
    # opening the same period again is refused in the page, nothing written
    again = c.post(
        f"/assessment/{world.org('D1').pk}/open/",
        {"year": YEAR, "period_kind": "year", "rule_set": RuleSet.LEVELS_2019},
    )
    assert again.status_code == 200 and "already covers" in again.content.decode()
    assert Campaign.objects.count() == 1


def test_only_writers_open_and_nobody_sees_another_subtree(world, client_for):
    sam = client_for("sam")
    assert b'data-testid="open"' not in sam.get(f"/assessment/{world.org('C1').pk}/").content
    post = sam.post(
        f"/assessment/{world.org('C1').pk}/open/",
        {"year": YEAR, "period_kind": "year", "rule_set": RuleSet.LEVELS_2019},
    )
    assert post.status_code == 404 and not Campaign.objects.exists()
    campaign = open_campaign(world, "D1")
    bob = client_for("bob")
    assert bob.get(f"/assessment/{world.org('D1').pk}/").status_code == 404
    assert bob.get(f"/assessment/campaign/{campaign.pk}/{world.org('D2').pk}/").status_code == 404
    minh = row(campaign, member=world.members["minh"])
    assert bob.get(f"/assessment/item/{minh.pk}/").status_code == 404
    assert _step(bob, minh, "self", level=Level.GOOD).status_code == 404
    assert bob.post(f"/assessment/campaign/{campaign.pk}/close/").status_code == 404
    assert bob.get(f"/assessment/campaign/{campaign.pk}/close/").status_code == 404
    minh.refresh_from_db()
    assert minh.status == AssessmentStatus.NOT_STARTED and campaign.is_open


def test_secretary_appraises_committee_decides_level_above_rerates(world, client_for):
    campaign = open_campaign(world, "D1")
    minh = row(campaign, member=world.members["minh"])
    sam = client_for("sam")
    assert _step(sam, minh, "self", level=Level.GOOD).status_code == 302
    assert _step(sam, minh, "appraise", proposed_level=Level.GOOD).status_code == 302
    # the secretary may not decide: the grassroots committee G1 does
    assert _step(sam, minh, "decide", level=Level.GOOD).status_code == 404
    g1 = _clerk_of(world, "G1")
    c = client_for("sam")
    c.force_login(g1)
    assert b"step-decide" in c.get(f"/assessment/item/{minh.pk}/").content
    assert _step(c, minh, "decide", level=Level.GOOD).status_code == 302
    minh.refresh_from_db()
    assert minh.status == AssessmentStatus.DECIDED and minh.level == Level.GOOD
    # G1 may not re-rate its own decision; D1 (alice) may
    assert _step(c, minh, "rerate", level=Level.COMPLETE, reason="x").status_code == 404
    c.force_login(User.objects.get(username="alice"))
    got = _step(c, minh, "rerate", level=Level.COMPLETE, reason="Missed three meetings")
    assert got.status_code == 302
    minh.refresh_from_db()
    assert (minh.level, minh.previous_level) == (Level.COMPLETE, Level.GOOD)
    assert "Missed three meetings" in c.get(f"/assessment/item/{minh.pk}/").content.decode()
    assert AuditEntry.objects.filter(action="assessment.rerate").count() == 1


def test_a_refused_decision_shows_the_reason_and_writes_nothing(world, client_for):
    campaign = open_campaign(world, "D1")
    # C1: Minh complete, Đức not complete → the cell cannot be good
    decided(row(campaign, member=world.members["minh"]), Level.COMPLETE)
    decided(row(campaign, member=world.members["duc"]), Level.NOT_COMPLETE)
    cell = appraised(row(campaign, org=world.org("C1")), Level.GOOD)
    c = client_for("alice")
    got = _step(c, cell, "decide", level=Level.GOOD)
    assert got.status_code == 200
    assert "did not complete their duties" in got.content.decode()
    cell.refresh_from_db()
    assert cell.status == AssessmentStatus.APPRAISED and not cell.level
    assert not AuditEntry.objects.filter(
        action="assessment.decide", object_id=str(cell.pk)
    ).exists()


def test_the_2025_form_asks_for_the_score_and_keeps_a_downgrade(world, client_for):
    campaign = open_campaign(world, "D1", rule_set=RuleSet.SCORE_2025)
    minh = row(campaign, member=world.members["minh"])
    sam = client_for("sam")
    page = sam.get(f"/assessment/item/{minh.pk}/").content.decode()
    assert 'name="self-general"' in page and 'name="self-results"' in page
    too_high = _step(sam, minh, "self", level=Level.EXCELLENT, general=25, results=50)
    assert too_high.status_code == 200 and "gives" in too_high.content.decode()
    assert _step(sam, minh, "self", level=Level.COMPLETE, general=25, results=50).status_code == 302
    minh.refresh_from_db()
    assert minh.self_total == 75 and minh.downgraded
    assert b"downgraded" in sam.get(f"/assessment/item/{minh.pk}/").content


def test_closing_makes_the_campaign_read_only(world, client_for):
    campaign = open_campaign(world, "D1")
    minh = row(campaign, member=world.members["minh"])
    c = client_for("alice")
    confirm = c.get(f"/assessment/campaign/{campaign.pk}/close/").content.decode()
    assert f"{campaign.assessments.count()} assessments are not decided" in confirm
    assert c.post(f"/assessment/campaign/{campaign.pk}/close/").status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED
    assert b"step-self" not in c.get(f"/assessment/item/{minh.pk}/").content
    got = _step(c, minh, "self", level=Level.GOOD)
    assert got.status_code == 200 and "closed" in got.content.decode()
    assert Assessment.objects.get(pk=minh.pk).status == AssessmentStatus.NOT_STARTED
    entry = AuditEntry.objects.get(action="assessment.campaign_close")
    assert entry.changes["undecided"] == campaign.assessments.count()


def test_the_secretary_names_a_leader_of_her_cell_by_member_code(world, client_for):
    campaign = open_campaign(world, "D1")
    c1 = world.org("C1")
    sam = client_for("sam")
    url = f"/assessment/campaign/{campaign.pk}/{c1.pk}/leader/"
    unknown = sam.post(url, {"leader-member_code": "M-HAI", "leader-title": "secretary"})
    assert unknown.status_code == 200 and "No member with this code" in unknown.content.decode()
    got = sam.post(url, {"leader-member_code": "M-MINH", "leader-title": "secretary"})
    assert got.status_code == 302
    leader = Assessment.objects.get(campaign=campaign, subject_kind="leader")
    assert leader.order == row(campaign, org=c1).order + 1
    page = sam.get(f"/assessment/item/{leader.pk}/").content.decode()
    assert 'data-testid="leader"' in page and "step-remove" in page
    # Minh sees it in his handbook, as a leader of his cell
    mine = client_for("minh").get("/api/v1/handbook/assessments").json()
    assert {a["subject"] for a in mine} == {"member", "leader"}
    # bob may not name leaders here, nor see the unit
    bob = client_for("bob")
    assert (
        bob.post(url, {"leader-member_code": "M-DUC", "leader-title": "secretary"}).status_code
        == 404
    )
    assert Assessment.objects.filter(subject_kind="leader").count() == 1
    removed = _step(client_for("sam"), leader, "remove")
    assert removed.status_code == 302
    assert removed["Location"] == f"/assessment/campaign/{campaign.pk}/{c1.pk}/"
    assert not Assessment.objects.filter(subject_kind="leader").exists()

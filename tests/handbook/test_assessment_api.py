"""A member's own classification in the handbook: listed, self-assessed, nobody else's."""

import json

from assessment.helpers import decided, open_campaign, row
from chibo.assessment.models import AssessmentStatus
from chibo.assessment.rules import Level, RuleSet
from chibo.assessment.services import campaign_close
from chibo.core.models import AuditEntry

API = "/api/v1/handbook/assessments"


def _post(client, a, **body):  # type: ignore[no-untyped-def]
    a.refresh_from_db()
    body.setdefault("version", a.version)
    return client.post(
        f"{API}/{a.pk}/self",
        json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_member_sees_only_their_own_assessment(world, client_for):
    campaign = open_campaign(world, "D1")
    mine = row(campaign, member=world.members["minh"])
    got = client_for("minh").get(API).json()
    assert [a["id"] for a in got] == [mine.pk]
    assert got[0]["status"] == AssessmentStatus.NOT_STARTED and got[0]["can_self_assess"]
    assert got[0]["level"] == "" and got[0]["rules"] == RuleSet.LEVELS_2019
    # another member's row is not theirs to write, however its id is guessed
    duc = row(campaign, member=world.members["duc"])
    assert _post(client_for("minh"), duc, level=Level.GOOD).status_code == 404
    duc.refresh_from_db()
    assert duc.status == AssessmentStatus.NOT_STARTED
    # a user with no member record has no handbook
    assert client_for("alice").get(API).status_code == 404


def test_a_member_self_assesses_with_the_2025_score(world, client_for):
    campaign = open_campaign(world, "D1", rule_set=RuleSet.SCORE_2025)
    mine = row(campaign, member=world.members["minh"])
    minh = client_for("minh")
    refused = _post(minh, mine, level=Level.EXCELLENT, general=25, results=60)
    assert refused.status_code == 400
    assert "A score of 85 gives" in refused.json()["message"]
    mine.refresh_from_db()
    assert mine.status == AssessmentStatus.NOT_STARTED
    done = _post(minh, mine, level=Level.COMPLETE, general=25, results=60)
    assert done.status_code == 200, done.content
    got = done.json()
    assert got["status"] == AssessmentStatus.SELF_ASSESSED
    assert (got["total"], got["downgraded"], got["self_level"]) == (85, True, Level.COMPLETE)
    entry = AuditEntry.objects.get(action="assessment.self_assess")
    assert entry.actor_id == world.users["minh"].pk
    # a stale version is refused (someone changed it since)
    stale = minh.post(
        f"{API}/{mine.pk}/self",
        json.dumps({"level": Level.GOOD, "general": 25, "results": 60, "version": 1}),
        content_type="application/json",
    )
    assert stale.status_code == 409


def test_the_decided_level_shows_and_a_closed_campaign_takes_no_more(world, client_for):
    campaign = open_campaign(world, "D1")
    decided(row(campaign, member=world.members["minh"]), Level.GOOD)
    got = client_for("minh").get(API).json()[0]
    assert got["level"] == Level.GOOD and not got["can_self_assess"]
    assert got["level_label"]
    second = open_campaign(world, "D1", year=2025)
    campaign_close(actor=None, campaign=second)
    mine = row(second, member=world.members["minh"])
    assert not client_for("minh").get(API).json()[0]["can_self_assess"]
    refused = _post(client_for("minh"), mine, level=Level.GOOD)
    assert refused.status_code == 400 and "closed" in refused.json()["message"]


def test_bad_input_is_a_clear_error(world, client_for):
    campaign = open_campaign(world, "D1")
    mine = row(campaign, member=world.members["minh"])
    minh = client_for("minh")
    assert _post(minh, mine, level="superb").status_code == 422
    assert _post(minh, mine, level=Level.GOOD, general=10, results=10).status_code == 400
    mine.refresh_from_db()
    assert mine.status == AssessmentStatus.NOT_STARTED

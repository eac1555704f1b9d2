"""The API's lists and objects (chibo.api.routers): scoped, paginated, and JSON errors.

Alice (clerk of D1) and Bob (clerk of D2) each call with a personal token; what lies in the
other's subtree never appears, and naming it is a 404 exactly like naming nothing.
"""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from chibo.accounts.services import token_create
from chibo.members.models import MemberEvent
from chibo.members.services import event_record, event_void
from conftest import World, make_member

D1_MEMBERS = {"M-MINH", "M-DUC", "M-LAN"}
D2_MEMBERS = {"M-HAI"}


class Api:
    """A client that calls the API with a persona's token."""

    def __init__(self, world: World, persona: str):
        _token, secret = token_create(actor=None, user=world.users[persona], name="tests")
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def get(self, url: str, **params: Any) -> Any:
        return self.client.get(url, params)

    def ok(self, url: str, **params: Any) -> Any:
        response = self.get(url, **params)
        assert response.status_code == 200, (url, params, response.content[:500])
        return response.json()

    def items(self, url: str, **params: Any) -> list[dict[str, Any]]:
        return self.ok(url, **params)["items"]


@pytest.fixture
def alice(world) -> Api:
    return Api(world, "alice")


@pytest.fixture
def bob(world) -> Api:
    return Api(world, "bob")


def codes(rows: list[dict[str, Any]], key: str = "code") -> set[str]:
    return {row[key] for row in rows}


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, (status, response.status_code, response.content)
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code and body["message"], body
    return body


# --- units ---------------------------------------------------------------------------------


def test_the_unit_list_starts_at_the_top_of_each_scope(alice, bob):
    assert codes(alice.items("/api/v1/orgs/")) == {"D1"}
    assert codes(bob.items("/api/v1/orgs/")) == {"D2"}


def test_the_unit_list_gives_the_children_of_a_parent(alice, bob):
    assert [o["code"] for o in alice.items("/api/v1/orgs/", parent="D1")] == ["G1", "C2"]
    assert codes(alice.items("/api/v1/orgs/", parent="G1")) == {"C1"}
    assert codes(bob.items("/api/v1/orgs/", parent="D2")) == {"C3"}
    child = alice.items("/api/v1/orgs/", parent="G1")[0]
    assert child["parent_code"] == "G1" and child["kind"] == "subordinate_cell"


def test_the_unit_search_stays_in_the_scope(alice, bob):
    # "Chi bộ" names a cell on both sides; each clerk finds only their own
    assert codes(alice.items("/api/v1/orgs/", q="chi bộ")) == {"C1", "C2"}
    assert codes(bob.items("/api/v1/orgs/", q="chi bộ")) == {"C3"}
    assert codes(alice.items("/api/v1/orgs/", q="c3")) == set()
    assert codes(bob.items("/api/v1/orgs/", q="c3")) == {"C3"}
    # below a parent: its subtree, not the parent itself
    assert codes(alice.items("/api/v1/orgs/", parent="G1", q="chi")) == {"C1"}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/orgs/?parent=D2",
        "/api/v1/orgs/?parent=C3&q=chi",
        "/api/v1/orgs/BT",
        "/api/v1/orgs/D2",
        "/api/v1/orgs/C3/children",
        "/api/v1/members/?org=C3",
        "/api/v1/events/?org=D2",
        "/api/v1/orgs/NOPE",
        "/api/v1/members/?org=NOPE",
        "/api/v1/events/?org=NOPE",
    ],
)
def test_foreign_and_missing_units_are_the_same_404(alice, url):
    response = alice.client.get(url)
    assert_error(response, 404, "not_found")
    assert set(response.json()) == {"code", "message"}


def test_a_unit_and_its_children_open_in_scope(alice):
    assert alice.ok("/api/v1/orgs/G1")["parent_code"] == "D1"
    assert codes(alice.items("/api/v1/orgs/D1/children")) == {"G1", "C2"}


# --- members -------------------------------------------------------------------------------


def test_each_clerk_lists_only_the_members_of_their_subtree(alice, bob):
    assert codes(alice.items("/api/v1/members/"), "member_id") == D1_MEMBERS
    assert codes(bob.items("/api/v1/members/"), "member_id") == D2_MEMBERS
    for query in ["le hai", "M-HAI", "nguyen"]:
        assert codes(bob.items("/api/v1/members/", q=query), "member_id") <= D2_MEMBERS


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"org": "G1"}, {"M-MINH", "M-DUC"}),
        ({"org": "C2"}, {"M-LAN"}),
        ({"q": "nguyen van duc"}, {"M-DUC"}),
        ({"q": "012345678901"}, {"M-DUC"}),
        ({"status": "probationary"}, {"M-LAN"}),
        ({"status": "official"}, {"M-MINH", "M-DUC"}),
        ({"status": "live"}, D1_MEMBERS),
        ({"status": "removed"}, set()),
        ({"gender": "female"}, {"M-LAN"}),
        ({"gender": "male", "org": "C1"}, {"M-MINH", "M-DUC"}),
        ({"occupation": "other"}, D1_MEMBERS),
        ({"occupation": "teacher"}, set()),
    ],
)
def test_the_member_filters(alice, params, expected):
    assert codes(alice.items("/api/v1/members/", **params), "member_id") == expected


def test_the_occupation_filter_combines_with_the_unit(world, alice):
    make_member(world.org("C2"), "M-TEACH", "Võ Thị Giáo", occupation="teacher")
    assert codes(alice.items("/api/v1/members/", occupation="teacher"), "member_id") == {"M-TEACH"}
    assert alice.items("/api/v1/members/", occupation="teacher", org="G1") == []


def test_members_come_in_vietnamese_name_order(alice):
    # by given name: Đức < Lan < Minh
    names = [m["full_name"] for m in alice.items("/api/v1/members/")]
    assert names == ["Nguyễn Văn Đức", "Trần Thị Lan", "Nguyễn Văn Minh"]


def test_a_foreign_member_is_404_like_a_missing_one(world, alice):
    hai = world.members["hai"]
    for url in [f"/api/v1/members/{hai.pk}", f"/api/v1/members/{hai.pk}/events"]:
        assert_error(alice.get(url), 404, "not_found")
    assert_error(alice.get("/api/v1/members/9223372036854775807"), 404, "not_found")
    assert alice.ok(f"/api/v1/members/{world.members['duc'].pk}")["member_id"] == "M-DUC"


# --- events --------------------------------------------------------------------------------


def test_each_clerk_lists_the_events_of_their_units(alice, bob):
    alice_events = alice.items("/api/v1/events/")
    assert codes(alice_events, "member_id") == D1_MEMBERS
    assert codes(alice_events, "org_code") == {"C1", "C2"}
    assert len(alice_events) == 5  # Minh and Đức admitted and recognized, Lan admitted
    bob_events = bob.items("/api/v1/events/")
    assert codes(bob_events, "member_id") == D2_MEMBERS
    assert "Nguyễn" not in str(bob_events)


def test_events_come_by_date_then_id(alice):
    rows = alice.items("/api/v1/events/")
    assert rows == sorted(rows, key=lambda e: (e["date"], e["id"]))


def test_the_event_filters(alice):
    assert codes(alice.items("/api/v1/events/", org="C2"), "member_id") == {"M-LAN"}
    recognized = alice.items("/api/v1/events/", kind="recognized")
    assert {(e["member_id"], e["kind"]) for e in recognized} == {
        ("M-MINH", "recognized"),
        ("M-DUC", "recognized"),
    }
    # the dates are inclusive at both ends
    on_the_day = alice.items("/api/v1/events/", start="2013-05-02", end="2013-05-02")
    assert len(on_the_day) == 2
    assert alice.items("/api/v1/events/", start="2013-05-03", end="2025-08-31") == []
    assert codes(alice.items("/api/v1/events/", start="2025-01-01"), "member_id") == {"M-LAN"}
    assert len(alice.items("/api/v1/events/", end="2012-05-01")) == 2


def test_a_transfer_belongs_to_the_destination_and_history_stays_home(world, alice, bob):
    duc = world.members["duc"]
    event_record(
        actor=world.users["olga"],
        member=duc,
        kind="transferred",
        date=dt.date(2024, 3, 15),
        org=world.org("C3"),
    )
    transfer = bob.items("/api/v1/events/", kind="transferred")
    assert [(e["member_id"], e["org_code"]) for e in transfer] == [("M-DUC", "C3")]
    assert alice.items("/api/v1/events/", kind="transferred") == []
    # Đức's admission is still part of C1's history
    assert "M-DUC" in codes(alice.items("/api/v1/events/", kind="admitted"), "member_id")


def test_voided_events_and_corrections_are_left_out(world, alice):
    minh = world.members["minh"]
    wrong = event_record(
        actor=world.users["alice"], member=minh, kind="died", date=dt.date(2024, 1, 1)
    )
    event_void(actor=world.users["alice"], event=wrong, reason="Nhập nhầm")
    assert MemberEvent.objects.filter(member=minh, kind="voided").exists()
    kinds = {e["kind"] for e in alice.items("/api/v1/events/")}
    assert kinds == {"admitted", "recognized"}
    # the member's own timeline still shows both, the wrong one marked
    timeline = alice.ok(f"/api/v1/members/{minh.pk}/events")
    assert ("died", True) in {(e["kind"], e["voided"]) for e in timeline}
    assert "voided" in {e["kind"] for e in timeline}


def test_a_member_without_units_lists_no_events(world):
    minh = Api(world, "minh")
    assert minh.items("/api/v1/events/") == []
    assert_error(minh.get("/api/v1/events/", org="C1"), 404, "not_found")


# --- pagination ----------------------------------------------------------------------------


def test_pages_hold_limit_rows_from_offset_and_the_full_count(alice):
    everything = alice.ok("/api/v1/events/")
    assert everything["count"] == 5
    page = alice.ok("/api/v1/events/", limit=2, offset=1)
    assert page["count"] == 5
    assert page["items"] == everything["items"][1:3]
    assert alice.ok("/api/v1/events/", limit=2, offset=4)["items"] == everything["items"][4:]
    assert alice.ok("/api/v1/events/", offset=50)["items"] == []


def test_the_limit_tops_out_at_500(alice):
    assert alice.ok("/api/v1/members/", limit=500)["count"] == 3
    body = assert_error(alice.get("/api/v1/members/", limit=501), 422, "invalid")
    assert body["errors"] == [
        {
            "loc": ["query", "limit"],
            "type": "less_than_equal",
            "message": body["errors"][0]["message"],
        }
    ]
    assert "500" in body["errors"][0]["message"]


# --- bad input is a JSON 4xx, never a 500 --------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/members/?limit=-5", "limit"),
        ("/api/v1/members/?limit=0", "limit"),
        ("/api/v1/members/?limit=abc", "limit"),
        ("/api/v1/orgs/?offset=-1", "offset"),
        ("/api/v1/orgs/?offset=99999999999999999999999", "offset"),
        ("/api/v1/orgs/?limit=99999999999999999999999", "limit"),
        ("/api/v1/events/?start=notadate", "start"),
        ("/api/v1/events/?end=2024-02-30", "end"),
        ("/api/v1/events/?start=2024-05-01&end=2024-04-30", "end"),
        ("/api/v1/events/?kind=exploded", "kind"),
        ("/api/v1/events/?kind=voided", "kind"),
        ("/api/v1/members/?status=sleeping", "status"),
        ("/api/v1/members/?occupation=astronaut", "occupation"),
        ("/api/v1/members/?gender=x", "gender"),
        ("/api/v1/members/?q=a%00b", "q"),
        ("/api/v1/members/?q=" + "x" * 201, "q"),
        ("/api/v1/members/?org=" + "X" * 33, "org"),
        ("/api/v1/orgs/?parent=D%001", "parent"),
        ("/api/v1/orgs/D%001", "code"),
        ("/api/v1/members/abc", "member_id"),
        ("/api/v1/members/0", "member_id"),
        ("/api/v1/members/99999999999999999999999", "member_id"),
        ("/api/v1/members/-3/events", "member_id"),
    ],
)
def test_bad_parameters_get_a_json_422_naming_the_parameter(alice, url, field):
    body = assert_error(alice.client.get(url), 422, "invalid")
    assert set(body) == {"code", "message", "errors"}
    assert [e["loc"][-1] for e in body["errors"]] == [field], body
    assert all(e["message"] for e in body["errors"])


def test_error_messages_follow_the_callers_language(alice):
    vi = alice.client.get("/api/v1/events/?start=notadate", HTTP_ACCEPT_LANGUAGE="vi").json()
    en = alice.client.get("/api/v1/events/?start=notadate", HTTP_ACCEPT_LANGUAGE="en").json()
    assert en["message"] == "Some parameters are not valid."
    assert en["errors"][0]["message"] == "Enter a date as YYYY-MM-DD."
    assert vi["message"] != en["message"]
    assert vi["errors"][0]["message"] != en["errors"][0]["message"]
    missing_vi = alice.client.get("/api/v1/orgs/NOPE", HTTP_ACCEPT_LANGUAGE="vi").json()
    missing_en = alice.client.get("/api/v1/orgs/NOPE", HTTP_ACCEPT_LANGUAGE="en").json()
    assert missing_en["message"] == "Not found." and missing_vi["message"] != "Not found."

"""The audit trail (chibo.core.audit, chibo.core.models.AuditEntry)."""

import datetime as dt
from decimal import Decimal

import pytest

from chibo.core.audit import audit_record, diff, snapshot
from chibo.core.middleware import current_request_id
from chibo.core.models import AuditEntry


def test_it_records_the_system_as_actor_when_there_is_no_user(world):
    # given a unit
    c1 = world.org("C1")
    # when the system records an action on it
    entry = audit_record(actor=None, action="test.act", obj=c1, org_id=c1.pk)
    # then the row names the system and the object
    entry.refresh_from_db()
    assert entry.actor is None
    assert entry.actor_label == "system"
    assert (entry.object_type, entry.object_id) == ("orgs.organization", str(c1.pk))
    assert entry.object_label == c1.name
    assert entry.org_id == c1.pk


def test_it_records_the_user_who_acted(world):
    alice, c1 = world.users["alice"], world.org("C1")
    entry = audit_record(actor=alice, action="test.act", obj=c1, label="custom label")
    assert entry.actor == alice
    assert entry.actor_label == "alice"
    assert entry.object_label == "custom label"


def test_it_stores_changes_as_plain_json(world):
    c1, c2 = world.org("C1"), world.org("C2")
    entry = audit_record(
        actor=None,
        action="test.act",
        obj=c1,
        changes={
            "day": dt.date(2024, 2, 29),
            "share": Decimal("103.55"),
            "unit": c2,
            "pair": [dt.date(2020, 1, 1), c2],
            "nested": {"at": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)},
        },
    )
    entry.refresh_from_db()
    assert entry.changes == {
        "day": "2024-02-29",
        "share": "103.55",
        "unit": c2.pk,
        "pair": ["2020-01-01", c2.pk],
        "nested": {"at": "2024-01-02T03:04:05+00:00"},
    }


def test_it_carries_the_request_id(world):
    token = current_request_id.set("req-42")
    try:
        entry = audit_record(actor=None, action="test.act", obj=world.org("C1"))
    finally:
        current_request_id.reset(token)
    assert entry.request_id == "req-42"


def test_entries_are_append_only(world):
    entry = audit_record(actor=None, action="test.act", obj=world.org("C1"))
    entry.action = "tampered"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.act"


def test_diff_keeps_only_changed_fields_as_old_new_pairs():
    before = {"name": "A", "day": dt.date(2020, 1, 1), "same": 1}
    after = {"name": "B", "day": dt.date(2020, 1, 2), "same": 1}
    assert diff(before, after) == {"name": ["A", "B"], "day": ["2020-01-01", "2020-01-02"]}


def test_diff_sees_a_new_field_as_changed_from_none():
    assert diff({}, {"phone": "0909"}) == {"phone": [None, "0909"]}


def test_snapshot_reads_plain_values(world):
    c1 = world.org("C1")
    assert snapshot(c1, ["code", "established_on", "parent"]) == {
        "code": "C1",
        "established_on": "2000-01-01",
        "parent": world.org("G1").pk,
    }

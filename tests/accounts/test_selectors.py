"""The audit trail of a scope (chibo.accounts.selectors)."""

from chibo.accounts.access import scope_for
from chibo.accounts.selectors import audit_list
from chibo.core.audit import audit_record
from chibo.core.models import AuditEntry
from chibo.core.scope import Scope


def test_a_clerk_sees_the_entries_of_their_subtree_but_not_the_siblings(world):
    alice = scope_for(world.users["alice"])
    orgs = {e.org_id for e in audit_list(scope=alice)}
    d1_subtree = {world.org(c).pk for c in ("D1", "G1", "C1", "C2")}
    assert orgs
    assert orgs <= d1_subtree | {None}
    assert world.org("C3").pk not in orgs
    assert world.org("BT").pk not in orgs


def test_the_officer_sees_every_entry_of_the_province(world):
    olga = scope_for(world.users["olga"])
    with_org = AuditEntry.objects.exclude(org_id=None).count()
    assert audit_list(scope=olga).exclude(org_id=None).count() == with_org


def test_everyone_sees_their_own_acts(world):
    charlie = world.users["charlie"]
    mine = audit_record(actor=charlie, action="test.own", obj=world.org("C3"))
    assert list(audit_list(scope=scope_for(charlie))) == [mine]


def test_an_anonymous_scope_sees_nothing(world):
    assert not audit_list(scope=Scope()).exists()


def test_it_filters_by_action_prefix_and_object(world):
    olga = scope_for(world.users["olga"])
    events = audit_list(scope=olga, action="member.event")
    assert events.exists()
    assert all(e.action.startswith("member.event.") for e in events)
    duc = world.members["duc"]
    about_duc = audit_list(scope=olga, object_type="members.member", object_id=str(duc.pk))
    assert {e.object_id for e in about_duc} == {str(duc.pk)}
    assert about_duc.filter(action="member.create").count() == 1


def test_newest_entries_come_first(world):
    entries = list(audit_list(scope=scope_for(world.users["olga"])))
    assert entries == sorted(entries, key=lambda e: (e.created_at, e.id), reverse=True)

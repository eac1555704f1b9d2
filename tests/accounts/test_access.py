"""The one scoping mechanism (chibo.accounts.access)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from chibo.accounts.access import access_org, requires_2fa, scope_for
from chibo.accounts.models import Role, User
from chibo.accounts.services import role_grant
from chibo.core.errors import PermissionDenied
from chibo.orgs.services import org_establish


def paths(world, *codes: str) -> tuple[str, ...]:
    return tuple(world.org(code).path for code in codes)


def test_the_provincial_officer_sees_and_writes_the_whole_province(world):
    scope = scope_for(world.users["olga"])
    assert scope.read_prefixes == paths(world, "BT")
    assert scope.write_prefixes == paths(world, "BT")
    assert scope.labels == ("officer",)


@pytest.mark.parametrize(("persona", "code"), [("alice", "D1"), ("bob", "D2")])
def test_a_district_clerk_sees_and_writes_only_their_district(world, persona, code):
    scope = scope_for(world.users[persona])
    assert scope.read_prefixes == paths(world, code)
    assert scope.write_prefixes == paths(world, code)
    assert scope.user_id == world.users[persona].pk
    assert scope.member_id is None


def test_the_cell_secretary_reads_only_their_cell(world):
    scope = scope_for(world.users["sam"])
    assert scope.read_prefixes == paths(world, "C1")
    assert scope.write_prefixes == ()


def test_an_account_without_a_role_sees_nothing(world):
    scope = scope_for(world.users["charlie"])
    assert scope.is_empty
    assert scope.write_prefixes == ()
    assert scope.member_id is None


def test_a_member_sees_only_themself(world):
    scope = scope_for(world.users["minh"])
    assert scope.is_empty
    assert scope.member_id == world.members["minh"].pk


@pytest.mark.parametrize("user", [None, AnonymousUser()])
def test_anyone_not_logged_in_has_an_empty_scope(world, user):
    scope = scope_for(user)
    assert scope.is_empty
    assert scope.user_id is None


def test_an_administrator_account_sees_every_root(world):
    root = User.objects.create_superuser(username="root", password="x")
    second = org_establish(
        actor=None,
        parent=None,
        code="LA",
        name="Tỉnh ủy Long An",
        kind="provincial_committee",
        sector="other",
    )
    scope = scope_for(root)
    assert scope.read_prefixes == (world.org("BT").path, second.path)
    assert scope.write_prefixes == scope.read_prefixes


def test_overlapping_roles_collapse_to_the_widest(world):
    alice = world.users["alice"]
    role_grant(actor=None, user=alice, org=world.org("G1"), kind=Role.Kind.SECRETARY)
    role_grant(actor=None, user=alice, org=world.org("C3"), kind=Role.Kind.SECRETARY)
    scope = scope_for(alice)
    assert scope.read_prefixes == paths(world, "D1", "C3")
    assert scope.write_prefixes == paths(world, "D1")
    assert scope.labels == ("clerk", "secretary")


# --- access_org ------------------------------------------------------------------------


def test_it_gives_a_unit_in_scope(world):
    alice = scope_for(world.users["alice"])
    assert access_org(alice, world.org("C1").pk) == world.org("C1")
    assert access_org(alice, "C2", by_code=True) == world.org("C2")
    assert access_org(alice, str(world.org("G1").pk), for_write=True) == world.org("G1")


@pytest.mark.parametrize(("persona", "code"), [("alice", "C3"), ("alice", "BT"), ("bob", "C1")])
def test_a_unit_outside_the_scope_is_not_found(world, persona, code):
    scope = scope_for(world.users[persona])
    with pytest.raises(Http404):
        access_org(scope, world.org(code).pk)
    with pytest.raises(Http404):
        access_org(scope, code, by_code=True)
    with pytest.raises(Http404):
        access_org(scope, world.org(code).pk, for_write=True)


@pytest.mark.parametrize("persona", ["charlie", "minh"])
def test_no_unit_is_found_for_someone_without_a_unit(world, persona):
    with pytest.raises(Http404):
        access_org(scope_for(world.users[persona]), world.org("C1").pk)


@pytest.mark.parametrize("bad_id", ["abc", "", None, 10**9])
def test_a_malformed_or_unknown_id_is_not_found(world, bad_id):
    with pytest.raises(Http404):
        access_org(scope_for(world.users["olga"]), bad_id)


def test_writing_to_a_unit_one_may_only_read_is_denied(world):
    sam = scope_for(world.users["sam"])
    assert access_org(sam, world.org("C1").pk) == world.org("C1")
    with pytest.raises(PermissionDenied):
        access_org(sam, world.org("C1").pk, for_write=True)


def test_two_factor_is_required_only_by_a_role_that_says_so(world):
    assert not requires_2fa(world.users["alice"])
    role_grant(
        actor=None, user=world.users["alice"], org=world.org("D1"), kind="clerk", require_2fa=True
    )
    assert requires_2fa(world.users["alice"])
    assert not requires_2fa(world.users["bob"])

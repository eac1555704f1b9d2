"""Scopes as organization path prefixes (chibo.core.scope)."""

from chibo.core.scope import Scope, minimal_prefixes
from chibo.members.models import Member
from chibo.orgs.models import Organization


def test_an_empty_scope_reads_nothing(world):
    scope = Scope()
    assert scope.is_empty
    assert not Organization.objects.filter(scope.path_q()).exists()
    assert not Member.objects.filter(scope.path_q("org__path")).exists()


def test_a_prefix_covers_the_whole_subtree_and_nothing_beside_it(world):
    d1 = world.org("D1")
    scope = Scope(read_prefixes=(d1.path,))
    codes = set(Organization.objects.filter(scope.path_q()).values_list("code", flat=True))
    assert codes == {"D1", "G1", "C1", "C2"}
    assert scope.can_read_path(world.org("C1").path)
    assert not scope.can_read_path(world.org("C3").path)
    assert not scope.can_read_path(world.org("BT").path)


def test_write_prefixes_are_separate_from_read_prefixes(world):
    bt, c1 = world.org("BT"), world.org("C1")
    scope = Scope(read_prefixes=(bt.path,), write_prefixes=(c1.path,))
    assert scope.can_write_path(c1.path)
    assert not scope.can_write_path(world.org("C2").path)
    written = set(
        Organization.objects.filter(scope.path_q(write=True)).values_list("code", flat=True)
    )
    assert written == {"C1"}


def test_a_scope_without_write_prefixes_writes_nothing(world):
    scope = Scope(read_prefixes=(world.org("BT").path,))
    assert not Organization.objects.filter(scope.path_q(write=True)).exists()


def test_only_units_strictly_below_a_write_root_can_be_restructured(world):
    d1 = world.org("D1")
    scope = Scope(read_prefixes=(d1.path,), write_prefixes=(d1.path,))
    assert not scope.can_restructure_path(d1.path)
    assert scope.can_restructure_path(world.org("G1").path)
    assert not scope.can_restructure_path(world.org("C3").path)


def test_path_q_filters_members_through_their_unit(world):
    scope = Scope(read_prefixes=(world.org("G1").path,))
    codes = set(
        Member.objects.filter(scope.path_q("org__path")).values_list("member_code", flat=True)
    )
    assert codes == {"M-MINH", "M-DUC"}


def test_minimal_prefixes_drops_covered_ones():
    assert minimal_prefixes(["0001", "00010002", "0003", "0001"]) == ("0001", "0003")
    assert minimal_prefixes(["000100020001", "00010002"]) == ("00010002",)
    assert minimal_prefixes([]) == ()

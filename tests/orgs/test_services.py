"""Writes to the tree (chibo.orgs.services)."""

import datetime as dt

import pytest
from django.utils import translation

from chibo.core.errors import RuleViolation, StaleEdit
from chibo.core.models import AuditEntry
from chibo.members.models import Member, MemberEvent
from chibo.orgs.models import Organization, OrgDecision
from chibo.orgs.services import (
    Decision,
    mark_dissolved,
    org_establish,
    org_move,
    org_rename,
)

DECISION = Decision(number="12-QĐ/TU", date=dt.date(2024, 3, 1), issuer="Ban Thường vụ Tỉnh ủy")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def counts() -> tuple[int, ...]:
    return (
        MemberEvent.objects.count(),
        Member.objects.count(),
        Organization.objects.count(),
        AuditEntry.objects.count(),
        OrgDecision.objects.count(),
    )


def assert_tree_is_consistent() -> None:
    """Every path extends its parent's by one step; numchild counts the children."""
    for org in Organization.objects.select_related("parent"):
        if org.parent is None:
            assert org.depth == 1
            assert len(org.path) == 4
        else:
            assert org.path.startswith(org.parent.path), org.code
            assert len(org.path) == len(org.parent.path) + 4, org.code
            assert org.depth == org.parent.depth + 1, org.code
        assert org.numchild == Organization.objects.filter(parent=org).count(), org.code


def establish(parent, code, kind, **extra):
    return org_establish(
        actor=None,
        parent=parent,
        code=code,
        name=extra.pop("name", f"Unit {code}"),
        kind=kind,
        sector=extra.pop("sector", "commune"),
        **extra,
    )


# --- establish -------------------------------------------------------------------------


def test_it_establishes_a_unit_under_its_parent_with_decision_and_audit(world):
    # given a grassroots committee
    g1 = world.org("G1")
    alice = world.users["alice"]
    # when a partial committee is established under it by decision
    org = org_establish(
        actor=alice,
        parent=g1,
        code="P1",
        name="Đảng bộ bộ phận thôn 2",
        kind="partial_committee",
        sector="commune",
        decision=DECISION,
    )
    # then it hangs one step under G1, G1 counts one more child, the decision is kept
    assert org.path.startswith(g1.path)
    assert org.depth == g1.depth + 1
    assert world.org("G1").numchild == 2
    assert org.established_on == DECISION.date
    decision = OrgDecision.objects.get(org=org)
    assert (decision.kind, decision.decision_no, decision.issuer) == (
        "established",
        "12-QĐ/TU",
        "Ban Thường vụ Tỉnh ủy",
    )
    entry = AuditEntry.objects.get(action="org.establish", object_id=str(org.pk))
    assert entry.actor == alice
    assert entry.changes["parent"] == "G1"
    assert entry.changes["kind"] == "partial_committee"
    assert_tree_is_consistent()


def test_siblings_get_consecutive_steps(world):
    d2 = world.org("D2")
    first = establish(d2, "C4", "grassroots_cell")
    second = establish(d2, "C5", "grassroots_cell")
    assert first.path[:-4] == second.path[:-4] == d2.path
    assert second.path > first.path > world.org("C3").path
    assert_tree_is_consistent()


def test_it_establishes_a_second_province_as_a_root(world):
    root = establish(None, "LA", "provincial_committee")
    assert root.depth == 1
    assert root.parent is None
    assert root.path > world.org("BT").path


@pytest.mark.parametrize(
    ("kind", "parent_code"),
    [
        ("subordinate_cell", "D1"),  # a subordinate cell belongs to a grassroots committee
        ("grassroots_cell", "G1"),
        ("partial_committee", "D1"),
        ("upper_committee", "D1"),
        ("grassroots_committee", "C2"),
        ("provincial_committee", "BT"),
    ],
)
def test_it_refuses_a_kind_that_cannot_sit_under_the_parent(world, kind, parent_code):
    parent = world.org(parent_code)
    before = counts()
    with pytest.raises(RuleViolation, match="cannot be placed under") as exc:
        establish(parent, "NEW", kind, decision=DECISION)
    assert exc.value.field == "kind"
    assert counts() == before
    assert world.org(parent_code).numchild == parent.numchild


def test_it_refuses_an_unknown_kind(world):
    before = counts()
    with pytest.raises(RuleViolation, match="Unknown kind"):
        establish(world.org("D1"), "NEW", "village_club")
    assert counts() == before


def test_only_a_central_or_provincial_committee_stands_at_the_top(world):
    before = counts()
    with pytest.raises(RuleViolation, match="top"):
        establish(None, "NEW", "grassroots_cell")
    assert counts() == before


def test_it_refuses_a_duplicate_code(world):
    before = counts()
    with pytest.raises(RuleViolation, match="already used") as exc:
        establish(world.org("D2"), "C1", "grassroots_cell")
    assert exc.value.field == "code"
    assert counts() == before


@pytest.mark.parametrize(
    "decision",
    [
        Decision(number="", date=dt.date(2024, 1, 1), issuer="Tỉnh ủy"),
        Decision(number="   ", date=dt.date(2024, 1, 1), issuer="Tỉnh ủy"),
        Decision(number="1-QĐ", date=dt.date(2024, 1, 1), issuer=""),
        Decision(number="1-QĐ", date=None, issuer="Tỉnh ủy"),  # type: ignore[arg-type]
    ],
)
def test_it_refuses_a_decision_missing_a_part(world, decision):
    before = counts()
    with pytest.raises(RuleViolation, match="number, date and issuing body"):
        establish(world.org("D2"), "NEW", "grassroots_cell", decision=decision)
    assert counts() == before


@pytest.mark.parametrize(("code", "name"), [("", "Chi bộ"), ("  ", "Chi bộ"), ("X9", "  ")])
def test_it_refuses_a_unit_without_code_or_name(world, code, name):
    before = counts()
    with pytest.raises(RuleViolation, match="code and a name"):
        establish(world.org("D2"), code, "grassroots_cell", name=name)
    assert counts() == before


def test_it_refuses_a_unit_under_a_dissolved_parent(world):
    g1 = world.org("G1")
    mark_dissolved(g1, day=dt.date(2020, 1, 1))
    before = counts()
    with pytest.raises(RuleViolation, match="dissolved"):
        establish(g1, "NEW", "subordinate_cell")
    assert counts() == before


# --- rename ----------------------------------------------------------------------------


def test_it_renames_by_decision_and_records_both_names(world):
    c2 = world.org("C2")
    alice = world.users["alice"]
    org = org_rename(
        actor=alice,
        org=c2,
        name="Chi bộ trường THPT A",
        sector="public_service",
        decision=DECISION,
        version=c2.version,
    )
    assert (org.name, org.sector, org.version) == ("Chi bộ trường THPT A", "public_service", 2)
    decision = OrgDecision.objects.get(org=c2, kind="renamed")
    assert decision.details == {"old_name": "Chi bộ trường A", "new_name": "Chi bộ trường THPT A"}
    entry = AuditEntry.objects.get(action="org.rename")
    assert entry.changes == {
        "name": ["Chi bộ trường A", "Chi bộ trường THPT A"],
        "sector": ["school", "public_service"],
    }
    assert entry.actor == alice


def test_it_refuses_a_rename_from_a_stale_form(world):
    # given Alice opened C2 at version 1 and someone renamed it meanwhile
    c2 = world.org("C2")
    opened_version = c2.version
    org_rename(actor=None, org=c2, name="Chi bộ B", decision=DECISION, version=opened_version)
    before = counts()
    # when Alice saves her form
    with pytest.raises(StaleEdit):
        org_rename(
            actor=world.users["alice"],
            org=c2,
            name="Chi bộ C",
            decision=DECISION,
            version=opened_version,
        )
    # then nothing changed
    assert counts() == before
    assert world.org("C2").name == "Chi bộ B"


def test_it_refuses_to_rename_a_dissolved_unit_or_to_an_empty_name(world):
    c2 = world.org("C2")
    before = counts()
    with pytest.raises(RuleViolation, match="needs a name"):
        org_rename(actor=None, org=c2, name="  ", decision=DECISION)
    mark_dissolved(c2, day=dt.date(2020, 1, 1))
    with pytest.raises(RuleViolation, match="dissolved"):
        org_rename(actor=None, org=c2, name="Chi bộ B", decision=DECISION)
    assert counts() == before


def test_it_refuses_a_rename_without_a_decision_number(world):
    before = counts()
    with pytest.raises(RuleViolation):
        org_rename(
            actor=None,
            org=world.org("C2"),
            name="Chi bộ B",
            decision=Decision(number="", date=dt.date(2024, 1, 1), issuer="Tỉnh ủy"),
        )
    assert counts() == before


# --- move ------------------------------------------------------------------------------


def test_it_moves_a_unit_with_its_whole_subtree(world):
    # given G1 (with C1 and a partial committee holding a cell) under D1
    g1 = world.org("G1")
    p1 = establish(g1, "P1", "partial_committee")
    c5 = establish(p1, "C5", "subordinate_cell")
    d2 = world.org("D2")
    children_before = {code: world.org(code).numchild for code in ("D1", "D2")}
    version_before = g1.version
    old_paths = {code: world.org(code).path for code in ("G1", "C1")}
    # when G1 is moved under D2
    moved = org_move(actor=world.users["olga"], org=g1, new_parent=d2, decision=DECISION)
    # then every unit below follows, one level deeper than D2
    assert moved.parent_id == d2.pk
    assert moved.path.startswith(d2.path)
    assert moved.depth == d2.depth + 1
    for org, depth in ((world.org("C1"), 4), (Organization.objects.get(pk=p1.pk), 4)):
        assert org.path.startswith(moved.path)
        assert org.depth == depth
    c5 = Organization.objects.get(pk=c5.pk)
    assert c5.path.startswith(moved.path)
    assert c5.depth == 5
    assert world.org("C1").path != old_paths["C1"]
    assert not Organization.objects.filter(path__startswith=old_paths["G1"]).exists()
    # the old and the new parent count their children again
    assert world.org("D1").numchild == children_before["D1"] - 1
    assert world.org("D2").numchild == children_before["D2"] + 1
    assert moved.version == version_before + 1
    assert_tree_is_consistent()


def test_members_stay_in_their_units_when_a_unit_moves(world):
    g1, d2 = world.org("G1"), world.org("D2")
    events_before = MemberEvent.objects.count()
    org_move(actor=None, org=g1, new_parent=d2, decision=DECISION)
    minh = Member.objects.get(pk=world.members["minh"].pk)
    assert minh.org_id == world.org("C1").pk
    assert minh.org.path.startswith(world.org("D2").path)
    assert MemberEvent.objects.count() == events_before


def test_a_move_records_its_decision_and_audit_row(world):
    org_move(
        actor=world.users["olga"],
        org=world.org("G1"),
        new_parent=world.org("D2"),
        decision=DECISION,
    )
    decision = OrgDecision.objects.get(kind="moved")
    assert decision.details == {"old_parent": "D1", "new_parent": "D2"}
    assert decision.decision_no == DECISION.number
    entry = AuditEntry.objects.get(action="org.move")
    assert entry.changes == {"parent": ["D1", "D2"]}
    assert entry.actor == world.users["olga"]


@pytest.mark.parametrize(("code", "target"), [("G1", "C1"), ("D1", "G1"), ("D1", "D1")])
def test_it_refuses_to_move_a_unit_under_itself_or_its_subtree(world, code, target):
    before = counts()
    paths = dict(Organization.objects.values_list("code", "path"))
    with pytest.raises(RuleViolation, match="under itself or its own subunits"):
        org_move(actor=None, org=world.org(code), new_parent=world.org(target), decision=DECISION)
    assert counts() == before
    assert dict(Organization.objects.values_list("code", "path")) == paths


def test_it_refuses_a_move_to_the_current_parent(world):
    before = counts()
    with pytest.raises(RuleViolation, match="already under"):
        org_move(actor=None, org=world.org("G1"), new_parent=world.org("D1"), decision=DECISION)
    assert counts() == before


def test_it_refuses_a_move_under_a_unit_of_the_wrong_kind(world):
    # a grassroots cell cannot go inside a grassroots committee
    before = counts()
    paths = dict(Organization.objects.values_list("code", "path"))
    with pytest.raises(RuleViolation, match="cannot be placed under"):
        org_move(actor=None, org=world.org("C2"), new_parent=world.org("G1"), decision=DECISION)
    assert counts() == before
    assert dict(Organization.objects.values_list("code", "path")) == paths


def test_it_refuses_to_move_a_dissolved_unit_or_under_a_dissolved_one(world):
    c4 = establish(world.org("D2"), "C4", "grassroots_cell")
    mark_dissolved(c4, day=dt.date(2020, 1, 1))
    before = counts()
    with pytest.raises(RuleViolation, match="dissolved"):
        org_move(actor=None, org=c4, new_parent=world.org("D1"), decision=DECISION)
    d3 = establish(world.org("BT"), "D3", "upper_committee")
    mark_dissolved(d3, day=dt.date(2020, 1, 1))
    before = counts()
    with pytest.raises(RuleViolation, match="dissolved"):
        org_move(actor=None, org=world.org("C2"), new_parent=d3, decision=DECISION)
    assert counts() == before


def test_moving_back_and_forth_keeps_the_tree_consistent(world):
    g1 = world.org("G1")
    org_move(actor=None, org=g1, new_parent=world.org("D2"), decision=DECISION)
    org_move(actor=None, org=world.org("G1"), new_parent=world.org("D1"), decision=DECISION)
    establish(world.org("G1"), "C9", "subordinate_cell")
    assert_tree_is_consistent()
    assert world.org("C1").path.startswith(world.org("D1").path)


def test_mark_dissolved_sets_the_day_and_successor(world):
    c2, c1 = world.org("C2"), world.org("C1")
    mark_dissolved(c2, day=dt.date(2024, 5, 1), successor=c1)
    c2 = world.org("C2")
    assert c2.status == "dissolved"
    assert c2.dissolved_on == dt.date(2024, 5, 1)
    assert c2.successor == c1
    assert not c2.is_active

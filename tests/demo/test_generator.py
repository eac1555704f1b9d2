"""The demo province (chibo.demo.generator) and the `chibo demo` command.

The generator bypasses the services, so these tests prove its output is what the
services would have written: cached state = replay of the events, kinds under allowed
kinds, consistent paths and counters, users who can log in.
"""

import datetime as dt
import hashlib
import re
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import translation

from chibo.accounts.models import Role, User
from chibo.core.models import AuditEntry
from chibo.core.periods import add_months, full_years_between
from chibo.demo.generator import (
    BASE_MEMBERS,
    DEMO_PASSWORD,
    DEMO_TODAY,
    DEMO_USERS,
    FIELD_COUNTS,
    HISTORY_START,
    ROOT_CODE,
    demo_generate,
)
from chibo.members.models import LIVE_STATUSES, EventKind, Member, MemberEvent, Status
from chibo.members.rules import replay
from chibo.members.services.events import CACHED_FIELDS
from chibo.orgs.kinds import ALLOWED_PARENTS, CELL_KINDS, ROOT_KINDS, Kind, Sector
from chibo.orgs.models import STEP_LENGTH, Organization, OrgDecision

MEMBERS = 1500
SEED = 7


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def demo(db):
    return demo_generate(seed=SEED, members=MEMBERS)


def digest() -> str:
    """Everything a person would see of the generated data, without database ids."""
    h = hashlib.sha256()
    queries = [
        Organization.objects.order_by("path").values_list(
            "path", "depth", "numchild", "code", "name", "kind", "sector", "established_on"
        ),
        Member.objects.order_by("member_code").values_list(
            "member_code", "family_name", "middle_name", "given_name", "birth_date", "gender",
            "ethnicity", "religion", "national_id", "hometown", "education", "occupation",
            "phone", "card_number", "status", "org__code", "temp_org__code", "temp_until",
            "admitted_on", "recognized_on", "status_since", "sort_key",
        ),
        MemberEvent.objects.order_by("member__member_code", "date", "id").values_list(
            "member__member_code", "kind", "date", "org__code", "from_org__code", "temporary",
            "end_date", "decision_no", "decided_by", "reason", "target__date",
            "voided_by__date",
        ),
        User.objects.order_by("username").values_list("username", "first_name", "last_name"),
        Role.objects.order_by("user__username").values_list("user__username", "kind", "org__code"),
    ]  # fmt: skip
    for query in queries:
        for row in query:
            h.update(repr(row).encode())
    return h.hexdigest()


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Organization, OrgDecision, Member, MemberEvent, User, Role, AuditEntry)
    )


def test_the_same_seed_gives_the_same_province(db):
    start = transaction.savepoint()
    demo_generate(seed=SEED, members=MEMBERS)
    first = digest()
    transaction.savepoint_rollback(start)
    assert not Organization.objects.exists()

    demo_generate(seed=SEED, members=MEMBERS)
    assert digest() == first

    transaction.savepoint_rollback(start)
    demo_generate(seed=SEED + 1, members=MEMBERS)
    assert digest() != first


def test_every_member_state_is_the_replay_of_its_effective_events(demo):
    history = defaultdict(list)
    effective = (
        MemberEvent.objects.filter(voided_by__isnull=True)
        .exclude(kind=EventKind.VOIDED)
        .select_related("org")
        .order_by("date", "id")
    )
    for event in effective:
        history[event.member_id].append(event)
    members = list(Member.objects.all())
    assert len(members) > MEMBERS
    for member in members:
        state = replay(history[member.pk], birth_date=member.birth_date)
        cached = {name: getattr(member, name) for name in CACHED_FIELDS}
        assert cached == {name: getattr(state, name) for name in CACHED_FIELDS}, member.member_code


def test_histories_keep_to_the_rules_and_end_by_the_fixed_today(demo):
    events = list(MemberEvent.objects.select_related("member", "org", "from_org", "target"))
    assert max(e.date for e in events) <= DEMO_TODAY
    for member in Member.objects.all():
        age = full_years_between(member.birth_date, member.admitted_on)
        assert 18 <= age <= 60, member.member_code
        if member.recognized_on:
            earliest = add_months(member.admitted_on, 12)
            assert earliest <= member.recognized_on <= add_months(earliest, 3), member.member_code
    for event in events:
        if event.kind == EventKind.TRANSFERRED:
            assert event.from_org is not None and event.from_org != event.org
            assert event.org.kind in CELL_KINDS
            if event.temporary:
                assert event.end_date > event.date
        if event.kind == EventKind.VOIDED:
            assert event.target.voided_by_id == event.pk
            assert event.target.kind == EventKind.TRANSFERRED
    by_kind = Counter(e.kind for e in events if e.voided_by_id is None)
    for kind in (
        EventKind.ADMITTED,
        EventKind.RECOGNIZED,
        EventKind.TRANSFERRED,
        EventKind.DIED,
        EventKind.EXEMPTED,
        EventKind.REMOVED,
        EventKind.PROBATION_FAILED,
    ):
        assert by_kind[kind] > 0, kind
    assert any(e.temporary for e in events)
    admissions = Counter(e.date.year for e in events if e.kind == EventKind.ADMITTED)
    assert all(admissions[year] > 0 for year in range(HISTORY_START.year, DEMO_TODAY.year + 1))
    assert min(admissions) < 2000  # the opening roster brings its own history
    pending = Member.objects.filter(status=Status.PROBATIONARY)
    assert pending.exists()
    assert all(m.admitted_on > DEMO_TODAY - dt.timedelta(days=15 * 31) for m in pending)


def test_members_sit_in_cells_and_units_under_allowed_kinds(demo):
    units = {o.pk: o for o in Organization.objects.all()}
    for unit in units.values():
        if unit.parent_id is None:
            assert unit.kind in ROOT_KINDS
            assert unit.code == ROOT_CODE
        else:
            parent = units[unit.parent_id]
            assert parent.kind in ALLOWED_PARENTS[unit.kind], unit.code
            assert unit.code.startswith(parent.code + "."), unit.code
        assert unit.sector in Sector.values
    for org_id, temp_org_id in Member.objects.values_list("org_id", "temp_org_id"):
        assert units[org_id].kind in CELL_KINDS
        assert temp_org_id is None or units[temp_org_id].kind in CELL_KINDS


def test_paths_depths_and_child_counts_are_consistent(demo):
    units = list(Organization.objects.all())
    by_pk = {u.pk: u for u in units}
    children = Counter(u.parent_id for u in units)
    descendants = defaultdict(set)
    for unit in units:
        assert unit.numchild == children[unit.pk], unit.code
        parent = by_pk.get(unit.parent_id)
        if parent is None:
            assert unit.depth == 1 and len(unit.path) == STEP_LENGTH
            continue
        assert unit.depth == parent.depth + 1, unit.code
        assert unit.path[:-STEP_LENGTH] == parent.path, unit.code
        while parent is not None:
            descendants[parent.pk].add(unit.pk)
            parent = by_pk.get(parent.parent_id)
    for unit in units:
        under = {u.pk for u in units if u.path.startswith(unit.path) and u.pk != unit.pk}
        assert under == descendants[unit.pk], unit.code


def test_the_tree_scales_with_the_members_asked_for(demo):
    kinds = Counter(Organization.objects.values_list("kind", flat=True))
    scale = MEMBERS / BASE_MEMBERS
    assert kinds[Kind.PROVINCIAL_COMMITTEE] == 1
    assert kinds[Kind.UPPER_COMMITTEE] >= 3
    assert kinds[Kind.GRASSROOTS_COMMITTEE] == round(
        FIELD_COUNTS[Kind.GRASSROOTS_COMMITTEE] * scale
    )
    assert kinds[Kind.GRASSROOTS_CELL] == round(FIELD_COUNTS[Kind.GRASSROOTS_CELL] * scale)
    assert kinds[Kind.PARTIAL_COMMITTEE] >= 1
    assert kinds[Kind.SUBORDINATE_CELL] == round(FIELD_COUNTS[Kind.SUBORDINATE_CELL] * scale)
    communes = Organization.objects.filter(name__startswith="Đảng bộ xã ")
    assert communes.exists() and set(communes.values_list("sector", flat=True)) == {"commune"}
    schools = Organization.objects.filter(name__startswith="Chi bộ Trường ")
    assert set(schools.values_list("sector", flat=True)) == {"school"}


def test_members_look_like_a_real_province(demo):
    members = Member.objects.all()
    live = members.filter(status__in=LIVE_STATUSES)
    assert 0.8 * MEMBERS <= live.count() <= 1.2 * MEMBERS
    families = Counter(members.values_list("family_name", flat=True))
    assert 0.30 <= families["Nguyễn"] / members.count() <= 0.46
    assert Counter(live.values_list("ethnicity", flat=True)).most_common(1)[0][0] == "Kinh"
    ids = [i for i in members.values_list("national_id", flat=True) if i]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"\d{12}", i) for i in ids)
    assert all(live.values_list("national_id", flat=True))
    for status, card in members.values_list("status", "card_number"):
        if status in (Status.OFFICIAL, Status.EXEMPTED):
            assert re.fullmatch(r"48\.\d{6}", card)
        else:
            assert card is None
    assert members.filter(family_name="Nguyễn", middle_name="Thị", gender="female").exists()
    assert not members.filter(middle_name="Thị", gender="male").exists()


def test_the_demo_users_have_their_roles_and_can_log_in(demo, client):
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERS)}
    assert set(users) == set(DEMO_USERS)
    roles = {r.user.username: r for r in Role.objects.select_related("user", "org")}
    root = Organization.objects.get(code=ROOT_CODE)
    assert roles["officer"].kind == Role.Kind.OFFICER and roles["officer"].org == root
    assert roles["admin"].kind == Role.Kind.ADMIN and roles["admin"].org == root
    assert users["admin"].is_staff and users["admin"].is_superuser
    clerk_a, clerk_b = roles["clerk_a"].org, roles["clerk_b"].org
    assert {roles["clerk_a"].kind, roles["clerk_b"].kind} == {Role.Kind.CLERK}
    assert clerk_a != clerk_b and clerk_a.parent_id == clerk_b.parent_id == root.pk
    assert clerk_a.kind == clerk_b.kind == Kind.UPPER_COMMITTEE
    cell = roles["secretary"].org
    assert roles["secretary"].kind == Role.Kind.SECRETARY
    assert cell.kind == Kind.SUBORDINATE_CELL and cell.path.startswith(clerk_a.path)
    assert Member.objects.filter(org=cell, status__in=LIVE_STATUSES).count() >= 3
    member = Member.objects.get(user=users["member"])
    assert member.org == cell and member.status in LIVE_STATUSES
    assert "member" not in roles
    assert not Role.objects.filter(require_2fa=True).exists()
    for username in DEMO_USERS:
        assert client.login(username=username, password=DEMO_PASSWORD), username
        client.logout()


def test_the_generation_is_audited_once(demo):
    entry = AuditEntry.objects.get(action="demo.generate")
    assert entry.actor is None
    assert entry.object_id == str(demo.root.pk)
    assert entry.changes["seed"] == SEED and entry.changes["members"] == MEMBERS
    assert entry.changes["members_by_status"] == demo.counts["members_by_status"]


def test_the_command_loads_once_and_always_prints_the_logins(db):
    out, err = StringIO(), StringIO()
    call_command("demo", seed=SEED, members=MEMBERS, stdout=out, stderr=err)
    loaded = counts()
    again = StringIO()
    call_command("demo", seed=SEED + 1, members=MEMBERS, stdout=again, stderr=StringIO())

    assert counts() == loaded
    assert "already loaded" in again.getvalue()
    assert "Generated the demo province" in err.getvalue()
    for text in (out.getvalue(), again.getvalue()):
        assert "http://127.0.0.1:8000" in text
        assert all(username in text for username in DEMO_USERS)
        assert DEMO_PASSWORD in text and "Đảng bộ tỉnh Bình Thuận" in text


def test_the_command_refuses_a_tiny_province(db):
    with pytest.raises(CommandError):
        call_command("demo", members=10, stdout=StringIO(), stderr=StringIO())
    assert not Organization.objects.exists()


def test_the_demo_has_people_on_the_road_in_that_keep_to_the_rules(demo):
    from chibo.recruitment import rules
    from chibo.recruitment.models import Candidate, CardRange, Stage
    from chibo.recruitment.services import derive

    stages = Counter(Candidate.objects.values_list("stage", flat=True))
    assert {Stage.SYMPATHIZER, Stage.ADMITTED, Stage.RECOGNIZED} <= set(stages)
    assert sum(stages.values()) > 20
    probationary = Member.objects.filter(status=Status.PROBATIONARY)
    assert Candidate.objects.filter(member__in=probationary).count() == probationary.count()
    for c in Candidate.objects.exclude(stage=Stage.SYMPATHIZER):
        # stored stage and deadline are what the services derive from the steps
        assert derive(c)[0] == c.stage, c.person_id
        assert (derive(c)[2], derive(c)[3]) == (c.due_on, c.due_what), c.person_id
        if c.cell_resolution_on:
            rules.check_age(c.birth_date, c.cell_resolution_on)
    card_range = CardRange.objects.get()
    used = Member.objects.filter(card_number__isnull=False).order_by("-card_number").first()
    assert used is not None and card_range.next_number > int(used.card_number.split(".")[1])


def test_the_demo_classifications_keep_to_the_rules(demo):
    from chibo.assessment import rules
    from chibo.assessment.models import Assessment, AssessmentStatus, Campaign
    from chibo.assessment.selectors import classification_levels
    from chibo.orgs.kinds import GRASSROOTS_KINDS

    year = DEMO_TODAY.year
    campaigns = {c.year: c for c in Campaign.objects.filter(org=demo.root)}
    assert sorted(campaigns) == [year - 2, year - 1, year]
    assert [campaigns[y].is_open for y in sorted(campaigns)] == [False, False, True]
    live = Member.objects.filter(status__in=LIVE_STATUSES).count()
    last = classification_levels(demo.root, year - 1)
    assert last["members"]["unclassified"] == 0
    joined_later = Member.objects.filter(
        status__in=LIVE_STATUSES, admitted_on__gt=dt.date(year - 1, 12, 31)
    ).count()
    assert 0 < joined_later < live
    assert sum(last["members"][k] for k in rules.Level.values) == live - joined_later
    assert classification_levels(demo.root, year)["members"]["unclassified"] == live
    kinds = dict(Organization.objects.values_list("path", "kind"))
    for y in (year - 2, year - 1):
        rows = list(
            Assessment.objects.filter(campaign=campaigns[y]).values_list(
                "org_path", "member_id", "level", "status", "self_total"
            )
        )
        assert {r[3] for r in rows} == {AssessmentStatus.DECIDED}
        members_of: dict[str, list[str]] = defaultdict(list)
        grassroots: dict[str, list[str]] = defaultdict(list)
        for path, member_id, level, _status, total in rows:
            if member_id:
                members_of[path].append(level)
                top = next(
                    (
                        path[:n]
                        for n in range(len(path), 0, -STEP_LENGTH)
                        if kinds[path[:n]] in GRASSROOTS_KINDS
                    ),
                    path,
                )
                grassroots[top].append(level)
            if total is not None:  # the 2025 score gives the level
                assert rules.level_for_score(total) == level
        for levels in grassroots.values():
            rules.check_excellent_share(levels.count("excellent"), levels.count("good"))
        for path, member_id, level, _status, _total in rows:
            if not member_id and kinds[path] in CELL_KINDS:
                rules.check_cell_level(level, members_of.get(path, []))

"""The shared personas and a small tree that every test module can use.

BT  Tỉnh ủy (provincial committee)             officer: Olga (whole province)
├── D1  Huyện ủy A (upper committee)            clerk:   Alice (D1 subtree)
│   ├── G1  Đảng bộ xã X (grassroots committee)
│   │   └── C1  Chi bộ thôn 1 (subordinate cell)  secretary: Sam; member: Minh
│   └── C2  Chi bộ trường A (grassroots cell)
└── D2  Huyện ủy B (upper committee)            clerk:   Bob (D2 subtree, Alice's sibling)
    └── C3  Chi bộ xã Y (grassroots cell)
Charlie has an account and no role.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from chibo.accounts.models import Role, User
from chibo.accounts.services import role_grant, user_create
from chibo.core.workdays import holiday_set_clear
from chibo.members.models import Member
from chibo.members.services import member_create
from chibo.orgs.models import Organization
from chibo.orgs.services import Decision, org_establish

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings: Any) -> None:
    """Every test starts with tasks run at once, in its own transaction.

    Set per test (not only in chibo.settings.test) because django-tasks caches its backend
    process-wide: a test that switches to the database backend must not leave it behind
    for whichever test the same worker runs next.
    """
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture(autouse=True)
def _holidays_read_afresh() -> None:
    """Each test reads the public holidays from its own database: a holiday a test saved
    (and rolled back) must not stay in the process's copy for the next test."""
    holiday_set_clear()


PASSWORD = "correct horse battery"
DECISION = Decision(number="1-QĐ/TU", date=dt.date(2010, 1, 1), issuer="Tỉnh ủy")


@dataclass
class World:
    orgs: dict[str, Organization]
    users: dict[str, User]
    members: dict[str, Member]

    def org(self, code: str) -> Organization:
        self.orgs[code].refresh_from_db()
        return self.orgs[code]


def make_member(org: Organization, code: str, name: str, **extra: Any) -> Member:
    family, *middle, given = name.split()
    data: dict[str, Any] = {
        "family_name": family,
        "middle_name": " ".join(middle),
        "given_name": given,
        "birth_date": dt.date(1985, 3, 4),
        "gender": "male",
        "admitted_on": dt.date(2012, 5, 1),
        "recognized_on": dt.date(2013, 5, 2),
    }
    data.update(extra)
    return member_create(actor=None, org=org, member_code=code, **data)


@pytest.fixture
def world(db: Any) -> World:
    est = dt.date(2000, 1, 1)
    bt = org_establish(
        actor=None,
        parent=None,
        code="BT",
        name="Tỉnh ủy Bình Thuận",
        kind="provincial_committee",
        sector="other",
        established_on=est,
    )
    d1 = org_establish(
        actor=None,
        parent=bt,
        code="D1",
        name="Huyện ủy A",
        kind="upper_committee",
        sector="commune",
        established_on=est,
    )
    d2 = org_establish(
        actor=None,
        parent=bt,
        code="D2",
        name="Huyện ủy B",
        kind="upper_committee",
        sector="commune",
        established_on=est,
    )
    g1 = org_establish(
        actor=None,
        parent=d1,
        code="G1",
        name="Đảng bộ xã X",
        kind="grassroots_committee",
        sector="commune",
        established_on=est,
    )
    c1 = org_establish(
        actor=None,
        parent=g1,
        code="C1",
        name="Chi bộ thôn 1",
        kind="subordinate_cell",
        sector="commune",
        established_on=est,
    )
    c2 = org_establish(
        actor=None,
        parent=d1,
        code="C2",
        name="Chi bộ trường A",
        kind="grassroots_cell",
        sector="school",
        established_on=est,
    )
    c3 = org_establish(
        actor=None,
        parent=d2,
        code="C3",
        name="Chi bộ xã Y",
        kind="grassroots_cell",
        sector="commune",
        established_on=est,
    )
    orgs = {o.code: o for o in (bt, d1, d2, g1, c1, c2, c3)}

    members = {
        "minh": make_member(c1, "M-MINH", "Nguyễn Văn Minh"),
        "duc": make_member(c1, "M-DUC", "Nguyễn Văn Đức", national_id="012345678901"),
        "lan": make_member(
            c2,
            "M-LAN",
            "Trần Thị Lan",
            gender="female",
            recognized_on=None,
            admitted_on=dt.date(2025, 9, 1),
        ),
        "hai": make_member(c3, "M-HAI", "Lê Hải", birth_date=dt.date(1970, 1, 1)),
    }
    users = {}
    for name in ("olga", "alice", "bob", "sam", "minh", "charlie"):
        users[name] = user_create(actor=None, username=name, password=PASSWORD)
    role_grant(actor=None, user=users["olga"], org=bt, kind=Role.Kind.OFFICER)
    role_grant(actor=None, user=users["alice"], org=d1, kind=Role.Kind.CLERK)
    role_grant(actor=None, user=users["bob"], org=d2, kind=Role.Kind.CLERK)
    role_grant(actor=None, user=users["sam"], org=c1, kind=Role.Kind.SECRETARY)
    Member.objects.filter(pk=members["minh"].pk).update(user=users["minh"])
    members["minh"].refresh_from_db()
    return World(orgs=orgs, users=users, members=members)


@pytest.fixture
def client_for(client: Any, world: World):  # type: ignore[no-untyped-def]
    """client_for("alice") → a test client logged in as that persona."""

    def login(name: str):  # type: ignore[no-untyped-def]
        client.force_login(world.users[name])
        return client

    return login

"""The access sweep: every URL pattern and every API route, as every persona, on own and
foreign objects (DESIGN.md, "Access").

A person's scope is a subtree. Outside it a unit or a member is a 404 — not a 403, not a
200 — so nobody learns what exists elsewhere, and a refused write changes nothing. The
sweep finds the routes itself (the URL resolver and the API's OpenAPI schema); a route it
does not know how to fill fails `test_every_url_pattern_is_in_the_sweep` or
`test_every_api_route_is_in_the_sweep` until it is added to ROUTES or API_ROUTES below.

Two sibling subtrees (tests/conftest.py, plus a committee G2 with cell C4 under D2 here):

BT  ├── D1 ── G1 ── C1 (Minh, Đức)        alice: clerk of D1;  sam: secretary of C1
    │     └── C2 (Lan)                    minh: member, linked to his own record
    └── D2 ── C3 (Hải)                    bob: clerk of D2
          └── G2 ── C4 (Tú)               charlie: no role;  olga: officer of BT
"""

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from chibo.accounts.models import ApiToken, Role, User
from chibo.accounts.services import token_create
from chibo.api.urls import api
from chibo.assessment.models import Assessment, Campaign
from chibo.assessment.services import campaign_open
from chibo.core.models import AuditEntry
from chibo.documents.models import (
    Attachment,
    AudienceRule,
    Bookmark,
    Document,
    DocumentVersion,
    ReadReceipt,
)
from chibo.members.forms import MemberEditForm
from chibo.members.models import LIVE_STATUSES, ImportJob, Member, MemberEvent
from chibo.orgs.models import STEP_LENGTH, Organization, OrgDecision
from chibo.orgs.services import org_establish
from chibo.recruitment.models import (
    Attendance,
    AwarenessClass,
    Candidate,
    DossierPaper,
    Introducer,
)
from chibo.targets.models import Target as UnitTarget
from conftest import World, make_member
from documents.helpers import issue, pdf

LOGIN_URL = "/accounts/login/"
DAY = "15/03/2024"  # day-first, as the UI reads dates
DECISION = {"decision_no": "99-QĐ/TU", "decision_date": DAY, "issuer": "Tỉnh ủy"}


# --- The world of the sweep -------------------------------------------------------------


@dataclass
class Sweep:
    world: World
    orgs: dict[str, Organization]
    members: dict[str, Member]

    def org(self, code: str) -> Organization:
        return Organization.objects.get(code=code)

    def member(self, key: str) -> Member:
        return Member.objects.get(pk=self.members[key].pk)


# One document per side (issuer, number, segments), each with a PDF attached. Those of the
# d1 and c1 sides go to students only, so that Minh's handbook holds his side's alone.
SIDE_DOCUMENTS: dict[str, tuple[str, str, list[str]]] = {
    "d1": ("G1", "1-NQ/ĐU", ["student"]),
    "d2": ("G2", "2-NQ/ĐU", []),
    "c1": ("C1", "3-TB/CB", ["student"]),
    "c2": ("C2", "4-TB/CB", []),
    "minh": ("C1", "5-TB/CB", []),
}


@pytest.fixture
def sweep(world: World, settings: Any, tmp_path: Any) -> Sweep:
    """The shared world plus a second committee with a cell under D2, so that every
    restructuring of one side has a valid counterpart on the other side.; and a
    document issued on each side (SIDE_DOCUMENTS)."""
    settings.MEDIA_ROOT = tmp_path
    g2 = org_establish(
        actor=None,
        parent=world.org("D2"),
        code="G2",
        name="Đảng bộ xã Z",
        kind="grassroots_committee",
        sector="commune",
        established_on=dt.date(2000, 1, 1),
    )
    c4 = org_establish(
        actor=None,
        parent=g2,
        code="C4",
        name="Chi bộ thôn 4",
        kind="subordinate_cell",
        sector="commune",
        established_on=dt.date(2000, 1, 1),
    )
    tu = make_member(c4, "M-TU", "Phạm Văn Tú")
    orgs = {code: world.org(code) for code in world.orgs} | {"G2": g2, "C4": c4}
    for user, org in (("alice", "D1"), ("bob", "D2")):  # one finished import on each side
        ImportJob.objects.create(
            kind="members",
            file_name=f"{user}.csv",
            status=ImportJob.Status.FAILED,
            result={
                "kind": "members",
                "rows": 1,
                "errors": [{"line": 2, "column": "org_code", "message": "x"}],
            },
            org=orgs[org],
            created_by=world.users[user],
        )
    for issuer, number, segments in SIDE_DOCUMENTS.values():
        issue(
            orgs[issuer],
            doc_type=number.split("-")[1].split("/")[0],
            number=number,
            title="Văn bản",
            segments=segments,
            attachments=[pdf("van-ban.pdf")],
        )
    return Sweep(world=world, orgs=orgs, members={**world.members, "tu": tu})


# A unit's name and code, and a member's name and code, as they may appear on a page.
UNIT_NAMES = {
    "BT": "Tỉnh ủy Bình Thuận",
    "D1": "Huyện ủy A",
    "D2": "Huyện ủy B",
    "G1": "Đảng bộ xã X",
    "G2": "Đảng bộ xã Z",
    "C1": "Chi bộ thôn 1",
    "C2": "Chi bộ trường A",
    "C3": "Chi bộ xã Y",
    "C4": "Chi bộ thôn 4",
}
MEMBERS = {
    "minh": ("Nguyễn Văn Minh", "M-MINH", "C1"),
    "duc": ("Nguyễn Văn Đức", "M-DUC", "C1"),
    "lan": ("Trần Thị Lan", "M-LAN", "C2"),
    "hai": ("Lê Hải", "M-HAI", "C3"),
    "tu": ("Phạm Văn Tú", "M-TU", "C4"),
}

# What each persona may see: the units of their scope and the member records they may open.
VISIBLE: dict[str, tuple[set[str], set[str]]] = {
    "olga": (set(UNIT_NAMES), set(MEMBERS)),
    "alice": ({"D1", "G1", "C1", "C2"}, {"minh", "duc", "lan"}),
    "bob": ({"D2", "C3", "G2", "C4"}, {"hai", "tu"}),
    "sam": ({"C1"}, {"minh", "duc"}),
    "minh": (set(), {"minh"}),
    "charlie": (set(), set()),
}
PERSONAS = list(VISIBLE)


def forbidden_strings(persona: str) -> list[str]:
    """Names and codes that must never reach this persona (a member's own unit name is
    shown on their row, so it is not forbidden)."""
    units, members = VISIBLE[persona]
    shown_units = units | {MEMBERS[m][2] for m in members}
    out = [UNIT_NAMES[u] for u in UNIT_NAMES if u not in shown_units]
    for key, (name, code, _unit) in MEMBERS.items():
        if key not in members:
            out += [name, code]
    return out


# --- Targets: the objects a route is filled with -----------------------------------------


@dataclass(frozen=True)
class Target:
    """One side of the tree, as the objects a route's parameters point at."""

    org: Organization  # a unit strictly below a committee (so it can be restructured)
    cell: Organization  # a cell that holds members (for "new member")
    member: Member
    event: MemberEvent  # the member's latest effective event (what "void" targets)
    new_parent: str  # code of a unit `org` could move under
    peer: str  # code of a unit `org` could merge or be dissolved into
    document: Document  # issued on this side (SIDE_DOCUMENTS)
    attachment: Attachment  # the document's PDF


SIDES: dict[str, tuple[str, str, str, str, str]] = {
    # side: (org, cell, member, new_parent, peer)
    "d1": ("G1", "C1", "duc", "D2", "G2"),
    "d2": ("G2", "C3", "hai", "D1", "G1"),
    "c1": ("C1", "C1", "duc", "G2", "C4"),
    "c2": ("C2", "C2", "lan", "D2", "C3"),
    "minh": ("C1", "C1", "minh", "G2", "C4"),
}


def target(sweep: Sweep, side: str) -> Target:
    org, cell, member_key, new_parent, peer = SIDES[side]
    member = sweep.member(member_key)
    event = (
        MemberEvent.objects.filter(member=member, voided_by__isnull=True)
        .exclude(kind="voided")
        .latest("date", "id")
    )
    document = Document.objects.get(number=SIDE_DOCUMENTS[side][1])
    attachment = document.attachments.get()
    return Target(
        sweep.org(org), sweep.org(cell), member, event, new_parent, peer, document, attachment
    )


# What a persona may do with each side: write, read, only their own record, or nothing.
WRITE, READ, SELF, NONE = "write", "read", "self", "none"
ACCESS: dict[str, dict[str, str]] = {
    "olga": {"d1": WRITE, "d2": WRITE},
    "alice": {"d1": WRITE, "c2": WRITE, "d2": NONE},
    "bob": {"d2": WRITE, "d1": NONE, "c2": NONE},
    "sam": {"c1": READ, "c2": NONE, "d2": NONE},
    "minh": {"minh": SELF, "c1": NONE, "d2": NONE},
    "charlie": {"d1": NONE, "d2": NONE, "minh": NONE},
}


# --- Valid forms: what a write would change if the scope check let it through -------------


def _date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def establish_form(t: Target) -> dict[str, Any]:
    return {
        "code": "NEW1",
        "name": "Chi bộ mới",
        "kind": "subordinate_cell",
        "sector": "commune",
        **DECISION,
    }


def rename_form(t: Target) -> dict[str, Any]:
    org = Organization.objects.get(pk=t.org.pk)
    return {"name": "Tên mới", "sector": org.sector, "version": org.version, **DECISION}


def split_form(t: Target) -> dict[str, Any]:
    data: dict[str, Any] = {"parts": "S1; Phần một\nS2; Phần hai", **DECISION}
    for m in Member.objects.filter(org=t.org, status__in=LIVE_STATUSES):
        data[f"m{m.pk}"] = "1"
    for child in Organization.objects.filter(parent=t.org, status="active"):
        data[f"u{child.pk}"] = "1"
    return data


def create_form(t: Target) -> dict[str, Any]:
    return {
        "org": t.cell.pk,
        "member_code": "M-NEW",
        "family_name": "Võ",
        "middle_name": "Thị",
        "given_name": "Mới",
        "birth_date": "05/06/1990",
        "gender": "female",
        "occupation": "farmer",
        "admitted_on": "01/02/2020",
    }


def edit_form(t: Target) -> dict[str, Any]:
    member = Member.objects.get(pk=t.member.pk)
    data: dict[str, Any] = {}
    for name in MemberEditForm.base_fields:
        value = getattr(member, name)
        data[name] = _date(value) if isinstance(value, dt.date) else (value or "")
    data["phone"] = "0912345678"
    return data


def event_form(t: Target) -> dict[str, Any]:
    member = Member.objects.get(pk=t.member.pk)
    return {"kind": "died", "date": DAY, "version": member.version}


def void_form(t: Target) -> dict[str, Any]:
    member = Member.objects.get(pk=t.member.pk)
    return {"reason": "Nhập nhầm", "version": member.version}


def issue_form(t: Target) -> dict[str, Any]:
    return {
        "doc_type": "KH",
        "number": "9-KH/HU",
        "issued_on": DAY,
        "title": "Kế hoạch học tập nghị quyết",
        "body": "Nội dung",
        "audience_units": "",
    }


def amend_form(t: Target) -> dict[str, Any]:
    document = Document.objects.get(pk=t.document.pk)
    return {"title": "Văn bản (sửa)", "body": "Sửa", "note": "Sửa", "version": document.version}


def withdraw_form(t: Target) -> dict[str, Any]:
    document = Document.objects.get(pk=t.document.pk)
    return {"reason": "Ban hành nhầm", "version": document.version}


# --- The table of web routes ----------------------------------------------------------------

# Route kinds. A UNIT or MEMBER route reads one object; a *_WRITE route changes one (its GET
# shows the form, also only to those who may write); LIST shows what the scope holds.
UNIT, MEMBER, UNIT_WRITE, MEMBER_WRITE = "unit", "member", "unit_write", "member_write"
LIST, REDIRECT, ACCOUNT = "list", "redirect", "account"
# The import page is for those who keep records (404 for anyone else); an import job is
# its uploader's alone (404 for anyone else, whatever their scope).
UPLOAD, JOB = "upload", "job"
# A file of what the scope holds (the member list as XLSX, CSV or PDF); narrowed to a unit
# by a query parameter it reads like a UNIT route.
EXPORT = "export"
# The handbook's manifest and service worker: the same for everyone, logged in or not, and
# holding no data.
PUBLIC = "public"
# A cell's own records of the road in (sympathizers, their papers and introducers): those
# who write the cell, and also the cell's secretary (sam on C1).
CELL_WRITE = "cell_write"
CELL_KEEPERS = {("sam", "c1")}
WRITES = {UNIT_WRITE, MEMBER_WRITE, CELL_WRITE}


@dataclass(frozen=True)
class Route:
    kind: str
    kwargs: Callable[[Target], dict[str, int]] = lambda t: {}
    query: Callable[[Target], dict[str, Any]] = lambda t: {}
    form: Callable[[Target], dict[str, Any]] | None = None  # a valid POST, for writes
    # A list narrowed to one unit by a query parameter: filled, it reads like a UNIT route.
    unit_filter: Callable[[Target], dict[str, Any]] | None = None


def _org(t: Target) -> dict[str, int]:
    return {"org_id": t.org.pk}


def _document(t: Target) -> dict[str, int]:
    return {"document_id": t.document.pk}


def _member(t: Target) -> dict[str, int]:
    return {"member_id": t.member.pk}


def _some_token() -> ApiToken:
    """A token of Alice's (the token pages are per user; see test_tokens_are_their_owners_alone)."""
    token = ApiToken.objects.filter(user__username="alice").first()
    return token or token_create(actor=None, user=User.objects.get(username="alice"), name="s")[0]


def _job(t: Target) -> dict[str, int]:
    """The import job started on this side of the tree (alice's on D1, bob's on D2)."""
    jobs = ImportJob.objects.filter(org__isnull=False).select_related("org")
    return {"job_id": next(j.pk for j in jobs if t.org.path.startswith(j.org.path))}


def _unit_target(t: Target) -> dict[str, int]:
    """An admissions target of the side's unit (made once)."""
    goal, _new = UnitTarget.objects.get_or_create(
        org=t.org, metric="admissions", segment="", first_year=2024, last_year=2024,
        defaults={"value": 12},
    )  # fmt: skip
    return {"target_id": goal.pk}


def target_form(t: Target) -> dict[str, Any]:
    return {"unit": str(t.org.pk), "metric": "admissions", "segment": "student",
            "first_year": "2024", "last_year": "", "value": "7"}  # fmt: skip


def _early(t: Target) -> Candidate:
    """A sympathizer of the side's cell, with an introducer and a scanned paper (made once)."""
    c = Candidate.objects.filter(org=t.cell, stage="sympathizer").first()
    if c is None:
        c = Candidate.objects.create(
            person_id=f"S-{t.cell.code}", given_name="Ứng viên", family_name="Đỗ",
            birth_date=dt.date(2000, 1, 1), gender="male", org=t.cell, stage="sympathizer",
            proposed_on=dt.date(2023, 1, 1), sort_key="x",
        )  # fmt: skip
        # two official members of the cell: one introduces already, one may be added
        official = make_member(t.cell, f"M-INTRO-{t.cell.code}", "Đinh Văn Giới")
        make_member(t.cell, f"M-INTRO2-{t.cell.code}", "Đinh Văn Thiệu")
        Introducer.objects.create(candidate=c, member=official, known_since=dt.date(2020, 1, 1))
        paper = DossierPaper(candidate=c, code="1-KNĐ", dated=dt.date(2023, 2, 1))
        paper.file.save("don.pdf", io.BytesIO(b"%PDF-1.4 don"), save=False)
        paper.file_name, paper.content_type = "don.pdf", "application/pdf"
        paper.save()
        klass = AwarenessClass.objects.create(
            code=f"LOP-{t.cell.code}", ended_on=dt.date(2023, 3, 1), org=t.org
        )
        Attendance.objects.create(awareness_class=klass, candidate=c, org=t.cell, passed=True)
    return c


def _resolved(t: Target) -> Candidate:
    """A person the side's cell resolved to propose, waiting for the committee (made once)."""
    c = Candidate.objects.filter(org=t.cell, stage="cell_resolution").first()
    return c or Candidate.objects.create(
        person_id=f"R-{t.cell.code}", given_name="Đề nghị", family_name="Vũ",
        birth_date=dt.date(2000, 1, 1), gender="female", org=t.cell, stage="cell_resolution",
        cell_resolution_on=dt.date(2024, 3, 1), cell_votes_for=1, cell_official_members=1,
        sort_key="y",
    )  # fmt: skip


def propose_form(t: Target) -> dict[str, Any]:
    return {"given_name": "Mới", "family_name": "Lý", "birth_date": "01/01/2001",
            "gender": "male", "occupation": "student", "source": "youth_union",
            "proposed_on": DAY, "helper": ""}  # fmt: skip


def paper_form(t: Target) -> dict[str, Any]:
    return {"paper-code": "2-KNĐ", "paper-dated": DAY}


def introducer_form(t: Target) -> dict[str, Any]:
    taken = Introducer.objects.filter(candidate=_early(t)).values_list("member_id", flat=True)
    other = Member.objects.filter(org=t.cell, status="official").exclude(pk__in=taken).first()
    return {"intro-member": other.pk if other else "", "intro-known_since": "01/01/2020"}


def helper_form(t: Target) -> dict[str, Any]:
    official = Member.objects.filter(org=t.cell, status="official").first()
    return {"helper-helper": official.pk if official else ""}


def person_form(t: Target) -> dict[str, Any]:
    c = _early(t)
    return {"person-given_name": "Ứng viên", "person-family_name": "Đỗ",
            "person-birth_date": "01/01/2000", "person-gender": "female",
            "person-occupation": "student", "person-source": "youth_union",
            "person-version": c.version}  # fmt: skip


def committee_form(t: Target) -> dict[str, Any]:
    c = _resolved(t)
    step = "committee_resolution"
    return {f"{step}-on": DAY, f"{step}-votes_for": 2, f"{step}-committee_members": 3,
            f"{step}-version": c.version}  # fmt: skip


def _campaign(t: Target) -> Campaign:
    """The 2024 classification of the side's district (D1 or D2), opened once: it covers
    every unit of the side."""
    district = Organization.objects.get(path=t.org.path[: 2 * STEP_LENGTH])
    found = Campaign.objects.filter(org=district, year=2024).first()
    return found or campaign_open(actor=None, org=district, year=2024, rule_set="levels_2019")


def _assessment(t: Target) -> Assessment:
    """The side's member's row in that classification."""
    return Assessment.objects.get(campaign=_campaign(t), member=t.member, subject_kind="member")


def self_form(t: Target) -> dict[str, Any]:
    return {"self-level": "good", "self-version": _assessment(t).version}


def open_form(t: Target) -> dict[str, Any]:
    return {"year": "2023", "period_kind": "year", "rule_set": "score_2025"}


def _code_form(code: Callable[[Target], str]) -> Callable[[Target], dict[str, Any]]:
    return lambda t: {"target_code": code(t), **DECISION}


ROUTES: dict[str, Route] = {
    "home": Route(REDIRECT),
    "accounts:login": Route(ACCOUNT),
    "accounts:two_factor": Route(ACCOUNT),
    "accounts:logout": Route(ACCOUNT),
    "accounts:tokens": Route(ACCOUNT),
    "accounts:token_revoke": Route(ACCOUNT, lambda t: {"token_id": _some_token().pk}),
    "orgs:tree": Route(LIST),
    "audit": Route(LIST),
    "members:list": Route(LIST, unit_filter=lambda t: {"org": t.org.pk}),
    "orgs:detail": Route(UNIT, _org),
    "orgs:children": Route(UNIT, _org),
    "orgs:establish": Route(UNIT_WRITE, _org, form=establish_form),
    "orgs:rename": Route(UNIT_WRITE, _org, form=rename_form),
    "orgs:move": Route(UNIT_WRITE, _org, form=_code_form(lambda t: t.new_parent)),
    "orgs:merge": Route(UNIT_WRITE, _org, form=_code_form(lambda t: t.peer)),
    "orgs:split": Route(UNIT_WRITE, _org, form=split_form),
    "orgs:dissolve": Route(UNIT_WRITE, _org, form=_code_form(lambda t: t.peer)),
    "members:create": Route(UNIT_WRITE, query=lambda t: {"org": t.cell.pk}, form=create_form),
    "members:detail": Route(MEMBER, _member),
    "members:edit": Route(MEMBER_WRITE, _member, form=edit_form),
    "members:event": Route(MEMBER_WRITE, _member, form=event_form),
    "members:void": Route(
        MEMBER_WRITE,
        lambda t: {"member_id": t.member.pk, "event_id": t.event.pk},
        form=void_form,
    ),
    "members:import": Route(UPLOAD),
    "members:import_job": Route(JOB, _job),
    "members:import_status": Route(JOB, _job),
    "members:import_errors": Route(JOB, _job),
    "reports:dashboard": Route(UNIT, _org),
    "reports:export": Route(UNIT, lambda t: {"org_id": t.org.pk, "name": "summary", "fmt": "xlsx"}),
    "reports:members_xlsx": Route(EXPORT, unit_filter=lambda t: {"org": t.org.pk}),
    "reports:members_csv": Route(EXPORT, unit_filter=lambda t: {"org": t.org.pk}),
    "reports:members_pdf": Route(EXPORT, unit_filter=lambda t: {"org": t.org.pk}),
    "reports:handbook": Route(UNIT, _org),
    "reports:recruitment": Route(UNIT, _org),
    "reports:recruitment_export": Route(UNIT, lambda t: {"org_id": t.org.pk, "fmt": "xlsx"}),
    "documents:list": Route(LIST, unit_filter=lambda t: {"org": t.org.pk}),
    "documents:issue": Route(UNIT_WRITE, _org, form=issue_form),
    "documents:detail": Route(UNIT, _document),
    "documents:amend": Route(UNIT_WRITE, _document, form=amend_form),
    "documents:withdraw": Route(UNIT_WRITE, _document, form=withdraw_form),
    "documents:attachment": Route(UNIT, lambda t: {"attachment_id": t.attachment.pk}),
    "handbook:app": Route(LIST),
    "handbook:manifest": Route(PUBLIC),
    "handbook:sw": Route(PUBLIC),
    "targets:unit": Route(UNIT, _org),
    "targets:set": Route(UNIT_WRITE, _org, form=target_form),
    "targets:remove": Route(UNIT_WRITE, _unit_target, form=lambda t: {}),
    "recruitment:board": Route(UNIT, _org),
    "recruitment:list": Route(UNIT, _org),
    "recruitment:due": Route(UNIT, _org),
    "recruitment:classes": Route(UNIT, _org),
    "recruitment:class": Route(
        UNIT, lambda t: {"class_id": _early(t).attendances.get().awareness_class_id}
    ),
    "recruitment:propose": Route(CELL_WRITE, lambda t: {"org_id": t.cell.pk}, form=propose_form),
    "recruitment:candidate": Route(UNIT, lambda t: {"candidate_id": _early(t).pk}),
    "recruitment:paper": Route(
        CELL_WRITE, lambda t: {"candidate_id": _early(t).pk}, form=paper_form
    ),
    "recruitment:paper_file": Route(
        UNIT, lambda t: {"paper_id": _early(t).papers.filter(code="1-KNĐ").get().pk}
    ),
    "recruitment:introducer": Route(
        CELL_WRITE, lambda t: {"candidate_id": _early(t).pk}, form=introducer_form
    ),
    "recruitment:introducer_remove": Route(
        CELL_WRITE,
        lambda t: {"introducer_id": Introducer.objects.filter(candidate=_early(t)).first().pk},
        form=lambda t: {},
    ),
    "recruitment:person": Route(
        CELL_WRITE, lambda t: {"candidate_id": _early(t).pk}, form=person_form
    ),
    "recruitment:helper": Route(
        CELL_WRITE, lambda t: {"candidate_id": _early(t).pk}, form=helper_form
    ),
    "recruitment:extend": Route(
        UNIT_WRITE,
        lambda t: {"candidate_id": _resolved(t).pk},
        form=lambda t: {"extend-reason": "x"},
    ),
    "recruitment:step": Route(
        UNIT_WRITE,
        lambda t: {"candidate_id": _resolved(t).pk, "name": "committee_resolution"},
        form=committee_form,
    ),
    "reports:classification": Route(UNIT, _org),
    "reports:classification_export": Route(UNIT, lambda t: {"org_id": t.org.pk, "fmt": "xlsx"}),
    "assessment:campaigns": Route(UNIT, _org),
    "assessment:open": Route(UNIT_WRITE, _org, form=open_form),
    "assessment:progress": Route(
        UNIT, lambda t: {"campaign_id": _campaign(t).pk, "org_id": t.org.pk}
    ),
    "assessment:leader_add": Route(
        CELL_WRITE,
        lambda t: {"campaign_id": _campaign(t).pk, "org_id": t.cell.pk},
        form=lambda t: {"leader-member_code": t.member.member_code, "leader-title": "secretary"},
    ),
    "assessment:close": Route(
        UNIT_WRITE, lambda t: {"campaign_id": _campaign(t).pk}, form=lambda t: {}
    ),
    "assessment:item": Route(UNIT, lambda t: {"assessment_id": _assessment(t).pk}),
    "assessment:step": Route(
        CELL_WRITE, lambda t: {"assessment_id": _assessment(t).pk, "name": "self"}, form=self_form
    ),
}

# Not swept: Django's admin, the language switch, static files, and the API's own pages
# (schema, docs, their short aliases, and django-ninja's root, which only points at the docs).
SKIPPED_PREFIXES = ("admin/", "i18n/", "static/", "media/")
API_DOCS = {"api:openapi-json", "api:openapi-view", "api:api-root"}
API_DOCS_ROUTES = re.compile(r"^api/(v\d+/)?(docs|openapi\.json)$")


def url_patterns() -> dict[str, str]:
    """Every named URL pattern (namespace:name → route), walking includes recursively."""
    found: dict[str, str] = {}

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern).lstrip("^")
            if route.startswith(SKIPPED_PREFIXES) or API_DOCS_ROUTES.match(route):
                continue
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, route, ns)
            else:
                assert isinstance(p, URLPattern)
                name = f"{namespace}{p.name}" if p.name else f"<unnamed {route}>"
                if name not in API_DOCS:
                    found[name] = route

    walk(get_resolver().url_patterns, "", "")
    return found


def expected_status(kind: str, level: str, keeper: bool = False) -> int:
    readable = {
        UNIT: {READ, WRITE},
        MEMBER: {READ, WRITE, SELF},
        UNIT_WRITE: {WRITE},
        MEMBER_WRITE: {WRITE},
        CELL_WRITE: {WRITE},
    }[kind]
    return 200 if level in readable or (kind == CELL_WRITE and keeper) else 404


def url_for(name: str, t: Target) -> str:
    route = ROUTES[name]
    url = reverse(name, kwargs=route.kwargs(t))
    query = route.query(t)
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# --- The table of API routes -----------------------------------------------------------------

# How a parameter of an API route is filled from a target, whether in the path or the query.
API_PARAMS: dict[str, Callable[[Target], Any]] = {
    "code": lambda t: t.org.code,
    "member_id": lambda t: t.member.pk,
    "org": lambda t: t.org.code,
    "parent": lambda t: t.org.code,
    "start": lambda t: "2024-01-01",
    "end": lambda t: "2024-12-31",
    "year": lambda t: 2024,
    "metric": lambda t: "admission_rate",
    "on": lambda t: "2024-12-31",
    "document_id": lambda t: t.document.pk,
    "attachment_id": lambda t: t.attachment.pk,
    "assessment_id": lambda t: _assessment(t).pk,
}
# Query parameters that only page or filter within the scope (no object of their own).
API_PLAIN_QUERY = {"limit", "offset", "q", "status", "occupation", "gender", "kind", "start", "end"}


# A handbook route answers for the caller's own member record only: 200 for a member on
# their own documents, 404 for anyone else and for anything not addressed to them.
READER = "reader"


@dataclass(frozen=True)
class ApiRoute:
    kind: str  # LIST, UNIT, MEMBER or READER


API_ROUTES: dict[tuple[str, str], ApiRoute] = {
    ("get", "/api/v1/orgs/"): ApiRoute(LIST),
    ("get", "/api/v1/orgs/{code}"): ApiRoute(UNIT),
    ("get", "/api/v1/orgs/{code}/children"): ApiRoute(UNIT),
    ("get", "/api/v1/members/"): ApiRoute(LIST),
    ("get", "/api/v1/members/{member_id}"): ApiRoute(MEMBER),
    ("get", "/api/v1/members/{member_id}/events"): ApiRoute(MEMBER),
    ("get", "/api/v1/events/"): ApiRoute(LIST),
    ("get", "/api/v1/reports/summary"): ApiRoute(UNIT),
    ("get", "/api/v1/reports/ranking"): ApiRoute(UNIT),
    ("get", "/api/v1/reports/screening"): ApiRoute(UNIT),
    ("get", "/api/v1/reports/handbook"): ApiRoute(UNIT),
    ("get", "/api/v1/reports/recruitment"): ApiRoute(UNIT),
    ("get", "/api/v1/reports/classification"): ApiRoute(UNIT),
    ("get", "/api/v1/handbook/documents"): ApiRoute(READER),
    ("get", "/api/v1/handbook/documents/{document_id}"): ApiRoute(READER),
    ("put", "/api/v1/handbook/documents/{document_id}/bookmark"): ApiRoute(READER),
    ("delete", "/api/v1/handbook/documents/{document_id}/bookmark"): ApiRoute(READER),
    ("get", "/api/v1/handbook/bookmarks"): ApiRoute(READER),
    ("get", "/api/v1/handbook/notices"): ApiRoute(READER),
    ("get", "/api/v1/handbook/attachments/{attachment_id}"): ApiRoute(READER),
    ("post", "/api/v1/handbook/reads"): ApiRoute(READER),
    ("get", "/api/v1/handbook/me"): ApiRoute(READER),
    ("get", "/api/v1/handbook/assessments"): ApiRoute(READER),
    ("post", "/api/v1/handbook/assessments/{assessment_id}/self"): ApiRoute(READER),
}


API_READS = sorted(key for key in API_ROUTES if key[0] == "get")
API_WRITES = sorted(key for key in API_ROUTES if key[0] != "get")


def api_operations() -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(method, path) → its parameters, from the OpenAPI schema the API serves."""
    schema = api.get_openapi_schema()
    return {
        (method, path): op.get("parameters", [])
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
    }


def api_url(path: str, params: list[dict[str, Any]], t: Target, *, fill_query: bool) -> str:
    url = path
    query = []
    for p in params:
        if p["in"] == "path":
            url = url.replace("{" + p["name"] + "}", str(API_PARAMS[p["name"]](t)))
        elif fill_query and p["name"] in API_PARAMS:
            query.append(f"{p['name']}={API_PARAMS[p['name']](t)}")
    return url + ("?" + "&".join(query) if query else "")


# --- Helpers ---------------------------------------------------------------------------------


def login_as(sweep: Sweep, persona: str) -> Client:
    client = Client()
    client.force_login(sweep.world.users[persona])
    return client


TRACKED: list[type[Model]] = [
    Organization, OrgDecision, Member, MemberEvent, Role, User, UnitTarget
]  # fmt: skip
TRACKED += [Document, DocumentVersion, AudienceRule, Attachment, ReadReceipt, Bookmark]
TRACKED += [Candidate, AwarenessClass, Attendance, Introducer, DossierPaper]
TRACKED += [Campaign, Assessment]


def snapshot() -> dict[str, Any]:
    """Every row of the tracked tables, and how many audit entries exist."""
    rows: dict[str, Any] = {m.__name__: list(m.objects.order_by("pk").values()) for m in TRACKED}
    rows["AuditEntry"] = AuditEntry.objects.count()
    return rows


def counts() -> dict[str, int]:
    return {
        "Member": Member.objects.count(),
        "MemberEvent": MemberEvent.objects.count(),
        "Organization": Organization.objects.count(),
        "AuditEntry": AuditEntry.objects.count(),
    }


def assert_not_found_json(response: Any, url: str) -> None:
    assert response.status_code == 404, (url, response.status_code, response.content[:200])
    body = response.json()
    assert set(body) == {"code", "message"}, (url, body)
    assert body["code"] == "not_found", (url, body)


def _text(response: Any) -> str:
    """The body of a response, also of a streamed file (an attachment), as text."""
    return response.getvalue().decode("utf-8", errors="replace")


def leaks(text: str, persona: str) -> list[str]:
    return [s for s in forbidden_strings(persona) if s in text]


# --- The sweep finds every route -------------------------------------------------------------


def test_every_url_pattern_is_in_the_sweep():
    found = url_patterns()
    api_paths = {path for _method, path in API_ROUTES}
    web = {name for name in found if not name.startswith("api:")}
    unknown_web = sorted(web - set(ROUTES))
    assert not unknown_web, f"URL patterns the sweep cannot fill; add them to ROUTES: {unknown_web}"
    stale = sorted(set(ROUTES) - web)
    assert not stale, f"ROUTES lists patterns that no longer exist: {stale}"
    for name, route in found.items():
        if name.startswith("api:"):
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
            assert path in api_paths, f"API pattern {name} ({path}) missing from API_ROUTES"


def test_every_api_route_is_in_the_sweep():
    operations = api_operations()
    unknown = sorted(set(operations) - set(API_ROUTES))
    assert not unknown, f"API routes the sweep does not know; add them to API_ROUTES: {unknown}"
    stale = sorted(set(API_ROUTES) - set(operations))
    assert not stale, f"API_ROUTES lists routes that no longer exist: {stale}"
    for key, params in operations.items():
        for p in params:
            known = p["name"] in API_PARAMS or (p["in"] == "query" and p["name"] in API_PLAIN_QUERY)
            assert known, f"{key}: parameter {p['name']!r} has no filler in API_PARAMS"


# --- Anonymous -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_anonymous_is_sent_to_login(sweep, name):
    route = ROUTES[name]
    t = target(sweep, "d1")
    url = url_for(name, t)
    client = Client()
    before = snapshot()
    if name == "accounts:login":
        assert client.get(url).status_code == 200
        return
    if route.kind == PUBLIC:
        assert client.get(url).status_code == 200
        return
    if name == "accounts:logout":
        assert client.get(url).status_code == 405
        response = client.post(url)
        assert response.status_code == 302 and response["Location"] == LOGIN_URL
        return
    methods = ["get", "post"] if route.kind in WRITES else ["get"]
    for method in methods:
        data = route.form(t) if method == "post" and route.form else {}
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url, response.status_code)
        final = getattr(client, method)(url, data, follow=True)
        assert final.request["PATH_INFO"] == LOGIN_URL, (method, url, final.redirect_chain)
    assert snapshot() == before


def _api_id(key: tuple[str, str]) -> str:
    return f"{key[0].upper()} {key[1]}"


@pytest.mark.parametrize("key", sorted(API_ROUTES), ids=_api_id)
def test_anonymous_api_calls_get_401(sweep, key):
    method, path = key
    url = api_url(path, api_operations()[key], target(sweep, "d1"), fill_query=True)
    response = getattr(Client(), method)(url)
    assert response.status_code == 401, (url, response.status_code)


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.kind == REDIRECT))
def test_the_home_page_sends_everyone_to_the_tree(sweep, name):
    for persona in PERSONAS:
        response = login_as(sweep, persona).get(reverse(name))
        assert response.status_code == 302, persona
        assert response["Location"] == reverse("orgs:tree"), persona


# --- Reading one object ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", sorted(n for n, r in ROUTES.items() if r.kind in {UNIT, MEMBER, *WRITES})
)
def test_objects_open_only_within_scope(sweep, name):
    """GET of a unit/member page (or a write form): 200 in scope, 404 outside (never 403)."""
    route = ROUTES[name]
    failures = []
    for persona in PERSONAS:
        client = login_as(sweep, persona)
        for side, level in ACCESS[persona].items():
            t = target(sweep, side)
            url = url_for(name, t)
            before = counts()
            response = client.get(url)
            expected = expected_status(route.kind, level, (persona, side) in CELL_KEEPERS)
            if response.status_code != expected:
                failures.append(f"{persona} GET {url} ({side}): {response.status_code}≠{expected}")
            elif expected == 404 and before != counts():
                failures.append(f"{persona} GET {url} ({side}) wrote rows: {before}→{counts()}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.unit_filter))
def test_a_list_narrowed_to_a_foreign_unit_is_404(sweep, name):
    route = ROUTES[name]
    assert route.unit_filter is not None
    failures = []
    for persona in PERSONAS:
        client = login_as(sweep, persona)
        for side, level in ACCESS[persona].items():
            t = target(sweep, side)
            response = client.get(reverse(name), route.unit_filter(t))
            expected = expected_status(UNIT, level)
            if response.status_code != expected:
                failures.append(f"{persona} {name} {side}: {response.status_code}≠{expected}")
    assert not failures, "\n".join(failures)


# --- Writing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.kind in WRITES))
def test_writes_outside_the_write_scope_are_404_and_change_nothing(sweep, name):
    """Foreign objects for everyone, and read-only ones for the secretary and the member."""
    route = ROUTES[name]
    assert route.form is not None
    failures = []
    for persona in PERSONAS:
        client = login_as(sweep, persona)
        for side, level in ACCESS[persona].items():
            if level == WRITE or (route.kind == CELL_WRITE and (persona, side) in CELL_KEEPERS):
                continue
            t = target(sweep, side)
            url = url_for(name, t)
            before = snapshot()
            response = client.post(url, route.form(t))
            if response.status_code != 404:
                failures.append(f"{persona} POST {url} ({side}): {response.status_code}≠404")
            if snapshot() != before:
                failures.append(f"{persona} POST {url} ({side}) changed the database")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("side", ["d1", "d2"])
@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.kind in WRITES))
def test_the_swept_forms_do_change_things_for_an_officer(sweep, name, side):
    """The forms the sweep posts are valid: in scope they write. So a 404 above is the
    scope check at work, not a form error."""
    route = ROUTES[name]
    assert route.form is not None
    t = target(sweep, side)
    before = snapshot()
    response = login_as(sweep, "olga").post(url_for(name, t), route.form(t))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert snapshot() != before


# --- Lists ------------------------------------------------------------------------------------


def _all_pages(client: Client, url: str) -> list[str]:
    first = client.get(url)
    assert first.status_code == 200, (url, first.status_code)
    pages = [first.content.decode()]
    if "page" not in first.context:
        return pages
    paginator = first.context["page"].paginator
    for number in range(2, paginator.num_pages + 1):
        pages.append(client.get(url, {"page": number}).content.decode())
    return pages


def _record_views(sweep: Sweep) -> None:
    """Everyone opens what they may, so the audit trail holds acts from both sides."""
    for persona in PERSONAS:
        client = login_as(sweep, persona)
        for key in VISIBLE[persona][1]:
            assert (
                client.get(reverse("members:detail", args=[sweep.members[key].pk])).status_code
                == 200
            )


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.kind == LIST))
def test_list_pages_hold_no_foreign_names(sweep, name):
    _record_views(sweep)
    failures = []
    for persona in PERSONAS:
        text = "".join(_all_pages(login_as(sweep, persona), reverse(name)))
        if leaks(text, persona):
            failures.append(f"{persona} {name}: {leaks(text, persona)}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_member_list_holds_only_members_in_scope(sweep, persona):
    client = login_as(sweep, persona)
    text = "".join(_all_pages(client, reverse("members:list")))
    assert leaks(text, persona) == []
    for key in VISIBLE[persona][1]:
        assert MEMBERS[key][0] in text, (persona, key)
    visible_ids = {sweep.members[key].pk for key in VISIBLE[persona][1]}
    # The search and the identity lookups do not reach outside either.
    for query in ["nguyen", "le hai", "pham van tu", "012345678901", "M-HAI", "M-DUC"]:
        # (the page echoes the query back in the search box; that is not a leak)
        page = client.get(reverse("members:list"), {"q": query})
        assert leaks(page.content.decode().replace(query, ""), persona) == [], (persona, query)
        partial = client.get(reverse("members:list"), {"q": query}, HTTP_HX_REQUEST="true")
        assert leaks(partial.content.decode(), persona) == [], (persona, query)
        assert {m.pk for m in partial.context["page"]} <= visible_ids, (persona, query)


def _file_text(response: Any) -> str:
    """The text of a downloaded CSV or XLSX file; "" for a PDF, whose text is stored in
    subset-font codes (its row count is checked instead)."""
    from openpyxl import load_workbook

    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith("text/csv"):
        return str(body.decode("utf-8-sig"))
    if body.startswith(b"PK"):
        book = load_workbook(io.BytesIO(body), read_only=True)
        cells = (v for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row)
        return "\n".join(str(v) for v in cells if v is not None)
    return ""


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.kind == EXPORT))
def test_exported_lists_hold_only_members_in_scope(sweep, name):
    failures = []
    for persona in PERSONAS:
        response = login_as(sweep, persona).get(reverse(name))
        text = _file_text(response) if response.status_code == 200 else ""
        entry = AuditEntry.objects.filter(action="export.members").order_by("-id").first()
        visible = VISIBLE[persona][1]
        if response.status_code != 200 or entry is None or entry.actor_label != persona:
            failures.append(f"{persona} {name}: {response.status_code}, audit {entry}")
        elif entry.changes["rows"] != len(visible) or leaks(text, persona):
            failures.append(
                f"{persona} {name}: {entry.changes['rows']} rows, {leaks(text, persona)}"
            )
        elif text and any(MEMBERS[key][0] not in text for key in visible):
            failures.append(f"{persona} {name}: missing members of the scope")
    assert not failures, "\n".join(failures)


def _tree_codes(client: Client) -> tuple[set[str], str]:
    """Every unit code reachable in the tree page by expanding every node."""
    response = client.get(reverse("orgs:tree"))
    assert response.status_code == 200
    html = response.content.decode()
    texts = [html]
    pending = re.findall(r'hx-get="(/orgs/\d+/children/)"', html)
    seen: set[str] = set()
    while pending:
        url = pending.pop()
        if url in seen:
            continue
        seen.add(url)
        part = client.get(url)
        assert part.status_code == 200, url
        texts.append(part.content.decode())
        pending += re.findall(r'hx-get="(/orgs/\d+/children/)"', part.content.decode())
    text = "".join(texts)
    return set(re.findall(r'data-code="([^"]+)"', text)), text


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_tree_holds_only_units_in_scope(sweep, persona):
    codes, text = _tree_codes(login_as(sweep, persona))
    assert codes == VISIBLE[persona][0]
    assert leaks(text, persona) == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_audit_trail_holds_only_entries_in_scope(sweep, persona):
    _record_views(sweep)
    client = login_as(sweep, persona)
    text = "".join(_all_pages(client, reverse("audit")))
    assert leaks(text, persona) == []
    entries = list(client.get(reverse("audit")).context["page"])
    if VISIBLE[persona][0]:
        assert entries, f"{persona} should see the entries of their own units"


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_lists_hold_only_what_is_in_scope(sweep, persona):
    client = login_as(sweep, persona)
    units, members = VISIBLE[persona]
    roots = client.get("/api/v1/orgs/").json()["items"]
    assert {o["code"] for o in roots} <= units
    listed = client.get("/api/v1/members/", {"limit": 500}).json()["items"]
    assert {m["member_id"] for m in listed} == {MEMBERS[k][1] for k in members}
    for query in ["nguyen", "le hai", "012345678901"]:
        found = client.get("/api/v1/members/", {"q": query}).json()["items"]
        assert {m["member_id"] for m in found} <= {MEMBERS[k][1] for k in members}
    for code in units:
        children = client.get(f"/api/v1/orgs/{code}/children").json()["items"]
        assert {c["code"] for c in children} <= units
        below = client.get("/api/v1/orgs/", {"parent": code}).json()["items"]
        assert {c["code"] for c in below} <= units
    found_units = client.get("/api/v1/orgs/", {"q": "chi bộ"}).json()["items"]
    assert {o["code"] for o in found_units} <= units
    events = client.get("/api/v1/events/", {"limit": 500}).json()["items"]
    assert {e["org_code"] for e in events} <= units
    assert {e["member_id"] for e in events} <= {MEMBERS[k][1] for k in members}
    for page in [roots, listed, found_units, events]:
        assert leaks(str(page), persona) == []


# --- Personal API tokens --------------------------------------------------------------------------


def _tokens(sweep: Sweep) -> dict[str, tuple[ApiToken, str]]:
    """One token per persona, named after its owner."""
    users = sweep.world.users
    return {p: token_create(actor=None, user=users[p], name=f"{p}'s tool") for p in PERSONAS}


def test_tokens_are_their_owners_alone(sweep):
    """The token page lists your own tokens only; revoking anyone else's is a 404 that
    changes nothing; your own you may revoke."""
    tokens = _tokens(sweep)
    failures = []
    for persona in PERSONAS:
        client = login_as(sweep, persona)
        page = client.get(reverse("accounts:tokens"))
        listed = {t.name for t in page.context["tokens"]}
        if listed != {f"{persona}'s tool"}:
            failures.append(f"{persona} sees tokens {listed}")
        for owner, (token, _secret) in tokens.items():
            if owner == persona:
                continue
            before = snapshot()
            response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
            if response.status_code != 404:
                failures.append(f"{persona} revoking {owner}'s token: {response.status_code}≠404")
            if ApiToken.objects.get(pk=token.pk).revoked_at or snapshot() != before:
                failures.append(f"{persona} revoking {owner}'s token changed something")
    for persona, (token, _secret) in tokens.items():
        response = login_as(sweep, persona).post(reverse("accounts:token_revoke", args=[token.pk]))
        assert response.status_code == 302, persona
        assert ApiToken.objects.get(pk=token.pk).revoked_at is not None, persona
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("key", API_READS, ids=_api_id)
def test_a_token_reads_exactly_what_the_session_reads(sweep, key):
    """The same scope either way: every API route, filled with every side, answers a
    persona's token just as it answers the persona's session."""
    params = api_operations()[key]
    tokens = _tokens(sweep)
    failures = []
    for persona in PERSONAS:
        session = login_as(sweep, persona)
        token = Client(HTTP_AUTHORIZATION=f"Bearer {tokens[persona][1]}")
        urls = [
            api_url(key[1], params, target(sweep, side), fill_query=True)
            for side in ACCESS[persona]
        ]
        if "{" not in key[1]:
            urls.append(key[1])
        for url in urls:
            by_session, by_token = session.get(url), token.get(url)
            # compared as bytes: an attachment is a PDF, not JSON
            if (by_session.status_code, by_session.getvalue()) != (
                by_token.status_code,
                by_token.getvalue(),
            ):
                failures.append(
                    f"{persona} GET {url}: session {by_session.status_code}, "
                    f"token {by_token.status_code}"
                )
    assert not failures, "\n".join(failures)


# --- API objects ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", API_READS, ids=_api_id)
def test_api_objects_open_only_within_scope(sweep, key):
    """Path (and unit-filter) parameters filled with each side: 200 in scope, 404 JSON out;
    a list without such parameters answers 200 and holds nothing foreign."""
    route = API_ROUTES[key]
    params = api_operations()[key]
    fillable = any(p["name"] in API_PARAMS for p in params)
    kind = UNIT if route.kind == LIST else route.kind
    failures = []
    for persona in PERSONAS:
        client = login_as(sweep, persona)
        if route.kind == READER and not fillable:
            response = client.get(key[1])
            expected = 200 if VISIBLE[persona][1] == {persona} else 404
            if response.status_code != expected or leaks(_text(response), persona):
                failures.append(f"{persona} GET {key[1]}: {response.status_code}≠{expected}")
            continue
        if not fillable:
            response = client.get(key[1], {"limit": 500})
            if response.status_code != 200 or leaks(_text(response), persona):
                failures.append(
                    f"{persona} GET {key[1]}: {response.status_code}, leaks "
                    f"{leaks(_text(response), persona)}"
                )
            continue
        for side, level in ACCESS[persona].items():
            url = api_url(key[1], params, target(sweep, side), fill_query=True)
            response = client.get(url)
            expected = (
                (200 if level == SELF else 404)
                if route.kind == READER
                else expected_status(kind, level)
            )
            if response.status_code != expected:
                failures.append(f"{persona} GET {url} ({side}): {response.status_code}≠{expected}")
            elif expected == 404:
                body = response.json()
                if set(body) != {"code", "message"} or body["code"] != "not_found":
                    failures.append(f"{persona} GET {url}: body {body}")
            elif leaks(_text(response), persona):
                failures.append(f"{persona} GET {url}: leaks {leaks(_text(response), persona)}")
    assert not failures, "\n".join(failures)


def test_units_above_the_scope_are_404_too(sweep):
    bt, d1 = sweep.org("BT"), sweep.org("D1")
    alice = login_as(sweep, "alice")
    for url in [reverse("orgs:detail", args=[bt.pk]), reverse("orgs:children", args=[bt.pk])]:
        assert alice.get(url).status_code == 404, url
    assert_not_found_json(alice.get("/api/v1/orgs/BT"), "BT")
    assert_not_found_json(alice.get("/api/v1/orgs/BT/children"), "BT children")
    # Her own root is hers to read and to fill, but not to restructure (that is the province's).
    assert alice.get(reverse("orgs:detail", args=[d1.pk])).status_code == 200
    assert alice.get(reverse("orgs:rename", args=[d1.pk])).status_code == 404
    assert alice.get(reverse("orgs:establish", args=[d1.pk])).status_code == 200


# --- The personas, one by one ------------------------------------------------------------------


def test_the_secretary_reads_her_cell_and_changes_nothing(sweep):
    sam = login_as(sweep, "sam")
    duc, c1 = sweep.member("duc"), sweep.org("C1")
    assert sam.get(reverse("orgs:detail", args=[c1.pk])).status_code == 200
    page = sam.get(reverse("members:detail", args=[duc.pk]))
    assert page.status_code == 200 and "Nguyễn Văn Đức" in page.content.decode()
    assert page.context["can_write"] is False
    before, fields = counts(), Member.objects.filter(pk=duc.pk).values().get()
    t = target(sweep, "c1")
    for name in ("members:edit", "members:event", "members:void", "members:create"):
        form = ROUTES[name].form
        assert form is not None
        assert sam.post(url_for(name, t), form(t)).status_code == 404, name
    assert counts() == before
    assert Member.objects.filter(pk=duc.pk).values().get() == fields


def test_a_member_sees_only_his_own_record(sweep):
    minh = login_as(sweep, "minh")
    own = minh.get(reverse("members:detail", args=[sweep.members["minh"].pk]))
    assert own.status_code == 200 and "Nguyễn Văn Minh" in own.content.decode()
    for key in ("duc", "lan", "hai", "tu"):
        assert minh.get(reverse("members:detail", args=[sweep.members[key].pk])).status_code == 404
        assert_not_found_json(minh.get(f"/api/v1/members/{sweep.members[key].pk}"), key)
    listed = minh.get(reverse("members:list"))
    assert [m.pk for m in listed.context["page"]] == [sweep.members["minh"].pk]
    api_listed = minh.get("/api/v1/members/").json()["items"]
    assert [m["member_id"] for m in api_listed] == ["M-MINH"]
    assert minh.get(f"/api/v1/members/{sweep.members['minh'].pk}/events").status_code == 200
    assert minh.get(reverse("orgs:detail", args=[sweep.org("C1").pk])).status_code == 404


def test_an_outsider_gets_an_empty_tree_and_404s(sweep):
    charlie = login_as(sweep, "charlie")
    tree = charlie.get(reverse("orgs:tree"))
    assert tree.status_code == 200 and tree.context["roots"] == []
    assert charlie.get(reverse("members:list")).context["page"].paginator.count == 0
    assert charlie.get("/api/v1/orgs/").json()["items"] == []
    assert charlie.get("/api/v1/members/").json()["items"] == []
    for org in sweep.orgs.values():
        assert charlie.get(reverse("orgs:detail", args=[org.pk])).status_code == 404
        assert_not_found_json(charlie.get(f"/api/v1/orgs/{org.code}"), org.code)
    for member in sweep.members.values():
        assert charlie.get(reverse("members:detail", args=[member.pk])).status_code == 404


def test_an_official_without_the_second_factor_reads_nothing(sweep):
    """Until the second factor is given the user has no scope (accounts.middleware) — on
    the web and through the API alike."""
    Role.objects.filter(user=sweep.world.users["olga"]).update(require_2fa=True)
    olga = login_as(sweep, "olga")
    duc = sweep.members["duc"]
    response = olga.get(reverse("members:detail", args=[duc.pk]))
    assert response.status_code == 302
    assert response["Location"].split("?")[0] == reverse("accounts:two_factor")
    listed = olga.get("/api/v1/members/")
    assert listed.status_code in (401, 403) or listed.json()["items"] == [], listed.content
    record = olga.get(f"/api/v1/members/{duc.pk}")
    assert record.status_code in (401, 403, 404), record.content


# --- Positive access: a clerk at work on her own subtree ----------------------------------------


def test_a_clerk_opens_edits_and_records_an_event_for_her_own_member(sweep):
    alice = login_as(sweep, "alice")
    duc = sweep.member("duc")
    audit_before = AuditEntry.objects.count()

    page = alice.get(reverse("members:detail", args=[duc.pk]))
    assert page.status_code == 200 and page.context["can_write"] is True
    assert AuditEntry.objects.filter(action="member.view", object_id=str(duc.pk)).exists()

    form = edit_form(target(sweep, "d1"))
    response = alice.post(reverse("members:edit", args=[duc.pk]), form)
    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", args=[duc.pk])
    assert Member.objects.get(pk=duc.pk).phone == "0912345678"

    events_before = MemberEvent.objects.filter(member=duc).count()
    response = alice.post(
        reverse("members:event", args=[duc.pk]),
        {
            "kind": "transferred",
            "date": DAY,
            "org_code": "C2",
            "version": Member.objects.get(pk=duc.pk).version,
        },
    )
    assert response.status_code == 302
    duc.refresh_from_db()
    assert duc.org.code == "C2"
    assert MemberEvent.objects.filter(member=duc).count() == events_before + 1
    assert AuditEntry.objects.count() >= audit_before + 3  # view, update, transfer


def test_an_event_of_a_foreign_member_is_404_through_her_own_member(sweep):
    alice = login_as(sweep, "alice")
    duc, foreign = sweep.member("duc"), target(sweep, "d2").event
    url = reverse("members:void", args=[duc.pk, foreign.pk])
    before = snapshot()
    assert alice.get(url).status_code == 404
    assert alice.post(url, {"reason": "Nhập nhầm", "version": duc.version}).status_code == 404
    assert snapshot() == before


def _code_error(response: Any, field: str) -> str:
    assert response.status_code == 200, response.status_code
    return " ".join(response.context["form"].errors[field])


@pytest.mark.parametrize("name", ["orgs:move", "orgs:merge", "orgs:dissolve"])
def test_a_foreign_unit_cannot_be_named_as_destination(sweep, name):
    """Naming a unit outside the scope reads exactly like naming one that does not exist."""
    alice, g1 = login_as(sweep, "alice"), sweep.org("G1")
    url = reverse(name, args=[g1.pk])
    before = snapshot()
    foreign = _code_error(alice.post(url, {"target_code": "G2", **DECISION}), "target_code")
    missing = _code_error(alice.post(url, {"target_code": "NOPE", **DECISION}), "target_code")
    assert foreign.replace("G2", "NOPE") == missing
    assert snapshot() == before


def test_a_clerk_cannot_transfer_her_member_into_a_foreign_unit(sweep):
    alice = login_as(sweep, "alice")
    duc = sweep.member("duc")
    before = snapshot()
    response = alice.post(
        reverse("members:event", args=[duc.pk]),
        {"kind": "transferred", "date": DAY, "org_code": "C3", "version": duc.version},
    )
    assert response.status_code == 200  # the form again, with the error on the unit code
    assert "org_code" in response.context["form"].errors
    assert snapshot() == before


# --- Imports: the upload page, one's own jobs, rows only inside one's own scope -------------

IMPORT_WRITERS = {"olga", "alice", "bob"}


def _members_file(cell: str, code: str = "M-UP") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = (
        "member_id,full_name,birth_date,gender,org_code,admitted_on\n"
        f"{code},Võ Thị Mới,1990-06-05,female,{cell},2020-02-01\n"
    )
    return SimpleUploadedFile("roster.csv", content.encode(), content_type="text/csv")


def _own_root(sweep: Sweep, persona: str) -> str:
    return {"olga": "BT", "alice": "D1", "bob": "D2"}[persona]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_import_page_is_only_for_those_who_keep_records(sweep, media, persona):
    client = login_as(sweep, persona)
    url = reverse("members:import")
    response = client.get(url)
    assert response.status_code == (200 if persona in IMPORT_WRITERS else 404)
    if persona in IMPORT_WRITERS:
        assert leaks(response.content.decode(), persona) == []
        others = {"alice.csv", "bob.csv"} - {f"{persona}.csv"}
        assert not any(name in response.content.decode() for name in others)
        return
    before = snapshot()
    jobs = ImportJob.objects.count()
    posted = client.post(url, {"kind": "members", "org": "C1", "file": _members_file("C1")})
    assert posted.status_code == 404
    assert snapshot() == before and ImportJob.objects.count() == jobs


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.kind == JOB))
def test_an_import_job_opens_only_for_whoever_started_it(sweep, name):
    route = ROUTES[name]
    failures = []
    for persona in PERSONAS:
        client = login_as(sweep, persona)
        for side in ("d1", "d2"):
            t = target(sweep, side)
            owner = "alice" if side == "d1" else "bob"
            response = client.get(reverse(name, kwargs=route.kwargs(t)))
            expected = 200 if persona == owner else 404
            if response.status_code != expected:
                failures.append(f"{persona} {name} {side}: {response.status_code}≠{expected}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("persona", "own", "foreign"), [("alice", "C2", "C3"), ("bob", "C3", "C1")]
)
def test_an_upload_writes_only_inside_the_uploaders_scope(sweep, media, persona, own, foreign):
    client = login_as(sweep, persona)
    url = reverse("members:import")
    root = _own_root(sweep, persona)

    before = snapshot()
    refused = client.post(url, {"kind": "members", "org": root, "file": _members_file(foreign)})
    job = ImportJob.objects.latest("pk")
    assert refused.status_code == 302 and job.status == ImportJob.Status.FAILED
    assert snapshot() == before
    [error] = job.result["errors"]
    assert (error["line"], error["column"]) == (2, "org_code")
    missing = client.post(url, {"kind": "members", "org": root, "file": _members_file("NOPE")})
    assert missing.status_code == 302
    [missing_error] = ImportJob.objects.latest("pk").result["errors"]
    # A foreign unit reads exactly like one that does not exist.
    assert error["message"].replace(foreign, "NOPE") == missing_error["message"]

    done = client.post(url, {"kind": "members", "org": root, "file": _members_file(own)})
    assert done.status_code == 302
    assert ImportJob.objects.latest("pk").status == ImportJob.Status.DONE
    assert Member.objects.get(member_code="M-UP").org.code == own


def test_an_upload_cannot_be_aimed_at_a_foreign_subtree(sweep, media):
    alice = login_as(sweep, "alice")
    before, jobs = snapshot(), ImportJob.objects.count()
    response = alice.post(
        reverse("members:import"), {"kind": "members", "org": "D2", "file": _members_file("C3")}
    )
    assert response.status_code == 200  # the form again: D2 is not among her choices
    assert "org" in response.context["form"].errors
    assert snapshot() == before and ImportJob.objects.count() == jobs


# --- Documents and the handbook -----------------------------------------------------------------


READS = ("post", "/api/v1/handbook/reads")
# A valid body for each handbook write that takes one (what it would write, if let through).
API_BODIES: dict[tuple[str, str], Callable[[Target], dict[str, Any]]] = {
    READS: lambda t: {"reads": [{"document_id": t.document.pk, "read_at": "2025-01-01T08:00:00Z"}]},
    ("post", "/api/v1/handbook/assessments/{assessment_id}/self"): lambda t: {
        "level": "good",
        "version": _assessment(t).version,
    },
}


@pytest.mark.parametrize("key", API_WRITES, ids=_api_id)
def test_handbook_writes_reach_only_the_callers_own_documents(sweep, key):
    """A bookmark or a reading: only a member, only on a document addressed to them; any
    other is a 404 JSON (or a reading listed as unknown) that changes nothing."""
    method, path = key
    params = api_operations()[key]
    failures = []
    for persona in PERSONAS:
        client = login_as(sweep, persona)
        for side, level in ACCESS[persona].items():
            t = target(sweep, side)
            url = api_url(path, params, t, fill_query=True)
            body = API_BODIES.get(key, lambda t: {})(t)
            before = snapshot()
            response = getattr(client, method)(url, body, content_type="application/json")
            own = level == SELF
            if key == READS and persona == "minh":  # a member's reading of another's
                recorded = response.json().get("recorded")
                if recorded != ([t.document.pk] if own else []):
                    failures.append(f"minh POST reads ({side}): recorded {recorded}")
                if not own and snapshot() != before:
                    failures.append(f"minh POST reads ({side}) changed the database")
                continue
            if response.status_code != (200 if own else 404):
                failures.append(f"{persona} {method} {url} ({side}): {response.status_code}")
            elif not own and snapshot() != before:
                failures.append(f"{persona} {method} {url} ({side}) changed the database")
    assert not failures, "\n".join(failures)


def test_a_clerk_cannot_see_issue_or_read_the_figures_of_a_sibling_district(sweep):
    bob = login_as(sweep, "bob")
    d1 = target(sweep, "d1")
    before = snapshot()
    for name in ("documents:detail", "documents:amend", "documents:withdraw"):
        assert bob.get(reverse(name, args=[d1.document.pk])).status_code == 404, name
    issued = bob.post(reverse("documents:issue", args=[sweep.org("G1").pk]), issue_form(d1))
    assert issued.status_code == 404
    listed = bob.get(reverse("documents:list")).context["page"]
    assert {d.issuer.code for d in listed} <= {"D2", "G2", "C3", "C4"}
    assert snapshot() == before

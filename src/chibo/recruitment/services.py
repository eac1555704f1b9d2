"""Every write on the road in, each in one transaction with its audit row.

The caller has checked the scope: cell steps need the cell kept by the user (a clerk
above it, or the cell's secretary), committee steps need write scope over the committee
directly above the cell (see `views`). Each step checks its rule (`rules`) and refuses
with the reason, writing nothing; then the candidate's stage and next deadline are
derived again (`_settle`).
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from chibo.core.audit import audit_record
from chibo.core.errors import RuleViolation, StaleEdit
from chibo.core.workdays import add_working_days
from chibo.members.models import EventKind, Gender, Member, Occupation, Status
from chibo.members.services import event_record, member_create, member_update
from chibo.orgs.kinds import Kind, can_hold_members
from chibo.orgs.models import Organization

from . import rules
from .models import (
    Attendance,
    AwarenessClass,
    Candidate,
    CardRange,
    DossierPaper,
    Due,
    Introducer,
    OrgIntroduction,
    Paper,
    Source,
    Stage,
)

FILE_SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}
PAPERS_FOR_CELL_RESOLUTION = [Paper.P1, Paper.P2, Paper.P5]
PAPERS_FOR_RECOGNITION = [Paper.P10, Paper.P11, Paper.P12]
OPEN_STAGES = [
    s for s in Stage if s not in (Stage.RECOGNIZED, Stage.PROBATION_FAILED, Stage.DROPPED)
]


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _day(day: dt.date | None, *, field: str, today: dt.date | None = None) -> dt.date:
    if not isinstance(day, dt.date):
        raise RuleViolation(_("Give the date."), field=field)
    if day > (today or timezone.localdate()):
        raise RuleViolation(_("The date cannot be in the future."), field=field)
    return day


def _not_before(day: dt.date, earlier: dt.date | None, what: str, *, field: str) -> None:
    if earlier and day < earlier:
        raise RuleViolation(
            _("The date is before %(what)s (%(day)s).") % {"what": what, "day": _d(earlier)},
            field=field,
        )


def derive(c: Candidate) -> tuple[str, dt.date | None, dt.date | None, str]:
    """Stage, the day it was reached, and the next deadline (day, what) from the steps."""
    if c.stage in (Stage.PROBATION_FAILED, Stage.DROPPED):
        return c.stage, c.ended_on, None, ""
    if c.recognition_decided_on:
        return Stage.RECOGNIZED, c.recognition_decided_on, None, ""
    if c.decision_on:
        if not c.ceremony_on:
            due = add_working_days(c.decision_on, rules.CEREMONY_WORKING_DAYS)
            return Stage.ADMITTED, c.decision_on, due, Due.CEREMONY
        if not c.recognition_cell_on:
            assert c.probation_ends_on is not None
            due = add_working_days(c.probation_ends_on, rules.RECOGNITION_RESOLUTION_WORKING_DAYS)
            return Stage.ADMITTED, c.decision_on, due, Due.RECOGNITION_RESOLUTION
        due = add_working_days(c.recognition_cell_on, rules.RECOGNITION_DECISION_WORKING_DAYS)
        return Stage.ADMITTED, c.decision_on, due, Due.RECOGNITION_DECISION
    if c.cell_resolution_on:
        due = rules.decision_deadline(c.cell_resolution_on, extended=bool(c.extension_reason))
        if c.committee_resolution_on:
            return Stage.COMMITTEE_RESOLUTION, c.committee_resolution_on, due, Due.DECISION
        return Stage.CELL_RESOLUTION, c.cell_resolution_on, due, Due.DECISION
    papers = list(c.papers.values_list("dated", flat=True)) if c.pk else []
    if papers or (c.pk and c.introducers.exists()):
        return Stage.DOSSIER, min(papers) if papers else c.stage_since, None, ""
    passed = _passed_class_ends(c)
    if passed:
        return Stage.CLASS_ATTENDED, max(passed), None, ""
    return Stage.SYMPATHIZER, c.proposed_on, None, ""


def _passed_class_ends(c: Candidate) -> list[dt.date]:
    if not c.pk:
        return []
    return list(
        Attendance.objects.filter(candidate=c, passed=True).values_list(
            "awareness_class__ended_on", flat=True
        )
    )


def _settle(c: Candidate, *, update: list[str] | None = None) -> Candidate:
    """Derive stage and deadline again and save the row (with the changed step fields)."""
    c.stage, c.stage_since, c.due_on, c.due_what = derive(c)
    c.version += 1
    fields = ["stage", "stage_since", "due_on", "due_what", "version", "updated_at"]
    c.save(update_fields=[*(update or []), *fields])
    return c


def _lock(candidate: Candidate, version: int | None) -> Candidate:
    fresh = Candidate.objects.select_for_update().select_related("org").get(pk=candidate.pk)
    if version is not None and fresh.version != version:
        raise StaleEdit(
            _("This record was changed by someone else after you opened it. Reload and try again.")
        )
    return fresh


def _expect(c: Candidate, stages: list[str], what: str) -> None:
    if c.stage not in stages:
        raise RuleViolation(
            _("%(what)s is not possible at this stage (%(stage)s).")
            % {"what": what, "stage": Stage(c.stage).label}
        )


def _audit(actor: Any, action: str, c: Candidate, **changes: Any) -> None:
    audit_record(
        actor=actor, action=f"recruitment.{action}", obj=c, org_id=c.org_id, changes=changes
    )


def _names(full: dict[str, Any]) -> dict[str, str]:
    out = {
        k: " ".join(str(full.get(k) or "").split())
        for k in ("family_name", "middle_name", "given_name")
    }
    if not out["given_name"]:
        raise RuleViolation(_("A person needs a given name."), field="given_name")
    return out


def check_helper(helper: Member | None, cell: Organization) -> None:
    if helper is None:
        return
    if helper.status != Status.OFFICIAL:
        raise RuleViolation(
            _("%(name)s is not an official member and cannot be the helping member.")
            % {"name": helper.full_name},
            field="helper",
        )
    if helper.org_id != cell.pk:
        raise RuleViolation(
            _("The helping member must belong to %(cell)s.") % {"cell": cell.name}, field="helper"
        )


@transaction.atomic
def candidate_propose(
    *,
    actor: Any,
    org: Organization,
    given_name: str,
    birth_date: dt.date,
    family_name: str = "",
    middle_name: str = "",
    gender: str,
    occupation: str = Occupation.OTHER,
    education: str = "",
    national_id: str = "",
    source: str = Source.OTHER,
    proposed_on: dt.date | None = None,
    helper: Member | None = None,
    person_id: str = "",
    imported: bool = False,
) -> Candidate:
    """Put a person proposed by a mass organization on a cell's list of sympathizers.
    An imported class roster gives no gender (`imported`): it is recorded before the decision."""
    if not can_hold_members(org.kind) or not org.is_active:
        raise RuleViolation(_("Sympathizers are kept by a live cell."), field="org")
    names = _names(
        {"family_name": family_name, "middle_name": middle_name, "given_name": given_name}
    )
    if not isinstance(birth_date, dt.date) or birth_date > timezone.localdate():
        raise RuleViolation(_("Give a birth date in the past."), field="birth_date")
    if gender not in Gender.values and not (imported and gender == ""):
        raise RuleViolation(_("Gender must be male or female."), field="gender")
    if occupation not in Occupation.values:
        raise RuleViolation(_("Unknown occupation segment."), field="occupation")
    if source not in Source.values:
        raise RuleViolation(_("Unknown mass organization."), field="source")
    national_id = (national_id or "").strip()
    if national_id and not (len(national_id) == 12 and national_id.isdigit()):
        raise RuleViolation(_("A national ID has 12 digits."), field="national_id")
    proposed_on = _day(proposed_on or timezone.localdate(), field="proposed_on")
    check_helper(helper, org)
    person_id = (person_id or "").strip()
    if person_id and Candidate.objects.filter(person_id=person_id).exists():
        raise RuleViolation(
            _("The person id %(id)s is already used.") % {"id": person_id}, field="person_id"
        )
    c = Candidate(
        person_id=person_id or f"tmp-{timezone.now().timestamp()}",
        birth_date=birth_date,
        gender=gender,
        occupation=occupation,
        education=" ".join(education.split()),
        national_id=national_id,
        org=org,
        source=source,
        proposed_on=proposed_on,
        helper=helper,
        stage_since=proposed_on,
        **names,
    )
    c.refresh_name_keys()
    try:
        with transaction.atomic():
            c.save()
    except IntegrityError as exc:
        raise RuleViolation(_("This person conflicts with an existing one.")) from exc
    if not person_id:
        c.person_id = f"P{c.pk:08d}"
        c.save(update_fields=["person_id"])
    _audit(
        actor,
        "propose",
        c,
        org=org.code,
        source=source,
        helper=helper.member_code if helper else None,
        imported=imported,
        **names,
    )
    return c


PERSON_FIELDS = [
    "family_name",
    "middle_name",
    "given_name",
    "birth_date",
    "gender",
    "occupation",
    "education",
    "national_id",
    "source",
]


@transaction.atomic
def candidate_update(
    *, actor: Any, candidate: Candidate, version: int | None = None, **changes: Any
) -> Candidate:
    """Correct the person's particulars (an imported roster leaves the gender blank).
    Once admitted, the member's record is the one to correct."""
    c = _lock(candidate, version)
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise RuleViolation(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if c.member_id:
        raise RuleViolation(_("The person is a member now: correct the member's record."))
    data = {k: (" ".join(str(v).split()) if isinstance(v, str) else v) for k, v in changes.items()}
    names = _names(
        {k: data.get(k, getattr(c, k)) for k in ("family_name", "middle_name", "given_name")}
    )
    data.update(names)
    birth = data.get("birth_date", c.birth_date)
    if not isinstance(birth, dt.date) or birth > timezone.localdate():
        raise RuleViolation(_("Give a birth date in the past."), field="birth_date")
    if data.get("gender", c.gender) not in Gender.values:
        raise RuleViolation(_("Gender must be male or female."), field="gender")
    if data.get("occupation", c.occupation) not in Occupation.values:
        raise RuleViolation(_("Unknown occupation segment."), field="occupation")
    if data.get("source", c.source) not in Source.values:
        raise RuleViolation(_("Unknown mass organization."), field="source")
    national_id = data.get("national_id", c.national_id) or ""
    if national_id and not (len(national_id) == 12 and national_id.isdigit()):
        raise RuleViolation(_("A national ID has 12 digits."), field="national_id")
    if c.cell_resolution_on and birth != c.birth_date:
        # the age rule was checked on the cell's day with the old birth date
        rules.check_age(birth, c.cell_resolution_on, over_age_approval=c.over_age_approval)
    before = {k: getattr(c, k) for k in data}
    changed = {k: [before[k], v] for k, v in data.items() if before[k] != v}
    if not changed:
        return c
    for key, value in data.items():
        setattr(c, key, value)
    c.refresh_name_keys()
    _settle(c, update=[*data, "sort_key"])
    _audit(actor, "update", c, **changed)
    return c


@transaction.atomic
def helper_assign(*, actor: Any, candidate: Candidate, helper: Member | None) -> Candidate:
    c = _lock(candidate, None)
    check_helper(helper, c.org)
    before = c.helper_id
    c.helper = helper
    c.version += 1
    c.save(update_fields=["helper", "version", "updated_at"])
    _audit(actor, "helper", c, helper=[before, helper.pk if helper else None])
    return c


@transaction.atomic
def class_create(
    *,
    actor: Any,
    org: Organization,
    code: str,
    ended_on: dt.date,
    name: str = "",
    started_on: dt.date | None = None,
) -> AwarenessClass:
    code = " ".join((code or "").split())
    if not code:
        raise RuleViolation(_("A class needs a code."), field="code")
    if AwarenessClass.objects.filter(code=code).exists():
        raise RuleViolation(_("The class code %(c)s is already used.") % {"c": code}, field="code")
    if not isinstance(ended_on, dt.date):
        raise RuleViolation(_("Give the day the class ends."), field="ended_on")
    if started_on and started_on > ended_on:
        raise RuleViolation(_("The class ends before it starts."), field="ended_on")
    klass = AwarenessClass.objects.create(
        code=code, name=" ".join(name.split()), org=org, started_on=started_on, ended_on=ended_on
    )
    audit_record(
        actor=actor,
        action="recruitment.class.create",
        obj=klass,
        org_id=org.pk,
        changes={"code": code, "ended_on": ended_on, "started_on": started_on},
    )
    return klass


@transaction.atomic
def attendance_record(
    *,
    actor: Any,
    awareness_class: AwarenessClass,
    candidate: Candidate,
    passed: bool,
    certificate_no: str = "",
) -> Attendance:
    """Put the person in the class (or change the result); a pass moves a sympathizer on."""
    c = _lock(candidate, None)
    certificate_no = " ".join((certificate_no or "").split())
    if passed and awareness_class.ended_on > timezone.localdate():
        raise RuleViolation(_("A class that has not ended yet has no results."), field="passed")
    row, created = Attendance.objects.get_or_create(
        awareness_class=awareness_class,
        candidate=c,
        defaults={"org": c.org, "passed": passed, "certificate_no": certificate_no},
    )
    if not created:
        if (row.passed, row.certificate_no) == (passed, certificate_no):
            return row
        row.passed, row.certificate_no = passed, certificate_no
        row.save(update_fields=["passed", "certificate_no"])
    _settle(c)
    _audit(
        actor,
        "class.attendance",
        c,
        awareness_class=awareness_class.code,
        passed=passed,
        certificate_no=certificate_no,
    )
    return row


def check_upload(upload: UploadedFile) -> str:
    """The content type of a PDF or image within the size limit; RuleViolation otherwise."""
    limit = int(getattr(settings, "DOCUMENT_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
    if upload.size is not None and upload.size > limit:
        raise RuleViolation(
            _("%(name)s is larger than the limit of %(limit)s.")
            % {"name": upload.name, "limit": filesizeformat(limit)},
            field="file",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for magic, content_type in FILE_SIGNATURES.items():
        if head.startswith(magic):
            return content_type
    raise RuleViolation(
        _("%(name)s is not a PDF, JPEG or PNG file.") % {"name": upload.name}, field="file"
    )


@transaction.atomic
def paper_record(
    *,
    actor: Any,
    candidate: Candidate,
    code: str,
    dated: dt.date,
    upload: UploadedFile | None = None,
) -> DossierPaper:
    """Record one paper of the dossier with its date and scan (replacing an earlier one)."""
    c = _lock(candidate, None)
    if code not in Paper.values:
        raise RuleViolation(_("Unknown paper."), field="code")
    if c.stage in (Stage.RECOGNIZED, Stage.PROBATION_FAILED, Stage.DROPPED):
        raise RuleViolation(_("The dossier is closed."))
    dated = _day(dated, field="dated")
    content_type = check_upload(upload) if upload is not None else ""
    paper, created = DossierPaper.objects.get_or_create(
        candidate=c, code=code, defaults={"dated": dated, "recorded_by": _user(actor)}
    )
    paper.dated = dated
    paper.recorded_by = _user(actor)
    if upload is not None:
        name = upload.name or "scan"
        paper.file_name = name[:255]
        paper.content_type = content_type
        paper.file.save(name, upload, save=False)
    paper.save()
    _settle(c)
    _audit(actor, "paper", c, code=code, dated=dated, file=paper.file_name or None, new=created)
    return paper


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def introducer_add(
    *, actor: Any, candidate: Candidate, member: Member, known_since: dt.date
) -> Introducer:
    c = _lock(candidate, None)
    _expect(c, [Stage.SYMPATHIZER, Stage.CLASS_ATTENDED, Stage.DOSSIER], _("Adding an introducer"))
    known_since = _day(known_since, field="known_since")
    if member.status != Status.OFFICIAL:
        raise RuleViolation(
            _("%(name)s is not an official member and cannot introduce.")
            % {"name": member.full_name},
            field="member",
        )
    if Introducer.objects.filter(candidate=c, member=member).exists():
        raise RuleViolation(
            _("%(name)s already introduces this person.") % {"name": member.full_name}
        )
    row = Introducer.objects.create(candidate=c, member=member, known_since=known_since)
    _settle(c)
    _audit(actor, "introducer.add", c, member=member.member_code, known_since=known_since)
    return row


@transaction.atomic
def introducer_remove(*, actor: Any, introducer: Introducer) -> None:
    c = _lock(introducer.candidate, None)
    _expect(
        c, [Stage.SYMPATHIZER, Stage.CLASS_ATTENDED, Stage.DOSSIER], _("Removing an introducer")
    )
    code = introducer.member.member_code
    introducer.delete()
    _settle(c)
    _audit(actor, "introducer.remove", c, member=code)


def official_members_of(cell: Organization) -> int:
    """The cell's official members today (exempted members do not vote)."""
    return Member.objects.filter(org=cell, status=Status.OFFICIAL).count()


def _check_dossier_for_cell(c: Candidate, on: dt.date, org_introduction: str) -> None:
    dated = dict(c.papers.values_list("code", "dated"))
    needed = list(PAPERS_FOR_CELL_RESOLUTION)
    needed.append(Paper.P4 if org_introduction == OrgIntroduction.YOUTH_UNION else Paper.P3)
    missing = [code for code in needed if code not in dated or dated[code] > on]
    if missing:
        raise RuleViolation(
            _("The dossier lacks, on %(day)s: %(papers)s.")
            % {
                "day": _d(on),
                "papers": ", ".join(f"{code} ({Paper(code).label})" for code in missing),
            }
        )


@transaction.atomic
def cell_resolution_record(
    *,
    actor: Any,
    candidate: Candidate,
    on: dt.date,
    votes_for: int,
    org_introduction: str = "",
    over_age_approval: str = "",
    version: int | None = None,
) -> Candidate:
    """The cell's resolution proposing admission (6-KNĐ), after every rule of the step."""
    c = _lock(candidate, version)
    _expect(c, [Stage.SYMPATHIZER, Stage.CLASS_ATTENDED, Stage.DOSSIER], _("The cell's resolution"))
    on = _day(on, field="on")
    _not_before(on, c.proposed_on, _("the proposal"), field="on")
    if org_introduction not in OrgIntroduction.values:
        raise RuleViolation(_("Unknown kind of introduction."), field="org_introduction")
    over_age_approval = " ".join((over_age_approval or "").split())
    rules.check_age(c.birth_date, on, over_age_approval=over_age_approval)
    rules.check_certificate(_passed_class_ends(c), on)
    facts = [
        rules.IntroducerFact(
            name=i.member.full_name,
            is_official=i.member.status == Status.OFFICIAL
            and bool(i.member.recognized_on and i.member.recognized_on <= on),
            known_since=i.known_since,
        )
        for i in c.introducers.select_related("member")
    ]
    rules.check_introducers(facts, org_introduction=org_introduction, on=on)
    _check_dossier_for_cell(c, on, org_introduction)
    voters = official_members_of(c.org)
    rules.check_vote(votes_for, voters, body=_("the cell (its official members)"))
    c.cell_resolution_on = on
    c.cell_votes_for = votes_for
    c.cell_official_members = voters
    c.org_introduction = org_introduction
    c.over_age_approval = over_age_approval
    _settle(
        c,
        update=[
            "cell_resolution_on",
            "cell_votes_for",
            "cell_official_members",
            "org_introduction",
            "over_age_approval",
        ],
    )
    _audit(actor, "cell_resolution", c, on=on, votes=[votes_for, voters])
    return c


@transaction.atomic
def committee_resolution_record(
    *,
    actor: Any,
    candidate: Candidate,
    on: dt.date,
    votes_for: int,
    committee_members: int,
    version: int | None = None,
) -> Candidate:
    """The grassroots committee's resolution on admission (8-KNĐ)."""
    c = _lock(candidate, version)
    _expect(c, [Stage.CELL_RESOLUTION], _("The committee's resolution"))
    on = _day(on, field="on")
    _not_before(on, c.cell_resolution_on, _("the cell's resolution"), field="on")
    rules.check_vote(votes_for, committee_members, body=_("the committee"))
    c.committee_resolution_on = on
    c.committee_votes_for = votes_for
    c.committee_members = committee_members
    _settle(c, update=["committee_resolution_on", "committee_votes_for", "committee_members"])
    _audit(actor, "committee_resolution", c, on=on, votes=[votes_for, committee_members])
    return c


@transaction.atomic
def decision_extend(*, actor: Any, candidate: Candidate, reason: str) -> Candidate:
    """Extend the time for the admission decision by the 30 working days the rules allow."""
    c = _lock(candidate, None)
    _expect(c, [Stage.CELL_RESOLUTION, Stage.COMMITTEE_RESOLUTION], _("An extension"))
    reason = " ".join((reason or "").split())
    if not reason:
        raise RuleViolation(_("Say why the decision needs more time."), field="reason")
    c.extension_reason = reason
    _settle(c, update=["extension_reason"])
    _audit(actor, "decision.extend", c, reason=reason, due=c.due_on)
    return c


def _committee_label(c: Candidate) -> str:
    parent = c.org.parent
    return parent.name if parent else c.org.name


@transaction.atomic
def admission_decide(
    *,
    actor: Any,
    candidate: Candidate,
    on: dt.date,
    decision_no: str,
    extension_reason: str = "",
    version: int | None = None,
) -> Candidate:
    """The admission decision (9-KNĐ): creates the probationary member and its `admitted` event."""
    c = _lock(candidate, version)
    _expect(c, [Stage.COMMITTEE_RESOLUTION], _("The admission decision"))
    on = _day(on, field="on")
    _not_before(on, c.committee_resolution_on, _("the committee's resolution"), field="on")
    decision_no = " ".join((decision_no or "").split())
    if not decision_no:
        raise RuleViolation(_("Give the decision number."), field="decision_no")
    if c.gender not in Gender.values:
        raise RuleViolation(_("Record the person's gender before the decision."))
    assert c.cell_resolution_on is not None
    reason = " ".join((extension_reason or c.extension_reason).split())
    rules.check_decision_date(on, cell_resolution_on=c.cell_resolution_on, extension_reason=reason)
    member = member_create(
        actor=actor,
        org=c.org,
        member_code=f"KN{on:%Y}{c.pk:07d}",
        admitted_on=on,
        decision_no=decision_no,
        decided_by=_committee_label(c),
        family_name=c.family_name,
        middle_name=c.middle_name,
        given_name=c.given_name,
        birth_date=c.birth_date,
        gender=c.gender,
        occupation=c.occupation,
        education=c.education,
        national_id=c.national_id or None,
    )
    c.decision_on, c.decision_no, c.member = on, decision_no, member
    c.extension_reason = reason
    _settle(c, update=["decision_on", "decision_no", "member", "extension_reason"])
    _audit(actor, "admit", c, on=on, decision_no=decision_no, member=member.member_code)
    return c


@transaction.atomic
def ceremony_record(
    *,
    actor: Any,
    candidate: Candidate,
    on: dt.date,
    late_reason: str = "",
    version: int | None = None,
) -> Candidate:
    """The admission ceremony: the 12-month probation starts on its day."""
    c = _lock(candidate, version)
    _expect(c, [Stage.ADMITTED], _("The ceremony"))
    if c.ceremony_on:
        raise RuleViolation(_("The ceremony has been recorded already."))
    on = _day(on, field="on")
    assert c.decision_on is not None
    _not_before(on, c.decision_on, _("the admission decision"), field="on")
    last = add_working_days(c.decision_on, rules.CEREMONY_WORKING_DAYS)
    late_reason = " ".join((late_reason or "").split())
    if on > last and not late_reason:
        raise RuleViolation(
            _(
                "The ceremony was due by %(day)s (%(n)d working days after the decision); say why it is late."
            )
            % {"day": _d(last), "n": rules.CEREMONY_WORKING_DAYS},
            field="late_reason",
        )
    c.ceremony_on, c.ceremony_late_reason = on, late_reason
    c.probation_ends_on = rules.probation_end(on)
    _settle(c, update=["ceremony_on", "ceremony_late_reason", "probation_ends_on"])
    _audit(actor, "ceremony", c, on=on, probation_ends_on=c.probation_ends_on)
    return c


def _member_of(c: Candidate) -> Member:
    if c.member_id is None:
        raise RuleViolation(_("The person has not been admitted."))
    return Member.objects.select_related("org").get(pk=c.member_id)


@transaction.atomic
def recognition_resolution_record(
    *, actor: Any, candidate: Candidate, on: dt.date, votes_for: int, version: int | None = None
) -> Candidate:
    """The cell's resolution proposing recognition (13-KNĐ), once the probation is over."""
    c = _lock(candidate, version)
    _expect(c, [Stage.ADMITTED], _("The resolution on recognition"))
    if not c.ceremony_on or not c.probation_ends_on:
        raise RuleViolation(_("The ceremony has not been recorded: the probation has not started."))
    if c.recognition_cell_on:
        raise RuleViolation(_("The cell's resolution on recognition has been recorded already."))
    on = _day(on, field="on")
    if on < c.probation_ends_on:
        raise RuleViolation(
            _("The probation ends on %(day)s; the cell considers recognition after that.")
            % {"day": _d(c.probation_ends_on)},
            field="on",
        )
    dated = dict(c.papers.values_list("code", "dated"))
    missing = [code for code in PAPERS_FOR_RECOGNITION if code not in dated or dated[code] > on]
    if missing:
        raise RuleViolation(
            _("The dossier lacks, on %(day)s: %(papers)s.")
            % {
                "day": _d(on),
                "papers": ", ".join(f"{code} ({Paper(code).label})" for code in missing),
            }
        )
    cell = _member_of(c).org
    voters = official_members_of(cell)
    rules.check_vote(votes_for, voters, body=_("the cell (its official members)"))
    c.recognition_cell_on, c.recognition_votes_for = on, votes_for
    c.recognition_official_members = voters
    _settle(
        c, update=["recognition_cell_on", "recognition_votes_for", "recognition_official_members"]
    )
    _audit(actor, "recognition_resolution", c, on=on, votes=[votes_for, voters])
    return c


def province_of(org: Organization) -> Organization | None:
    paths = [*org.ancestor_paths(), org.path]
    return (
        Organization.objects.filter(path__in=paths, kind=Kind.PROVINCIAL_COMMITTEE)
        .order_by("path")
        .first()
    )


def card_issue(org: Organization) -> str:
    """The next party card number of the unit's province; RuleViolation when none is left."""
    province = province_of(org)
    card_range = (
        CardRange.objects.select_for_update().filter(province=province).first()
        if province
        else None
    )
    if card_range is None:
        raise RuleViolation(
            _(
                "No party card numbers are set for the province of %(unit)s; the administrator sets them."
            )
            % {"unit": org.name}
        )
    while card_range.next_number <= card_range.last_number:
        number = f"{card_range.prefix}.{card_range.next_number:06d}"
        card_range.next_number += 1
        if not Member.objects.filter(card_number=number).exists():
            card_range.save(update_fields=["next_number"])
            return number
    raise RuleViolation(
        _("The party card numbers of %(unit)s are used up; the administrator sets a new range.")
        % {"unit": province.name if province else org.name}
    )


@transaction.atomic
def recognition_decide(
    *, actor: Any, candidate: Candidate, on: dt.date, decision_no: str, version: int | None = None
) -> Candidate:
    """The decision recognizing the member as official. It takes effect on the day the
    12 months end, even when decided later; the party card number is issued."""
    c = _lock(candidate, version)
    _expect(c, [Stage.ADMITTED], _("The decision on recognition"))
    if not c.recognition_cell_on:
        raise RuleViolation(_("The cell's resolution on recognition comes first."))
    on = _day(on, field="on")
    _not_before(on, c.recognition_cell_on, _("the cell's resolution"), field="on")
    decision_no = " ".join((decision_no or "").split())
    if not decision_no:
        raise RuleViolation(_("Give the decision number."), field="decision_no")
    assert c.probation_ends_on is not None
    member = _member_of(c)
    event_record(
        actor=actor,
        member=member,
        kind=EventKind.RECOGNIZED,
        date=c.probation_ends_on,
        decision_no=decision_no,
        decided_by=_committee_label(c),
    )
    member.refresh_from_db()
    card = card_issue(member.org)
    member_update(actor=actor, member=member, version=member.version, card_number=card)
    c.recognition_decided_on, c.recognition_decision_no = on, decision_no
    _settle(c, update=["recognition_decided_on", "recognition_decision_no"])
    _audit(actor, "recognize", c, on=on, effective=c.probation_ends_on, card_number=card)
    return c


@transaction.atomic
def probation_fail(
    *, actor: Any, candidate: Candidate, on: dt.date, reason: str, version: int | None = None
) -> Candidate:
    """The probationary member is not recognized: `probation_failed` removes them."""
    c = _lock(candidate, version)
    _expect(c, [Stage.ADMITTED], _("Failing the probation"))
    on = _day(on, field="on")
    reason = " ".join((reason or "").split())
    if not reason:
        raise RuleViolation(_("Give the reason."), field="reason")
    event_record(
        actor=actor,
        member=_member_of(c),
        kind=EventKind.PROBATION_FAILED,
        date=on,
        reason=reason,
        decided_by=_committee_label(c),
    )
    c.stage, c.ended_on, c.end_reason = Stage.PROBATION_FAILED, on, reason
    _settle(c, update=["ended_on", "end_reason"])
    _audit(actor, "probation_failed", c, on=on, reason=reason)
    return c


@transaction.atomic
def candidate_drop(
    *, actor: Any, candidate: Candidate, on: dt.date, reason: str, version: int | None = None
) -> Candidate:
    """The cell no longer follows the person (before any decision)."""
    c = _lock(candidate, version)
    _expect(
        c,
        [
            Stage.SYMPATHIZER,
            Stage.CLASS_ATTENDED,
            Stage.DOSSIER,
            Stage.CELL_RESOLUTION,
            Stage.COMMITTEE_RESOLUTION,
        ],
        _("Ending the candidacy"),
    )
    on = _day(on, field="on")
    reason = " ".join((reason or "").split())
    if not reason:
        raise RuleViolation(_("Give the reason."), field="reason")
    c.stage, c.ended_on, c.end_reason = Stage.DROPPED, on, reason
    _settle(c, update=["ended_on", "end_reason"])
    _audit(actor, "drop", c, on=on, reason=reason)
    return c


def deadlines_refresh() -> int:
    """Derive every open candidate's deadline again (after the holidays changed)."""
    changed = 0
    for c in Candidate.objects.filter(due_on__isnull=False).iterator(chunk_size=2000):
        _stage, _since, due_on, due_what = derive(c)
        if (due_on, due_what) != (c.due_on, c.due_what):
            Candidate.objects.filter(pk=c.pk).update(due_on=due_on, due_what=due_what)
            changed += 1
    return changed


def paths_follow_the_tree(*, old_path: str, new_path: str, **kwargs: Any) -> None:
    """A subtree moved: its people's copy of their cell's path moves with it."""
    Candidate.objects.filter(org_path__startswith=old_path).update(
        org_path=Concat(Value(new_path), Substr("org_path", len(old_path) + 1))
    )


def deadlines_refresh_on_holiday(**kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    transaction.on_commit(deadlines_refresh)


def candidate_import(
    *,
    actor: Any,
    org: Organization,
    person_id: str,
    family_name: str,
    middle_name: str,
    given_name: str,
    birth_date: dt.date,
    occupation: str,
    proposed_on: dt.date,
) -> Candidate:
    """Put a person named by an imported class roster on a cell's list of sympathizers.

    As `candidate_propose`, but the file gives no gender (left blank: it is recorded before
    the admission decision) and the mass organization is unknown (`other`); the person id
    is required. The caller (`chibo import classes`) has checked the scope.
    """
    if not (person_id or "").strip():
        raise RuleViolation(_("Give the person id."), field="person_id")
    return candidate_propose(
        actor=actor,
        org=org,
        person_id=person_id,
        family_name=family_name,
        middle_name=middle_name,
        given_name=given_name,
        birth_date=birth_date,
        gender="",
        occupation=occupation,
        source=Source.OTHER,
        proposed_on=proposed_on,
        imported=True,
    )

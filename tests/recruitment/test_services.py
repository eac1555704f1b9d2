"""The road in, step by step: every rule refused with its reason at its boundary and
nothing written; the decision creates the member; recognition takes effect at 12 months."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from chibo.core.audit import AuditEntry
from chibo.core.errors import RuleViolation
from chibo.core.models import Holiday
from chibo.core.periods import add_months
from chibo.core.workdays import add_working_days
from chibo.members.models import EventKind, Member, MemberEvent, Status
from chibo.recruitment import rules, services
from chibo.recruitment.models import Candidate, Due, Paper, Stage

from .helpers import (
    CELL_DAY,
    a_class,
    admitted,
    card_range,
    propose,
    third_official,
    to_committee,
    with_dossier,
)


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


def _snapshot(c: Candidate) -> tuple:  # type: ignore[type-arg]
    fresh = Candidate.objects.get(pk=c.pk)
    return (
        fresh.stage,
        fresh.version,
        fresh.cell_resolution_on,
        fresh.committee_resolution_on,
        fresh.decision_on,
        fresh.ceremony_on,
        fresh.recognition_cell_on,
        fresh.recognition_decided_on,
        Member.objects.count(),
        MemberEvent.objects.count(),
        AuditEntry.objects.count(),
    )


def _refused(c: Candidate, call, match: str) -> None:  # type: ignore[no-untyped-def]
    before = _snapshot(c)
    with pytest.raises(RuleViolation, match=match):
        call()
    assert _snapshot(c) == before


def _cell(c: Candidate, on: dt.date = CELL_DAY, votes: int = 3, **extra):  # type: ignore[no-untyped-def]
    return lambda: services.cell_resolution_record(
        actor=None, candidate=Candidate.objects.get(pk=c.pk), on=on, votes_for=votes, **extra
    )


# --- proposing and the stages before the cell -------------------------------------------


def test_a_proposed_person_moves_through_the_early_stages(world):
    c = propose(world)
    assert (c.stage, c.stage_since, c.due_on) == (Stage.SYMPATHIZER, dt.date(2023, 9, 1), None)
    assert c.person_id == f"P{c.pk:08d}"
    assert AuditEntry.objects.filter(action="recruitment.propose", object_id=str(c.pk)).exists()
    services.attendance_record(actor=None, awareness_class=a_class(), candidate=c, passed=False)
    assert Candidate.objects.get(pk=c.pk).stage == Stage.SYMPATHIZER
    services.attendance_record(actor=None, awareness_class=a_class(), candidate=c, passed=True)
    assert Candidate.objects.get(pk=c.pk).stage == Stage.CLASS_ATTENDED
    services.paper_record(actor=None, candidate=c, code=Paper.P1, dated=dt.date(2024, 5, 2))
    assert Candidate.objects.get(pk=c.pk).stage == Stage.DOSSIER


def test_the_helping_member_must_be_an_official_member_of_the_cell(world):
    with pytest.raises(RuleViolation, match="not an official member"):
        propose(world, helper=world.members["lan"])  # probationary
    with pytest.raises(RuleViolation, match="must belong to"):
        propose(world, helper=world.members["hai"])  # official, in C3
    assert not Candidate.objects.exists()


def test_a_sympathizer_is_kept_by_a_cell(world):
    with pytest.raises(RuleViolation, match="kept by a live cell"):
        propose(world, org=world.org("G1"), helper=None)


def test_a_scan_must_be_a_pdf_or_an_image(world):
    c = propose(world)
    png = SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 50, "image/png")
    paper = services.paper_record(
        actor=None, candidate=c, code=Paper.P1, dated=dt.date(2024, 5, 2), upload=png
    )
    assert paper.content_type == "image/png" and paper.file_name == "scan.png"
    text = SimpleUploadedFile("scan.pdf", b"hello, not a pdf", "application/pdf")
    _refused(
        c,
        lambda: services.paper_record(
            actor=None, candidate=c, code=Paper.P2, dated=dt.date(2024, 5, 2), upload=text
        ),
        "not a PDF, JPEG or PNG",
    )
    assert not c.papers.filter(code=Paper.P2).exists()


def test_a_paper_cannot_be_dated_in_the_future(world):
    c = propose(world)
    _refused(
        c,
        lambda: services.paper_record(
            actor=None,
            candidate=c,
            code=Paper.P1,
            dated=timezone.localdate() + dt.timedelta(days=2),
        ),
        "future",
    )


# --- the cell's resolution -----------------------------------------------------------------


def test_the_cell_resolution_passes_with_exactly_two_thirds(world):
    third_official(world)
    c = with_dossier(world, propose(world))
    c = services.cell_resolution_record(actor=None, candidate=c, on=CELL_DAY, votes_for=2)
    assert (c.stage, c.cell_votes_for, c.cell_official_members) == (Stage.CELL_RESOLUTION, 2, 3)
    deadline = add_working_days(CELL_DAY, rules.DECISION_WORKING_DAYS)
    assert (c.due_on, c.due_what) == (deadline, Due.DECISION)


def test_a_cell_vote_under_two_thirds_is_refused(world):
    third_official(world)
    c = with_dossier(world, propose(world))
    _refused(c, _cell(c, votes=1), r"1 of 3 in favour is under two thirds")
    _refused(c, _cell(c, votes=4), "between 0 and 3")


@pytest.mark.parametrize(
    ("born", "ok"),
    [
        (dt.date(2006, 6, 12), True),  # 18 years exactly on the cell's day
        (dt.date(2006, 6, 13), False),  # one day short
        (dt.date(1964, 6, 12), True),  # 60 years exactly (720 full months)
        (dt.date(1964, 5, 12), False),  # 60 years and one month
    ],
)
def test_the_age_on_the_cell_day_counts_in_full_months(world, born, ok):
    third_official(world)
    c = with_dossier(world, propose(world, birth_date=born))
    if ok:
        _cell(c)()
        assert Candidate.objects.get(pk=c.pk).stage == Stage.CELL_RESOLUTION
    else:
        _refused(c, _cell(c), "under 18|over 60")


def test_over_sixty_with_the_provincial_approval(world):
    third_official(world)
    c = with_dossier(world, propose(world, birth_date=dt.date(1960, 1, 1)))
    _refused(c, _cell(c), "provincial committee's approval")
    _cell(c, over_age_approval="15-QĐ/TU")()
    assert Candidate.objects.get(pk=c.pk).over_age_approval == "15-QĐ/TU"


def test_without_a_class_certificate_the_cell_cannot_resolve(world):
    third_official(world)
    c = propose(world)
    for code in (Paper.P1, Paper.P2, Paper.P3, Paper.P5):
        services.paper_record(actor=None, candidate=c, code=code, dated=dt.date(2024, 5, 2))
    for name in ("minh", "duc"):
        services.introducer_add(
            actor=None, candidate=c, member=world.members[name], known_since=dt.date(2020, 1, 1)
        )
    _refused(c, _cell(c), "no awareness class certificate")


@pytest.mark.parametrize(
    ("ended", "ok"),
    [(dt.date(2019, 6, 13), True), (dt.date(2019, 6, 12), False)],  # valid 60 months
)
def test_the_certificate_is_valid_sixty_months(world, ended, ok):
    third_official(world)
    c = propose(world)
    old = a_class("LOP-OLD", ended_on=ended)
    services.attendance_record(actor=None, awareness_class=old, candidate=c, passed=True)
    for code in (Paper.P1, Paper.P2, Paper.P3, Paper.P5):
        services.paper_record(actor=None, candidate=c, code=code, dated=dt.date(2024, 5, 2))
    for name in ("minh", "duc"):
        services.introducer_add(
            actor=None, candidate=c, member=world.members[name], known_since=dt.date(2020, 1, 1)
        )
    if ok:
        _cell(c)()
    else:
        _refused(c, _cell(c), "certificate expired on 11/06/2024")


def test_an_introducer_must_be_an_official_member(world):
    c = propose(world)
    with pytest.raises(RuleViolation, match="not an official member"):
        services.introducer_add(
            actor=None, candidate=c, member=world.members["lan"], known_since=dt.date(2020, 1, 1)
        )
    assert not c.introducers.exists()


@pytest.mark.parametrize(
    ("known_since", "ok"),
    [(dt.date(2023, 6, 12), True), (dt.date(2023, 6, 13), False)],  # 12 months exactly
)
def test_introducers_must_have_known_the_person_twelve_months(world, known_since, ok):
    third_official(world)
    c = with_dossier(world, propose(world), known_since=known_since)
    if ok:
        _cell(c)()
    else:
        _refused(c, _cell(c), "less than 12 months")


def test_two_member_introducers_or_one_with_the_youth_union(world):
    third_official(world)
    c = propose(world)
    services.attendance_record(actor=None, awareness_class=a_class(), candidate=c, passed=True)
    for code in (Paper.P1, Paper.P2, Paper.P3, Paper.P5):
        services.paper_record(actor=None, candidate=c, code=code, dated=dt.date(2024, 5, 2))
    services.introducer_add(
        actor=None, candidate=c, member=world.members["minh"], known_since=dt.date(2020, 1, 1)
    )
    _refused(c, _cell(c), "needs 2 introducing")
    _refused(c, _cell(c, org_introduction="youth_union"), "4-KNĐ")  # the union's paper missing
    services.paper_record(actor=None, candidate=c, code=Paper.P4, dated=dt.date(2024, 5, 2))
    _cell(c, org_introduction="youth_union")()
    assert Candidate.objects.get(pk=c.pk).stage == Stage.CELL_RESOLUTION


def test_the_dossier_must_hold_its_papers(world):
    third_official(world)
    c = propose(world)
    services.attendance_record(actor=None, awareness_class=a_class(), candidate=c, passed=True)
    for name in ("minh", "duc"):
        services.introducer_add(
            actor=None, candidate=c, member=world.members[name], known_since=dt.date(2020, 1, 1)
        )
    services.paper_record(actor=None, candidate=c, code=Paper.P1, dated=dt.date(2024, 5, 2))
    _refused(c, _cell(c), "lacks.*2-KNĐ.*3-KNĐ")


# --- the committee and the decision --------------------------------------------------------


def test_the_committee_vote_needs_two_thirds_of_its_members(world):
    third_official(world)
    c = _cell(with_dossier(world, propose(world)))()

    def committee(votes):  # type: ignore[no-untyped-def]
        return lambda: services.committee_resolution_record(
            actor=None, candidate=c, on=CELL_DAY, votes_for=votes, committee_members=6
        )

    _refused(c, committee(3), "3 of 6 in favour is under two thirds")
    c = committee(4)()
    assert c.stage == Stage.COMMITTEE_RESOLUTION


def test_the_decision_creates_the_probationary_member(world):
    third_official(world)
    c = to_committee(world, with_dossier(world, propose(world)))
    c = admitted(world, c)
    member = c.member
    assert member is not None and member.status == Status.PROBATIONARY
    assert (member.org, member.admitted_on, member.full_name) == (
        world.org("C1"),
        c.decision_on,
        "Hoàng Thị Mai",
    )
    event = MemberEvent.objects.get(member=member, kind=EventKind.ADMITTED)
    assert (event.date, event.decision_no) == (c.decision_on, "12-QĐ/ĐU")
    assert c.stage == Stage.ADMITTED and c.due_what == Due.CEREMONY
    assert c.due_on == add_working_days(c.decision_on, rules.CEREMONY_WORKING_DAYS)


def test_the_decision_deadline_is_sixty_working_days_and_thirty_more_extended(world):
    third_official(world)
    c = to_committee(world, with_dossier(world, propose(world)))
    last = add_working_days(CELL_DAY, 60)
    late = add_working_days(CELL_DAY, 61)
    latest = add_working_days(CELL_DAY, 90)

    def decide(on, reason=""):  # type: ignore[no-untyped-def]
        return lambda: services.admission_decide(
            actor=None, candidate=c, on=on, decision_no="1-QĐ", extension_reason=reason
        )

    _refused(c, decide(late), "record the extension")
    _refused(c, decide(add_working_days(CELL_DAY, 91), "verification abroad"), "by ")
    services.decision_extend(actor=None, candidate=c, reason="verification abroad")
    c = Candidate.objects.get(pk=c.pk)
    assert c.due_on == latest
    decide(latest)()
    assert Candidate.objects.get(pk=c.pk).stage == Stage.ADMITTED
    assert last < late <= latest


def test_the_sixtieth_working_day_skips_a_holiday(world, django_capture_on_commit_callbacks):
    third_official(world)
    c = to_committee(world, with_dossier(world, propose(world)))
    before = Candidate.objects.get(pk=c.pk).due_on
    assert before == add_working_days(CELL_DAY, 60)
    # a public holiday declared inside the window moves the deadline one working day on
    with django_capture_on_commit_callbacks(execute=True):
        Holiday.objects.create(date=add_working_days(CELL_DAY, 10), name="Nghỉ")
    after = Candidate.objects.get(pk=c.pk).due_on
    assert after == add_working_days(before, 1) and after > before


def test_the_ceremony_is_due_within_thirty_working_days(world):
    third_official(world)
    c = admitted(world, to_committee(world, with_dossier(world, propose(world))))
    late = add_working_days(c.decision_on, 31)
    _refused(
        c,
        lambda: services.ceremony_record(actor=None, candidate=c, on=late),
        "say why it is late",
    )
    c = services.ceremony_record(actor=None, candidate=c, on=late, late_reason="flooding")
    assert c.probation_ends_on == add_months(late, 12)
    assert c.due_what == Due.RECOGNITION_RESOLUTION


# --- recognition -------------------------------------------------------------------------------


def _through_ceremony(world):  # type: ignore[no-untyped-def]
    third_official(world)
    c = admitted(world, to_committee(world, with_dossier(world, propose(world))))
    return services.ceremony_record(actor=None, candidate=c, on=dt.date(2024, 8, 1))


def _recognition_papers(c: Candidate, dated: dt.date = dt.date(2025, 8, 1)) -> None:
    for code in (Paper.P10, Paper.P11, Paper.P12):
        services.paper_record(actor=None, candidate=c, code=code, dated=dated)


def test_recognition_waits_for_the_end_of_probation(world):
    c = _through_ceremony(world)
    _recognition_papers(c, dt.date(2025, 7, 1))

    def resolve(on):  # type: ignore[no-untyped-def]
        return lambda: services.recognition_resolution_record(
            actor=None, candidate=Candidate.objects.get(pk=c.pk), on=on, votes_for=3
        )

    _refused(c, resolve(dt.date(2025, 7, 31)), "probation ends on 01/08/2025")
    resolve(dt.date(2025, 8, 1))()
    assert Candidate.objects.get(pk=c.pk).due_what == Due.RECOGNITION_DECISION


def test_recognition_takes_effect_at_twelve_months_and_issues_the_card(world):
    card_range(world, prefix="48", next_number=7)
    c = _through_ceremony(world)
    _recognition_papers(c)
    c = services.recognition_resolution_record(
        actor=None, candidate=c, on=dt.date(2025, 9, 15), votes_for=2
    )
    c = services.recognition_decide(
        actor=None, candidate=c, on=dt.date(2025, 11, 20), decision_no="40-QĐ/ĐU"
    )  # decided late
    member = Member.objects.get(pk=c.member_id)
    assert member.status == Status.OFFICIAL
    assert member.recognized_on == dt.date(2025, 8, 1)  # the 12 months, not the decision day
    assert member.card_number == "48.000007"
    assert c.stage == Stage.RECOGNIZED and c.due_on is None
    event = MemberEvent.objects.get(member=member, kind=EventKind.RECOGNIZED)
    assert (event.date, event.decision_no) == (dt.date(2025, 8, 1), "40-QĐ/ĐU")


def test_a_card_number_already_used_is_skipped(world):
    card_range(world, prefix="48", next_number=1)
    Member.objects.filter(pk=world.members["minh"].pk).update(card_number="48.000001")
    c = _through_ceremony(world)
    _recognition_papers(c)
    c = services.recognition_resolution_record(
        actor=None, candidate=c, on=dt.date(2025, 9, 15), votes_for=2
    )
    c = services.recognition_decide(
        actor=None, candidate=c, on=dt.date(2025, 9, 20), decision_no="4"
    )
    assert Member.objects.get(pk=c.member_id).card_number == "48.000002"


def test_without_card_numbers_recognition_is_refused_and_nothing_written(world):
    c = _through_ceremony(world)
    _recognition_papers(c)
    c = services.recognition_resolution_record(
        actor=None, candidate=c, on=dt.date(2025, 9, 15), votes_for=2
    )
    _refused(
        c,
        lambda: services.recognition_decide(
            actor=None, candidate=c, on=dt.date(2025, 9, 20), decision_no="4"
        ),
        "No party card numbers",
    )
    assert Member.objects.get(pk=c.member_id).status == Status.PROBATIONARY


def test_a_failed_probation_removes_the_member(world):
    c = _through_ceremony(world)
    c = services.probation_fail(
        actor=None, candidate=c, on=dt.date(2025, 3, 3), reason="did not take part"
    )
    assert c.stage == Stage.PROBATION_FAILED and c.due_on is None
    member = Member.objects.get(pk=c.member_id)
    assert member.status == Status.REMOVED
    assert MemberEvent.objects.filter(member=member, kind=EventKind.PROBATION_FAILED).exists()


def test_a_step_out_of_order_is_refused(world):
    c = propose(world)
    _refused(
        c,
        lambda: services.admission_decide(actor=None, candidate=c, on=CELL_DAY, decision_no="1"),
        "not possible at this stage",
    )


def test_a_person_without_gender_is_not_admitted_until_it_is_recorded(world):
    third_official(world)
    c = to_committee(world, with_dossier(world, propose(world)))
    Candidate.objects.filter(pk=c.pk).update(gender="")  # as an imported roster leaves it
    c = Candidate.objects.get(pk=c.pk)
    _refused(c, lambda: admitted(world, c), "gender")
    c = services.candidate_update(actor=None, candidate=c, gender="female", version=c.version)
    assert AuditEntry.objects.filter(action="recruitment.update", object_id=str(c.pk)).exists()
    assert admitted(world, c).member.gender == "female"


def test_the_particulars_keep_to_the_rules(world):
    third_official(world)
    c = to_committee(world, with_dossier(world, propose(world)))
    _refused(
        c,
        lambda: services.candidate_update(actor=None, candidate=c, birth_date=dt.date(2010, 1, 1)),
        "under 18",
    )  # the cell resolved on the old birth date
    _refused(c, lambda: services.candidate_update(actor=None, candidate=c, gender="x"), "Gender")
    c = admitted(world, c)
    _refused(
        c,
        lambda: services.candidate_update(actor=None, candidate=c, given_name="Mơ"),
        "member's record",
    )

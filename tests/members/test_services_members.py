"""Creating members and editing their personal data (chibo.members.services.members)."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from chibo.core.errors import RuleViolation, StaleEdit
from chibo.core.models import AuditEntry
from chibo.core.text import search_key, sort_key
from chibo.members.models import Member, MemberEvent
from chibo.members.services import member_create, member_update
from chibo.orgs.models import Organization

D = dt.date


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
    )


def create(world, code="M-NEW", **extra) -> Member:
    data = {
        "family_name": "Võ",
        "middle_name": "Thị",
        "given_name": "Sáu",
        "birth_date": D(1990, 7, 1),
        "gender": "female",
        "admitted_on": D(2015, 3, 1),
    }
    data.update(extra)
    org = data.pop("org", None) or world.org("C2")
    return member_create(actor=data.pop("actor", None), org=org, member_code=code, **data)


def test_it_creates_a_probationary_member_with_the_admission_event(world):
    alice = world.users["alice"]
    member = create(world, actor=alice, decision_no="15-QĐ/HU", decided_by="Huyện ủy A")
    assert (member.status, member.org, member.admitted_on, member.recognized_on) == (
        "probationary",
        world.org("C2"),
        D(2015, 3, 1),
        None,
    )
    events = list(MemberEvent.objects.filter(member=member))
    assert [(e.kind, e.date, e.org_id) for e in events] == [
        ("admitted", D(2015, 3, 1), world.org("C2").pk)
    ]
    assert (events[0].decision_no, events[0].decided_by, events[0].created_by) == (
        "15-QĐ/HU",
        "Huyện ủy A",
        alice,
    )
    entry = AuditEntry.objects.get(action="member.create", object_id=str(member.pk))
    assert entry.actor == alice
    assert entry.changes["member_code"] == "M-NEW"
    assert entry.changes["given_name"] == "Sáu"
    assert entry.changes["birth_date"] == "1990-07-01"


def test_it_creates_an_official_member_with_both_events(world):
    member = create(world, recognized_on=D(2016, 3, 1))
    assert (member.status, member.recognized_on) == ("official", D(2016, 3, 1))
    kinds = list(MemberEvent.objects.filter(member=member).values_list("kind", flat=True))
    assert kinds == ["admitted", "recognized"]


def test_it_stores_the_sort_and_search_keys(world):
    member = create(world, family_name=" Nguyễn ", middle_name="Văn  Hữu", given_name="Đức")
    assert member.full_name == "Nguyễn Văn Hữu Đức"
    assert member.sort_key == sort_key("Đức", "Nguyễn", "Văn Hữu")
    assert member.search_name == search_key("Nguyễn Văn Hữu Đức") == " nguyen van huu duc"


@pytest.mark.parametrize("national_id", ["12345", "0123456789012", "01234567890a", "0123 456 789"])
def test_it_refuses_a_national_id_that_is_not_twelve_digits(world, national_id):
    before = counts()
    with pytest.raises(RuleViolation, match="12 digits") as exc:
        create(world, national_id=national_id)
    assert exc.value.field == "national_id"
    assert counts() == before


def test_it_refuses_a_national_id_already_used(world):
    before = counts()
    with pytest.raises(RuleViolation, match="already has this national ID"):
        create(world, national_id="012345678901")  # Đức's
    assert counts() == before


def test_it_accepts_a_twelve_digit_national_id_and_stores_none_for_blank(world):
    assert create(world, national_id=" 079123456789 ").national_id == "079123456789"
    assert create(world, code="M-NEW2", national_id="").national_id is None


def test_it_issues_a_card_number_to_an_official_member(world):
    member = create(world, recognized_on=D(2016, 3, 1), card_number="52.123456")
    assert member.card_number == "52.123456"
    assert member.status == "official"


@pytest.mark.parametrize("card", ["52123456", "5.1234567", "AB.123456", "52.12345", "52-123456"])
def test_it_refuses_a_card_number_not_shaped_pp_nnnnnn(world, card):
    before = counts()
    with pytest.raises(RuleViolation, match=r"PP\.NNNNNN") as exc:
        create(world, recognized_on=D(2016, 3, 1), card_number=card)
    assert exc.value.field == "card_number"
    assert counts() == before


def test_it_refuses_a_card_for_a_probationary_member(world):
    before = counts()
    with pytest.raises(RuleViolation, match="only to official members"):
        create(world, card_number="52.123456")
    assert counts() == before
    assert not Member.objects.filter(member_code="M-NEW").exists()


def test_it_refuses_a_card_number_already_issued(world):
    create(world, recognized_on=D(2016, 3, 1), card_number="52.123456")
    before = counts()
    with pytest.raises(RuleViolation, match="already has this card number"):
        create(world, code="M-NEW2", recognized_on=D(2016, 3, 1), card_number="52.123456")
    assert counts() == before


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"given_name": "  "}, "given_name"),
        ({"birth_date": None}, "birth_date"),
        ({"birth_date": "1990-01-01"}, "birth_date"),
        ({"gender": "other"}, "gender"),
        ({"occupation": "astronaut"}, "occupation"),
        ({"email": "not-an-email"}, "email"),
    ],
)
def test_it_refuses_bad_personal_data(world, extra, field):
    before = counts()
    with pytest.raises(RuleViolation) as exc:
        create(world, **extra)
    assert exc.value.field == field
    assert counts() == before


def test_it_refuses_a_birth_date_in_the_future(world):
    before = counts()
    with pytest.raises(RuleViolation, match="future"):
        create(world, birth_date=timezone.localdate() + dt.timedelta(days=1))
    assert counts() == before


@pytest.mark.parametrize(
    ("code", "reason"),
    [("", "needs a member id"), ("  ", "needs a member id"), ("M-DUC", "already used")],
)
def test_it_refuses_a_missing_or_taken_member_id(world, code, reason):
    before = counts()
    with pytest.raises(RuleViolation, match=reason) as exc:
        create(world, code=code)
    assert exc.value.field == "member_code"
    assert counts() == before


def test_it_refuses_unknown_fields_and_a_missing_admission_date(world):
    before = counts()
    with pytest.raises(RuleViolation, match="Unknown fields"):
        create(world, status="official")
    with pytest.raises(RuleViolation, match="admission date"):
        create(world, admitted_on=None)
    assert counts() == before


def test_a_rule_of_the_admission_rolls_the_whole_creation_back(world):
    before = counts()
    # too young on the admission day
    with pytest.raises(RuleViolation, match="at least 18"):
        create(world, birth_date=D(2000, 1, 1), admitted_on=D(2017, 12, 31))
    # a committee holds no members
    with pytest.raises(RuleViolation, match="not a cell"):
        create(world, org=world.org("G1"))
    # recognized too early
    with pytest.raises(RuleViolation, match="probation lasts"):
        create(world, recognized_on=D(2016, 2, 28))
    # admitted in the future
    with pytest.raises(RuleViolation, match="future"):
        create(world, admitted_on=timezone.localdate() + dt.timedelta(days=3))
    assert counts() == before


# --- update --------------------------------------------------------------------------------


def test_it_updates_personal_data_with_an_audit_row_of_before_and_after(world):
    # given Đức opened at his current version
    duc, alice = world.members["duc"], world.users["alice"]
    opened = Member.objects.get(pk=duc.pk)
    # when Alice corrects his given name and phone
    updated = member_update(
        actor=alice,
        member=opened,
        version=opened.version,
        given_name="Dũng",
        phone=" 0909 123 456 ",
    )
    # then the row, the keys and the version change and the audit row says old → new
    assert updated.given_name == "Dũng"
    assert updated.phone == "0909 123 456"
    assert updated.version == opened.version + 1
    assert updated.search_name == " nguyen van dung"
    assert updated.sort_key == sort_key("Dũng", "Nguyễn", "Văn")
    entry = AuditEntry.objects.get(action="member.update", object_id=str(duc.pk))
    assert entry.actor == alice
    assert entry.org_id == world.org("C1").pk
    assert entry.changes == {"given_name": ["Đức", "Dũng"], "phone": ["", "0909 123 456"]}


def test_it_refuses_a_stale_save_and_writes_nothing(world):
    # given two clerks opened Đức at the same version, and the first saved
    duc = world.members["duc"]
    opened = Member.objects.get(pk=duc.pk).version
    member_update(actor=world.users["alice"], member=duc, version=opened, phone="0909")
    before = counts()
    # when the second one saves
    with pytest.raises(StaleEdit):
        member_update(actor=world.users["olga"], member=duc, version=opened, phone="0808")
    # then the first save stands and nothing was written
    assert counts() == before
    assert Member.objects.get(pk=duc.pk).phone == "0909"


def test_an_update_that_changes_nothing_writes_nothing(world):
    duc = Member.objects.get(pk=world.members["duc"].pk)
    before = counts()
    same = member_update(actor=None, member=duc, version=duc.version, given_name="Đức")
    assert same.version == duc.version
    assert counts() == before


def test_status_and_unit_cannot_be_edited_as_personal_data(world):
    duc = Member.objects.get(pk=world.members["duc"].pk)
    before = counts()
    with pytest.raises(RuleViolation, match="cannot be edited here"):
        member_update(actor=None, member=duc, version=duc.version, status="deceased")
    with pytest.raises(RuleViolation, match="cannot be edited here"):
        member_update(actor=None, member=duc, version=duc.version, org=world.org("C3"))
    assert counts() == before
    assert Member.objects.get(pk=duc.pk).status == "official"


def test_it_issues_a_card_later_only_to_official_members(world):
    duc = Member.objects.get(pk=world.members["duc"].pk)
    updated = member_update(actor=None, member=duc, version=duc.version, card_number="52.000001")
    assert updated.card_number == "52.000001"
    lan = Member.objects.get(pk=world.members["lan"].pk)
    before = counts()
    with pytest.raises(RuleViolation, match="only to official members"):
        member_update(actor=None, member=lan, version=lan.version, card_number="52.000002")
    assert counts() == before


def test_a_member_keeps_their_own_national_id_on_update(world):
    duc = Member.objects.get(pk=world.members["duc"].pk)
    updated = member_update(
        actor=None, member=duc, version=duc.version, national_id="012345678901", phone="1"
    )
    assert updated.national_id == "012345678901"
    minh = Member.objects.get(pk=world.members["minh"].pk)
    before = counts()
    with pytest.raises(RuleViolation, match="already has this national ID"):
        member_update(actor=None, member=minh, version=minh.version, national_id="012345678901")
    assert counts() == before


def test_clearing_the_national_id_stores_none(world):
    duc = Member.objects.get(pk=world.members["duc"].pk)
    updated = member_update(actor=None, member=duc, version=duc.version, national_id="")
    assert updated.national_id is None
    entry = AuditEntry.objects.get(action="member.update")
    assert entry.changes == {"national_id": ["012345678901", None]}


def test_a_birth_date_correction_that_breaks_the_admission_is_refused(world):
    # given Đức, admitted on 2012-05-01
    duc = Member.objects.get(pk=world.members["duc"].pk)
    before = counts()
    # when his birth date is corrected to one that makes him 7 at admission
    with pytest.raises(RuleViolation, match="at least 18"):
        member_update(actor=None, member=duc, version=duc.version, birth_date=D(2005, 1, 1))
    # then nothing changed
    assert counts() == before
    assert Member.objects.get(pk=duc.pk).birth_date == D(1985, 3, 4)
    # while a correction that keeps him of age goes through
    updated = member_update(actor=None, member=duc, version=duc.version, birth_date=D(1990, 1, 1))
    assert updated.birth_date == D(1990, 1, 1)

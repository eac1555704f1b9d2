"""What the API's routes take and give: parameter types and response schemas.

Shared by every router module, so units, members and events read the same everywhere.
"""

import datetime as dt
import enum
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

from ninja import Field, Path, Schema
from pydantic import StringConstraints

from chibo.members.models import EventKind, Gender, Occupation, Status

# Text parameters: no control characters (PostgreSQL refuses NUL in text) and a sane length.
PLAIN_TEXT = r"^[^\x00-\x1f\x7f]*$"
MAX_ID = 2**63 - 1  # the largest primary key either database can hold

UnitCode = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=PLAIN_TEXT)]
SearchText = Annotated[str, StringConstraints(max_length=200, pattern=PLAIN_TEXT)]


def _choices(name: str, values: list[str]) -> Any:
    """A str enum of the values, so the OpenAPI schema lists them and others are a 422."""
    return enum.StrEnum(name, {value: value for value in values})  # type: ignore[misc]


if TYPE_CHECKING:  # the enums are made at run time from the models' choices
    MemberStatusFilter: TypeAlias = str
    OccupationChoice: TypeAlias = str
    GenderChoice: TypeAlias = str
    EventKindChoice: TypeAlias = str
else:
    MemberStatusFilter = _choices("MemberStatusFilter", ["live", *Status.values])
    OccupationChoice = _choices("OccupationChoice", list(Occupation.values))
    GenderChoice = _choices("GenderChoice", list(Gender.values))
    EventKindChoice = _choices(
        "EventKindChoice", [k for k in EventKind.values if k != EventKind.VOIDED]
    )


MemberId = Annotated[int, Path(ge=1, le=MAX_ID)]


class OrgOut(Schema):
    code: str
    name: str
    kind: str
    sector: str
    status: str
    parent_code: str | None
    established_on: dt.date | None
    dissolved_on: dt.date | None

    @staticmethod
    def resolve_parent_code(obj) -> str | None:  # type: ignore[no-untyped-def]
        return obj.parent.code if obj.parent_id else None


class MemberOut(Schema):
    id: int
    member_id: str
    full_name: str
    birth_date: dt.date
    gender: str
    occupation: str
    status: str
    org_code: str
    admitted_on: dt.date | None
    recognized_on: dt.date | None

    @staticmethod
    def resolve_member_id(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.member_code

    @staticmethod
    def resolve_org_code(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.org.code


class EventOut(Schema):
    id: int
    kind: str
    date: dt.date
    org_code: str
    decision_no: str
    reason: str
    temporary: bool
    end_date: dt.date | None
    voided: bool

    @staticmethod
    def resolve_org_code(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.org.code

    @staticmethod
    def resolve_voided(obj) -> bool:  # type: ignore[no-untyped-def]
        return not obj.is_effective


class UnitEventOut(Schema):
    """An event in a unit's history, with the member it is about."""

    id: int
    kind: str
    date: dt.date
    org_code: str
    member: int = Field(description="The member's id in this API (/members/{member_id}).")
    member_id: str = Field(description="The member id of the roster (party card or other).")
    full_name: str
    decision_no: str
    reason: str
    temporary: bool
    end_date: dt.date | None

    @staticmethod
    def resolve_org_code(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.org.code

    @staticmethod
    def resolve_member(obj) -> int:  # type: ignore[no-untyped-def]
        return obj.member_id

    @staticmethod
    def resolve_member_id(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.member.member_code

    @staticmethod
    def resolve_full_name(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.member.full_name

"""Personal data as both member imports read and write it: names, the name keys, new rows."""

import datetime as dt
import functools
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from chibo.core.text import search_key, sort_key, split_full_name

from ..models import Member, Occupation
from ..rules import MemberState
from . import columns as col

# The personal columns of the members file, and the Member field each one fills.
PERSONAL = ("national_id", "occupation", "ethnicity", "religion", "education", "phone", "email")
NAME_FIELDS = ("family_name", "middle_name", "given_name")

# Every column of a member row written by the imports, in this order.
MEMBER_NAMES = (
    "id",
    "member_code",
    "family_name",
    "middle_name",
    "given_name",
    "sort_key",
    "search_name",
    "birth_date",
    "gender",
    "ethnicity",
    "religion",
    "national_id",
    "education",
    "occupation",
    "phone",
    "email",
    "status",
    "org_id",
    "temp_org_id",
    "temp_until",
    "admitted_on",
    "recognized_on",
    "status_since",
)
EVENT_NAMES = (
    "member_id",
    "kind",
    "date",
    "org_id",
    "from_org_id",
    "decision_no",
    "reason",
    "created_by_id",
)


class NameKeys:
    """sort_key and search_name per distinct name (many people share one)."""

    LIMIT = 100_000  # names kept at most: the cache must not grow with a big file

    def __init__(self) -> None:
        self.cache: dict[tuple[str, str, str], tuple[str, str]] = {}

    def __call__(self, family: str, middle: str, given: str) -> tuple[str, str]:
        name = (family, middle, given)
        keys = self.cache.get(name)
        if keys is None:
            if len(self.cache) >= self.LIMIT:
                self.cache.clear()
            full = " ".join(p for p in name if p)
            keys = self.cache[name] = (sort_key(given, family, middle), search_key(full))
        return keys


def full_name(value: Any) -> tuple[str, str, str]:
    """(family, middle, given) from a full-name cell. Raises CellError."""
    raw = col.text(value)
    if not raw:
        raise col.CellError(_("A value is required."))
    family, middle, given = split_full_name(raw)
    if max(len(family), len(middle), len(given)) > 64:
        raise col.CellError(_("A part of the name is longer than 64 characters."))
    return family, middle, given


def email(value: Any) -> str:
    raw = col.text(value, max_length=254)
    if raw:
        try:
            validate_email(raw)
        except ValidationError as exc:
            raise col.CellError(_("The email address is not valid.")) from exc
    return raw


def occupation(value: Any) -> str:
    return col.choice(value, "occupation") or Occupation.OTHER


text64 = functools.partial(col.text, max_length=64)
PERSONAL_READERS = {
    "national_id": col.national_id,
    "occupation": occupation,
    "ethnicity": text64,
    "religion": text64,
    "education": text64,
    "phone": col.phone,
    "email": email,
}
PERSONAL_DEFAULTS: dict[str, Any] = {
    "national_id": None,
    "occupation": Occupation.OTHER,
    "ethnicity": Member._meta.get_field("ethnicity").get_default(),
    "religion": "",
    "education": "",
    "phone": "",
    "email": "",
}


def member_row(
    *,
    pk: int,
    code: str,
    name: tuple[str, str, str],
    keys: tuple[str, str],
    birth_date: dt.date,
    gender: str,
    personal: dict[str, Any],
    state: MemberState,
) -> tuple:
    """A new member as a tuple in MEMBER_NAMES order, its cached state from the replay."""
    data = PERSONAL_DEFAULTS | personal
    return (
        pk,
        code,
        *name,
        *keys,
        birth_date,
        gender,
        data["ethnicity"],
        data["religion"],
        data["national_id"],
        data["education"],
        data["occupation"],
        data["phone"],
        data["email"],
        state.status,
        state.org_id,
        state.temp_org_id,
        state.temp_until,
        state.admitted_on,
        state.recognized_on,
        state.status_since,
    )

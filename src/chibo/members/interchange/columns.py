"""The columns of the three files, their Vietnamese labels, and how a cell becomes a value.

One table (`COLUMNS`) holds every column of every file in the order the export writes
them: the English key (INTERCHANGE.md) and the Vietnamese label a clerk may write in
the header instead. docs/interchange.md lists the same table; a test keeps them equal.
Headers match whatever the case, spacing or diacritics ("ngay sinh" finds "Ngày sinh").
"""

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from chibo.core.text import fold
from chibo.orgs.kinds import Kind, Sector

from ..models import EventKind, Gender, Occupation
from ..rules import RECORDABLE_KINDS

KINDS = ("orgs", "members", "events")  # the built-in kinds: imported and exported
# everything `chibo import` takes: the built-in kinds and those registered by other apps
IMPORT_KINDS: list[str] = list(KINDS)


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # Vietnamese, as clerks write it (data, not a UI string: not translated)
    required: bool = False  # the header must hold this column


COLUMNS: dict[str, tuple[Column, ...]] = {
    "orgs": (
        Column("code", "Mã", required=True),
        Column("parent_code", "Mã đơn vị cấp trên", required=True),
        Column("name", "Tên đơn vị", required=True),
        Column("kind", "Loại đơn vị", required=True),
        Column("sector", "Loại hình"),
        Column("established_on", "Ngày thành lập"),
    ),
    "members": (
        Column("member_id", "Mã đảng viên", required=True),
        Column("full_name", "Họ và tên", required=True),
        Column("birth_date", "Ngày sinh", required=True),
        Column("gender", "Giới tính", required=True),
        Column("national_id", "Số CCCD"),
        Column("org_code", "Mã đơn vị", required=True),
        Column("admitted_on", "Ngày vào Đảng", required=True),
        Column("recognized_on", "Ngày chính thức"),
        Column("occupation", "Nghề nghiệp"),
        Column("ethnicity", "Dân tộc"),
        Column("religion", "Tôn giáo"),
        Column("education", "Trình độ học vấn"),
        Column("phone", "Điện thoại"),
        Column("email", "Email"),
    ),
    "events": (
        Column("member_id", "Mã đảng viên", required=True),
        Column("kind", "Loại sự kiện", required=True),
        Column("date", "Ngày", required=True),
        Column("org_code", "Mã đơn vị", required=True),
        Column("decision_no", "Số quyết định"),
        Column("reason", "Lý do"),
        Column("full_name", "Họ và tên"),
        Column("birth_date", "Ngày sinh"),
        Column("gender", "Giới tính"),
        Column("occupation", "Nghề nghiệp"),
    ),
}


def keys(kind: str) -> list[str]:
    return [c.key for c in COLUMNS[kind]]


class CellError(ValueError):
    """A cell that cannot be read; the message is translated and shown to the user."""


@dataclass(frozen=True)
class HeaderProblem:
    column: str
    message: str


def _header_key(text: str) -> str:
    return fold(text).replace("_", " ")


def resolve_header(kind: str, cells: list[Any]) -> tuple[list[str | None], list[HeaderProblem]]:
    """The key of each header cell ("" if refused, None if blank), and what is wrong with it."""
    known: dict[str, str] = {}
    for column in COLUMNS[kind]:
        known[_header_key(column.key)] = column.key
        known[_header_key(column.label)] = column.key
    found: list[str | None] = []
    problems: list[HeaderProblem] = []
    seen: set[str] = set()
    for cell in cells:
        text = "" if cell is None else " ".join(str(cell).split())
        if not text:
            found.append(None)
            continue
        key = known.get(_header_key(text))
        if key is None:
            problems.append(HeaderProblem(text, _("Unknown column “%(name)s”.") % {"name": text}))
            found.append("")
        elif key in seen:
            problems.append(HeaderProblem(key, _("The column appears twice.")))
            found.append("")
        else:
            seen.add(key)
            found.append(key)
    for column in COLUMNS[kind]:
        if column.required and column.key not in seen:
            problems.append(
                HeaderProblem(
                    column.key,
                    _("The column “%(key)s” (%(label)s) is missing.")
                    % {"key": column.key, "label": column.label},
                )
            )
    return found, problems


# --- cells --------------------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def text(value: Any, *, max_length: int | None = None) -> str:
    """The cell as one line of text, spaces collapsed ('' for an empty cell)."""
    if value is None:
        return ""
    if type(value) is not str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value)
    out = " ".join(value.split())
    if max_length is not None and len(out) > max_length:
        raise CellError(_("At most %(n)d characters.") % {"n": max_length})
    return out


def date(value: Any) -> dt.date | None:
    """A date written YYYY-MM-DD or DD/MM/YYYY (or a date cell of a workbook)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip()
    if not raw:
        return None
    if len(raw) == 10 and raw[4] == "-" and raw[7] == "-":  # most cells: YYYY-MM-DD
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass  # read below, for the right message
    iso = _ISO.match(raw)
    day_first = _DAY_FIRST.match(raw)
    try:
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        if day_first:
            return dt.date(int(day_first[3]), int(day_first[2]), int(day_first[1]))
    except ValueError as exc:
        raise CellError(_("There is no such day as %(value)s.") % {"value": raw}) from exc
    raise CellError(
        _("“%(value)s” is not a date: write YYYY-MM-DD or DD/MM/YYYY.") % {"value": raw}
    )


def choice_map(choices: type[models.TextChoices], values: list[str]) -> dict[str, str]:
    """folded key, English label or Vietnamese label → key."""
    out: dict[str, str] = {}
    for value in values:
        label = choices(value).label
        for language in ("en", "vi"):
            with translation.override(language):
                out.setdefault(fold(str(label)), value)
        out[fold(value)] = value
        out[fold(value.replace("_", " "))] = value
    return out


@functools.cache
def _maps() -> dict[str, dict[str, str]]:
    gender = choice_map(Gender, Gender.values)
    gender.update({"nam": Gender.MALE, "nu": Gender.FEMALE})
    return {
        "org_kind": choice_map(Kind, Kind.values),
        "sector": choice_map(Sector, Sector.values),
        "occupation": choice_map(Occupation, Occupation.values),
        "event_kind": choice_map(EventKind, [str(k) for k in RECORDABLE_KINDS]),
        "gender": gender,
    }


def choice(value: Any, which: str) -> str | None:
    """The key for a cell of a choice column (None for an empty cell)."""
    raw = text(value)
    if not raw:
        return None
    known = _maps()[which]
    key = known.get(raw) or known.get(fold(raw))  # most cells hold the key itself
    if key is None:
        messages = {
            "org_kind": _("Unknown kind of unit “%(value)s”."),
            "sector": _("Unknown sector “%(value)s”."),
            "occupation": _("Unknown occupation “%(value)s”."),
            "event_kind": _("Unknown kind of event “%(value)s”."),
            "gender": _("Gender is male or female (Nam or Nữ), not “%(value)s”."),
        }
        raise CellError(messages[which] % {"value": raw})
    return key


def national_id(value: Any) -> str | None:
    """Twelve digits; a workbook that stored the number as a number lost its leading zeros."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and float(value).is_integer() and 0 <= value < 10**12:
        return f"{int(value):012d}"
    raw = text(value)
    if not raw:
        return None
    if not re.fullmatch(r"\d{12}", raw):
        raise CellError(_("A national ID has 12 digits."))
    return raw


def phone(value: Any) -> str:
    """A workbook that stored a phone number as a number lost its leading zero."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return f"0{value}"
    return text(value, max_length=20)


def read_cells(
    line: int,
    record: dict[str, Any],
    readers: Iterable[tuple[str, Callable[[Any], Any]]],
    errors: list[Any],
    error: Callable[[int, str, str], Any],
) -> dict[str, Any]:
    """{key: value} read from the record; a cell that cannot be read adds an error."""
    values: dict[str, Any] = {}
    for key, reader in readers:
        try:
            values[key] = reader(record.get(key))
        except CellError as exc:
            errors.append(error(line, key, str(exc)))
    return values


code = functools.partial(text, max_length=32)

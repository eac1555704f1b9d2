"""The Vietnamese catalogue is complete, compiled, and actually used.

(a) makemessages over a copy of the source leaves no msgid without a Vietnamese msgstr and
    no fuzzy entry, so a new untranslated string fails here with the list of what is missing;
(b) the committed .mo files hold exactly what their .po files say;
(c) key strings and rendered pages are Vietnamese by default and English when the user
    chooses it (the language cookie set by the footer switcher).

GNU gettext (xgettext, msgmerge, msgfmt) must be installed: without it these tests fail,
they never skip. To fix a failure of (a) or (b), in src/chibo:

    django-admin makemessages -l vi -l en --settings=chibo.settings.test \
        --ignore "migrations/*" --no-location --no-obsolete
    (translate the empty msgstrs in locale/vi/LC_MESSAGES/django.po, drop "#, fuzzy")
    django-admin compilemessages --settings=chibo.settings.test
"""

import gettext as gnu_gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, ngettext

from chibo.members.models import Status
from chibo.orgs.kinds import Kind

PACKAGE_DIR = Path(settings.LOCALE_PATHS[0]).parent
LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
LANGS = ("vi", "en")
MAKEMESSAGES_ARGS = ["--ignore", "migrations/*", "--no-location", "--no-obsolete"]


# --- a tiny .po reader (no polib in the dependencies) ------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")\s*$')


def _unquote(quoted: str) -> str:
    body = quoted.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), body)


@dataclass
class PoEntry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def parse_po(text: str) -> list[PoEntry]:
    entries: list[PoEntry] = []
    entry, fields, current = PoEntry(), {}, None

    def close() -> None:
        nonlocal entry, fields, current
        if "msgid" in fields:
            entry.msgid = fields["msgid"]
            entry.msgid_plural = fields.get("msgid_plural")
            entry.msgctxt = fields.get("msgctxt")
            keys = sorted(k for k in fields if k.startswith("msgstr"))
            entry.msgstrs = [fields[k] for k in keys]
            entries.append(entry)
        entry, fields, current = PoEntry(), {}, None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            close()
        elif line.startswith("#~"):
            continue  # obsolete
        elif line.startswith("#,"):
            entry.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
        elif line.startswith("#"):
            continue
        elif m := _LINE.match(line):
            current = m.group(1)
            fields[current] = _unquote(m.group(2))
        elif line.startswith('"') and current:
            fields[current] += _unquote(line)
        else:
            raise AssertionError(f"unreadable .po line: {raw!r}")
    close()
    return entries


def _header(entries: list[PoEntry]) -> dict[str, str]:
    head = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    pairs = (line.split(":", 1) for line in head.msgstrs[0].splitlines() if ":" in line)
    return {k.strip(): v.strip() for k, v in pairs}


_PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|\{\{\s*\w+\s*\}\}")


def _placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


# --- helpers -------------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def gettext_tools() -> None:
    missing = [t for t in ("xgettext", "msgmerge", "msgfmt") if shutil.which(t) is None]
    assert not missing, f"GNU gettext tools missing: {missing} (install the gettext package)"


def _run(cmd: list[str], cwd: Path) -> None:
    # Without settings makemessages writes to ./locale (the copy), never to LOCALE_PATHS.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    assert done.returncode == 0, f"{cmd} failed:\n{done.stdout}\n{done.stderr}"


def _fresh_vietnamese_po(tmp_path: Path) -> list[PoEntry]:
    """What makemessages makes of the current source, merged with the committed catalogue."""
    copy = tmp_path / "chibo"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    _run([sys.executable, "-m", "django", "makemessages", "-l", "vi", *MAKEMESSAGES_ARGS], copy)
    po = copy / "locale" / "vi" / "LC_MESSAGES" / "django.po"
    return parse_po(po.read_text(encoding="utf-8"))


# --- (a) complete ------------------------------------------------------------------------


def test_every_msgid_has_a_vietnamese_translation(tmp_path: Path) -> None:
    entries = _fresh_vietnamese_po(tmp_path)
    messages = [e for e in entries if e.msgid]
    assert len(messages) > 100, "makemessages found suspiciously few strings"

    untranslated = [
        e.msgid for e in messages if not e.msgstrs or not all(s.strip() for s in e.msgstrs)
    ]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    listing = "\n".join(f"  - {m!r}" for m in untranslated + fuzzy)
    assert not untranslated and not fuzzy, (
        f"{len(untranslated)} msgid(s) without Vietnamese and {len(fuzzy)} fuzzy entr(ies) "
        f"in locale/vi/LC_MESSAGES/django.po (run makemessages, translate, compilemessages):\n"
        f"{listing}"
    )

    header = _header(entries)
    assert header.get("Language") == "vi"
    assert header.get("Plural-Forms") == "nplurals=1; plural=0;"
    assert "charset=UTF-8" in header.get("Content-Type", "")
    assert all(len(e.msgstrs) == 1 for e in messages if e.msgid_plural is not None)

    broken = [
        e.msgid
        for e in messages
        if any(
            _placeholders(s) != _placeholders(e.msgid_plural or e.msgid)
            and _placeholders(s) != _placeholders(e.msgid)
            for s in e.msgstrs
        )
    ]
    assert not broken, f"placeholders changed in translation: {broken}"


# --- (b) compiled ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_committed_mo_matches_po(tmp_path: Path, lang: str) -> None:
    po = LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert po.exists() and mo.exists(), f"{lang}: run makemessages and compilemessages"
    fresh = tmp_path / "django.mo"
    _run(["msgfmt", "--check", "-o", str(fresh), str(po)], tmp_path)
    with fresh.open("rb") as f:
        expected = gnu_gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    with mo.open("rb") as f:
        committed = gnu_gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    assert committed == expected, f"{mo} is stale: run compilemessages in src/chibo"


# --- (c) used ----------------------------------------------------------------------------


def test_key_strings_translate() -> None:
    with translation.override("vi"):
        assert gettext("Members") == "Đảng viên"
        assert gettext("Log in") == "Đăng nhập"
        assert gettext("Probationary members") == "Đảng viên dự bị"
        assert gettext("Grassroots cell") == "Chi bộ cơ sở"
        assert str(Status.OFFICIAL.label) == "Chính thức"
        assert str(Kind.PARTIAL_COMMITTEE.label) == "Đảng bộ bộ phận"
        assert ngettext("%(n)s member", "%(n)s members", 1) % {"n": 1} == "1 đảng viên"
        assert ngettext("%(n)s member", "%(n)s members", 7) % {"n": 7} == "7 đảng viên"
    with translation.override("en"):
        assert gettext("Members") == "Members"
        assert str(Status.OFFICIAL.label) == "Official"
        assert ngettext("%(n)s member", "%(n)s members", 7) % {"n": 7} == "7 members"


@pytest.mark.django_db
def test_pages_are_vietnamese_by_default(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="vi"' in html
    for text in ("Đăng nhập", "Tên đăng nhập", "Mật khẩu", "Ngôn ngữ"):
        assert text in html
    assert "User name" not in html


@pytest.mark.django_db
def test_pages_are_english_on_request(client) -> None:  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en"' in html
    for text in ("Log in", "User name", "Password", "Language"):
        assert text in html
    assert "Đăng nhập" not in html


@pytest.mark.django_db
def test_language_switcher_changes_the_language(client) -> None:  # type: ignore[no-untyped-def]
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "User name" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "vi", "next": "/accounts/login/"})
    assert "Tên đăng nhập" in client.get("/accounts/login/").content.decode()

"""`chibo import` and `chibo export`: JSON on stdout, messages on stderr, non-zero on error."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from chibo.core.models import AuditEntry
from chibo.members.models import Member

from .test_interchange_members import HEADER, counts
from .test_interchange_readers import write_csv

ROW = ["M-300", "Mai Văn Ba", "1991-02-03", "male", "", "C2", "2019-04-05", "", "worker", ""]
CHIBO = Path(sys.executable).parent / "chibo"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def command(*args: str) -> tuple[int, dict, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, json.loads(out.getvalue()), err.getvalue()


def test_a_good_file_exits_0_with_the_counts(world, tmp_path):
    path = write_csv(tmp_path / "m.csv", [HEADER, ROW])
    code, result, err = command("import", "members", str(path))
    assert code == 0
    assert result == {
        "kind": "members",
        "rows": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "errors": [],
    }
    assert "1 created" in err
    assert AuditEntry.objects.latest("id").actor_label == "system"
    assert Member.objects.filter(member_code="M-300").exists()


def test_a_bad_file_exits_1_with_every_error_and_writes_nothing(world, tmp_path):
    bad = ["M-301", ROW[1], "1991-13-03", *ROW[3:5], "C9", *ROW[6:]]
    path = write_csv(tmp_path / "m.csv", [HEADER, ROW, bad])
    before = counts()
    code, result, err = command("import", "members", str(path))
    assert code == 1
    assert [(e["line"], e["column"]) for e in result["errors"]] == [
        (3, "birth_date"),
        (3, "org_code"),
    ]
    assert "line 3, birth_date: There is no such day as 1991-13-03." in err
    assert "Nothing was imported: 2 error(s)." in err
    assert counts() == before


def test_a_dry_run_checks_and_writes_nothing(world, tmp_path):
    path = write_csv(tmp_path / "m.csv", [HEADER, ROW])
    before = counts()
    code, result, err = command("import", "members", str(path), "--dry-run")
    assert (code, result["errors"]) == (0, []) and "dry run" in err
    assert counts() == before


def test_a_missing_file_and_a_wrong_extension(world, tmp_path):
    code, result, _err = command("import", "orgs", str(tmp_path / "nope.csv"))
    assert code == 1 and result["errors"][0]["line"] is None
    path = tmp_path / "tree.ods"
    path.write_bytes(b"x")
    code, result, _err = command("import", "orgs", str(path))
    assert code == 1 and "csv" in result["errors"][0]["message"]


def test_export_writes_the_file_and_reports_it(world, tmp_path):
    path = tmp_path / "members.xlsx"
    code, result, err = command("export", "members", str(path), "--org", "D2")
    assert code == 0 and path.exists()
    assert result == {"kind": "members", "rows": 1, "org": "D2", "file": str(path), "skipped": 0}
    assert "Exported 1 rows" in err


def test_export_of_an_unknown_unit_fails(world, tmp_path):
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("export", "orgs", str(tmp_path / "o.csv"), "--org", "NOPE", stdout=out)
    assert caught.value.returncode == 1


def test_the_console_script_exits_non_zero_and_prints_json(tmp_path):
    """The real `chibo` program on a SQLite file of its own."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "chibo.settings.dev", "CHIBO_DATA_DIR": str(tmp_path)}  # fmt: skip
    subprocess.run([CHIBO, "migrate", "-v0"], env=env, check=True, timeout=300)  # noqa: S603
    orgs = write_csv(tmp_path / "o.csv", [["code", "parent_code", "name", "kind"],
                                          ["HN", "", "Thành ủy Hà Nội", "provincial_committee"],
                                          ["X1", "HN", "Lạ", "galaxy"]])  # fmt: skip
    done = subprocess.run(  # noqa: S603
        [CHIBO, "import", "orgs", str(orgs)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    result = json.loads(done.stdout)
    assert [(e["line"], e["column"]) for e in result["errors"]] == [(3, "kind")]
    assert "galaxy" in done.stderr
    write_csv(
        orgs,
        [
            ["code", "parent_code", "name", "kind"],
            ["HN", "", "Thành ủy Hà Nội", "provincial_committee"],
        ],
    )
    done = subprocess.run(  # noqa: S603
        [CHIBO, "import", "orgs", str(orgs)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and json.loads(done.stdout)["created"] == 1

"""Where a members import spends its time: one import, with a timestamp at each step.

Wraps the steps of `chibo.members.interchange` in place (reading, each `INSERT … SELECT`,
the second session's sum and the wait for it, the adding of the summary rows) and prints
the seconds since the start at each one's start and end. Import into a database that has
the units already (`chibo import orgs`), as `bench/import_speed.py` does:

    DATABASE_URL=postgres://chibo@127.0.0.1:54329/chibo_imp .venv/bin/python \\
        bench/import_steps.py members.csv
"""

import functools
import os
import sys
import time
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings.dev")

import django

django.setup()

from chibo.members import stats  # noqa: E402
from chibo.members.interchange import base, importers  # noqa: E402
from chibo.members.interchange import import_members as im  # noqa: E402

START = time.perf_counter()


def mark(label: str) -> None:
    print(f"{time.perf_counter() - START:7.1f} {label}", flush=True)


def timed(owner: Any, name: str, label: str) -> None:
    inner = getattr(owner, name)

    @functools.wraps(inner)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        mark(f"{label} start")
        try:
            return inner(*args, **kwargs)
        finally:
            mark(f"{label} end")

    setattr(owner, name, wrapper)


def main(path: str) -> int:
    timed(im.MemberImport, "read", "read and check")
    timed(im.MemberImport, "write", "write")
    timed(im, "insert_select", "insert")
    timed(stats, "_sum", "sum (second session)")
    timed(stats.SideSums, "wait", "wait for the sums")
    timed(stats, "_merge_spooled", "add summary rows")
    with open(path, "rb") as source:
        report = importers.import_file(
            kind="members", source=source, name=path, ctx=base.ImportContext(actor=None)
        )
    mark("done")
    print(f"created {report.created}, errors {len(report.errors)}")
    return 1 if report.errors else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))

"""Import speed: a members CSV and XLSX through `chibo import`, timed, with peak memory.

Each run starts from an empty database (`chibo_bench_import` on the server that
DATABASE_URL names; dropped and created again), migrates it, imports a generated tree of
one province (`chibo import orgs`), then the generated members file, as the operator would:
the real `chibo` console script in a child process. Peak RSS is the child's maximum
resident set size (wait4); the files are written as they are generated, so that the
measuring process, whose size the kernel counts in its child's peak, stays small. Prints a markdown table.

    DATABASE_URL=postgres://chibo@127.0.0.1:54329/chibo .venv/bin/python bench/import_speed.py \
        --rows 500000 --xlsx-rows 100000
"""

import argparse
import csv
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
CHIBO = ROOT / ".venv" / "bin" / "chibo"

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]  # fmt: skip
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Xuân", "Hồng"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đạt", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng",
         "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Phong", "Phúc",
         "Quang", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Trung", "Tuấn", "Vy", "Yến"]  # fmt: skip
OCCUPATIONS = ["student", "teacher", "worker", "farmer", "civil_servant", "retired", ""]
MEMBER_HEADER = ["member_id", "full_name", "birth_date", "gender", "national_id", "org_code",
                 "admitted_on", "recognized_on", "occupation", "phone"]  # fmt: skip


def server_url_for(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + dbname))


def fresh_database(url: str, dbname: str) -> str:
    with psycopg.connect(server_url_for(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        conn.execute(f'CREATE DATABASE "{dbname}"')
    return server_url_for(url, dbname)


def tree(cells: int) -> tuple[list[list[str]], list[str]]:
    """One province: districts of 20 grassroots committees of 25 cells each."""
    rows = [["code", "parent_code", "name", "kind", "sector"],
            ["P", "", "Tỉnh ủy Thử", "provincial_committee", "other"]]  # fmt: skip
    cell_codes: list[str] = []
    d = 0
    while len(cell_codes) < cells:
        d += 1
        rows.append([f"D{d}", "P", f"Huyện ủy {d}", "district_committee", "commune"])
        for g in range(1, 21):
            if len(cell_codes) >= cells:
                break
            gcode = f"D{d}G{g}"
            rows.append([gcode, f"D{d}", f"Đảng bộ xã {d}.{g}", "grassroots_committee", "commune"])
            for c in range(1, 26):
                if len(cell_codes) >= cells:
                    break
                code = f"{gcode}C{c}"
                rows.append([code, gcode, f"Chi bộ {d}.{g}.{c}", "subordinate_cell", "commune"])
                cell_codes.append(code)
    return rows, cell_codes


def decision_days(rng: random.Random, committee: str, year: int, cache: dict) -> list[str]:
    """The days a grassroots committee decides admissions and recognitions in a year: one a
    quarter, the same for all its cells (what real rosters share)."""
    key = (committee, year)
    if key not in cache:
        cache[key] = [f"{year:04d}-{m:02d}-{rng.randint(1, 28):02d}" for m in (2, 5, 8, 11)]
    return cache[key]


def opening_days(rng: random.Random, cell: str, days: str, cache: dict) -> tuple[str, str]:
    """(admitted_on, recognized_on) of one member: any day (`uniform`, the pessimistic case:
    hardly two members share a day) or the committee's decision days (`decisions`)."""
    year = rng.randint(1975, 2024)
    if days == "uniform":
        admitted = f"{year:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        return admitted, "" if year == 2024 else f"{year + 1:04d}-{admitted[5:]}"
    committee = cell.rsplit("C", 1)[0]
    admitted = rng.choice(decision_days(rng, committee, year, cache))
    if year == 2024:
        return admitted, ""
    anniversary = f"{year + 1:04d}-{admitted[5:]}"
    later = [d for y in (year + 1, year + 2) for d in decision_days(rng, committee, y, cache)]
    return admitted, next(d for d in later if d >= anniversary)


def members(n: int, cells: list[str], seed: int, days: str = "uniform") -> Any:
    rng = random.Random(seed)
    cache: dict = {}
    for i in range(n):
        cell = cells[i % len(cells)]
        admitted, recognized = opening_days(rng, cell, days, cache)
        year = int(admitted[:4])
        female = rng.random() < 0.35
        full = f"{rng.choice(FAMILY)} {'Thị' if female else rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        yield [
            f"PP.{i:06d}" if i < 1_000_000 else f"M-{i}",
            full,
            f"{year - rng.randint(20, 40):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "female" if female else "male",
            f"{i:012d}",
            cell,
            admitted,
            recognized,
            rng.choice(OCCUPATIONS),
            "",
        ]


def write_csv(path: Path, rows: Any) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        for row in rows:
            writer.writerow(row)


def write_xlsx(path: Path, rows: Any) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("members")
    for row in rows:
        sheet.append(row)
    book.save(path)


def run_chibo(db_url: str, *args: str) -> dict[str, Any]:
    """Run `chibo ARGS`; its wall time and its own peak resident memory (wait4's rusage)."""
    env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "chibo.settings.dev"}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen([str(CHIBO), *args], env=env, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            out.seek(0)
            err.seek(0)
            sys.exit(
                f"chibo {' '.join(args)} failed:\n{out.read()[-2000:]!r}\n{err.read()[-2000:]!r}"
            )
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024}


def measure(
    url: str, label: str, n: int, fmt: str, seed: int, work: Path, days: str
) -> dict[str, Any]:
    db_url = fresh_database(url, "chibo_bench_import")
    run_chibo(db_url, "migrate", "-v0")
    org_rows, cells = tree(max(1, n // 33))
    orgs = work / "orgs.csv"
    write_csv(orgs, org_rows)
    run_chibo(db_url, "import", "orgs", str(orgs))
    path = work / f"members.{fmt}"
    # Written as generated: this process must stay small, because a child's peak RSS as the
    # kernel reports it (wait4) starts from the size of the process that started it.
    rows = itertools.chain([MEMBER_HEADER], members(n, cells, seed, days))
    (write_csv if fmt == "csv" else write_xlsx)(path, rows)
    first = run_chibo(db_url, "import", "members", str(path))
    again = run_chibo(db_url, "import", "members", str(path))
    return {
        "case": label,
        "days": days,
        "rows": n,
        "units": len(org_rows) - 1,
        "file_mb": path.stat().st_size / 2**20,
        "seconds": first["seconds"],
        "rows_per_s": n / first["seconds"],
        "peak_mb": first["peak_mb"],
        "again_seconds": again["seconds"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=500_000, help="rows of the CSV")
    parser.add_argument("--xlsx-rows", type=int, default=100_000, help="rows of the XLSX (0: none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--days",
        choices=("uniform", "decisions", "both"),
        default="both",
        help="admission and recognition days: any day, or the committees' decision days",
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (make bench does).")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # Each case runs in a child process of its own, so each peak is its own.
        days = ["uniform", "decisions"] if args.days == "both" else [args.days]
        cases = [("CSV", args.rows, "csv", d) for d in days]
        if args.xlsx_rows:
            cases += [("XLSX", args.xlsx_rows, "xlsx", d) for d in days]
        for label, n, fmt, d in cases:
            out = work / f"{fmt}-{d}.txt"
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--one",
                    label,
                    str(n),
                    fmt,
                    str(args.seed),
                    d,
                    str(out),
                ],
                check=True,
            )
            results.append(json.loads(out.read_text()))
            print(json.dumps(results[-1]), flush=True)
    print("| file | days | rows | units | size | import | rows/s | peak RSS | same file again |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['case']} | {r['days']} | {r['rows']:,} | {r['units']:,} | {r['file_mb']:.1f} MB "
            f"| {r['seconds']:.1f} s | {r['rows_per_s']:,.0f} | {r['peak_mb']:.0f} MB "
            f"| {r['again_seconds']:.1f} s |"
        )
    return 0


def one(label: str, n: str, fmt: str, seed: str, days: str, out: str) -> None:
    url = os.environ["DATABASE_URL"]
    with tempfile.TemporaryDirectory() as tmp:
        result = measure(url, label, int(n), fmt, int(seed), Path(tmp), days)
    Path(out).write_text(json.dumps(result))


if __name__ == "__main__":
    if len(sys.argv) == 8 and sys.argv[1] == "--one":
        one(*sys.argv[2:])
        raise SystemExit(0)
    raise SystemExit(main())

"""`chibo report summary|ranking|screening|handbook|recruitment|classification …`: the reports of INTERCHANGE.md, as JSON (stdout),
a text table, or an XLSX file."""

import datetime as dt
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chibo.core.errors import DomainError
from chibo.orgs.models import Organization
from chibo.reports import formats, selectors
from chibo.reports.classification import report_classification
from chibo.reports.handbook import report_handbook
from chibo.reports.recruitment import report_recruitment


def _date(value: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007 (a calendar date, no time)
        except ValueError:
            continue
    raise CommandError(f"Not a date: {value!r} (use YYYY-MM-DD or DD/MM/YYYY)")


def _one_level(report: dict[str, Any]) -> dict[str, Any]:
    """Groups nested two deep (the classification's `units_by_kind`) become groups of their
    own ("units_by_kind.grassroots_cell"), so that the table and the workbook get one key
    per figure."""
    out: dict[str, Any] = {}
    for key, value in report.items():
        if isinstance(value, dict) and any(isinstance(v, dict) for v in value.values()):
            out.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            out[key] = value
    return out


class Command(BaseCommand):
    help = (
        "Run a report (summary, ranking, screening, handbook, recruitment, classification) "
        "and print it as JSON, a table or XLSX."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "name",
            choices=[
                "summary",
                "ranking",
                "screening",
                "handbook",
                "recruitment",
                "classification",
            ],
        )
        parser.add_argument(
            "--org",
            help="code of the unit (summary, screening, handbook, recruitment, classification)",
        )
        parser.add_argument("--parent", help="code of the parent unit (ranking)")
        parser.add_argument("--start", type=_date)
        parser.add_argument("--end", type=_date)
        parser.add_argument("--year", type=int, help="the year (ranking, classification)")
        parser.add_argument("--on", type=_date, help="the day (handbook)")
        parser.add_argument("--metric", default="admission_rate", choices=selectors.RANKING_METRICS)
        parser.add_argument("--format", default="json", choices=["json", "table", "xlsx"])
        parser.add_argument("--output", help="file to write (required for xlsx)")

    def _unit(self, code: str | None, option: str) -> Organization:
        if not code:
            raise CommandError(f"{option} is required")
        org = Organization.objects.filter(code=code).first()
        if org is None:
            raise CommandError(f"No unit with code {code!r}")
        return org

    def handle(self, *args: Any, **opts: Any) -> None:
        name = opts["name"]
        try:
            if name == "handbook":
                if not opts["on"]:
                    raise CommandError("--on is required")
                report = report_handbook(org=self._unit(opts["org"], "--org"), on=opts["on"])
            elif name == "classification":
                if not opts["year"]:
                    raise CommandError("--year is required")
                report = report_classification(
                    org=self._unit(opts["org"], "--org"), year=opts["year"]
                )
            elif name == "ranking":
                if not opts["year"]:
                    raise CommandError("--year is required")
                report = selectors.report_ranking(
                    parent=self._unit(opts["parent"], "--parent"),
                    year=opts["year"],
                    metric=opts["metric"],
                )
            else:
                if not opts["start"] or not opts["end"]:
                    raise CommandError("--start and --end are required")
                run = {
                    "summary": selectors.report_summary,
                    "screening": selectors.report_screening,
                    "recruitment": report_recruitment,
                }[name]
                report = run(
                    org=self._unit(opts["org"], "--org"), start=opts["start"], end=opts["end"]
                )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        fmt = opts["format"]
        if fmt == "xlsx":
            if not opts["output"]:
                raise CommandError("--output FILE is required with --format xlsx")
            with open(opts["output"], "wb") as fh:
                fh.write(formats.as_xlsx(_one_level(report)))
            sys.stderr.write(f"Wrote {opts['output']}\n")
            return
        text = (
            json.dumps(report, ensure_ascii=False) + "\n"
            if fmt == "json"
            else formats.as_table(_one_level(report))
        )
        if opts["output"]:
            with open(opts["output"], "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            self.stdout.write(text, ending="")

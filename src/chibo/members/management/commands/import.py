"""`chibo import orgs|members|events|targets FILE`: all or nothing, JSON on stdout, messages on stderr."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from chibo.members.interchange.base import ImportContext, ImportReport, RowError
from chibo.members.interchange.columns import IMPORT_KINDS
from chibo.members.interchange.importers import import_file


class Command(BaseCommand):
    help = (
        "Import units, members or dated events from a CSV or XLSX file (INTERCHANGE.md). "
        "Nothing is written unless every row is right; the actor is 'system'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=IMPORT_KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and write nothing."
        )

    def handle(self, *args: Any, kind: str, file: Path, dry_run: bool, **options: Any) -> None:
        try:
            source = file.open("rb")
        except OSError as exc:
            report = ImportReport(kind=kind)
            report.errors.append(
                RowError(
                    None,
                    None,
                    _("Cannot open %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror},
                )
            )
        else:
            with source:
                report = import_file(
                    kind=kind,
                    source=source,
                    name=file.name,
                    ctx=ImportContext(actor=None),
                    dry_run=dry_run,
                )
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        for error in report.errors:
            where = ", ".join(
                part
                for part in (
                    _("line %(n)d") % {"n": error.line} if error.line else "",
                    error.column or "",
                )
                if part
            )
            self.stderr.write(f"{where}: {error.message}" if where else error.message)
        if report.errors:
            raise CommandError(
                _("Nothing was imported: %(n)d error(s).") % {"n": len(report.errors)},
                returncode=1,
            )
        if dry_run:
            self.stderr.write(_("Every row is right (dry run: nothing was written)."))
        else:
            self.stderr.write(
                _(
                    "Imported %(rows)d rows: %(created)d created, %(updated)d updated, %(unchanged)d unchanged."
                )
                % report.as_dict()
            )

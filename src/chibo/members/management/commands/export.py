"""`chibo export orgs|members|events FILE [--org CODE]`: the columns of the matching import."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from chibo.members.interchange.columns import KINDS
from chibo.members.interchange.exporters import export_file
from chibo.members.interchange.readers import FileProblem
from chibo.orgs.models import Organization


class Command(BaseCommand):
    help = (
        "Export units, members or dated events to a .csv or .xlsx file that the import reads "
        "back (INTERCHANGE.md); --org limits it to a unit's subtree."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument("--org", default="", help="Code of the unit whose subtree to export.")

    def handle(self, *args: Any, kind: str, file: Path, org: str, **options: Any) -> None:
        unit = None
        if org:
            unit = Organization.objects.filter(code=org).first()
            if unit is None:
                raise CommandError(
                    _("There is no unit with the code %(code)s.") % {"code": org}, returncode=1
                )
        try:
            result = export_file(kind=kind, path=file, org=unit)
        except FileProblem as problem:
            raise CommandError(problem.message, returncode=1) from problem
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror},
                returncode=1,
            ) from exc
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        self.stderr.write(
            _("Exported %(rows)d rows to %(file)s.") % {"rows": result.rows, "file": file}
        )
        if result.skipped:
            self.stderr.write(
                _(
                    "%(n)d temporary transfers were left out: the events file has no column for their end date."
                )
                % {"n": result.skipped}
            )

"""`chibo stats rebuild [--verify]`: recompute OrgPeriodStat from the events, or compare."""

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chibo.members import stats


class Command(BaseCommand):
    help = "Rebuild the per-unit period statistics from the member events (--verify only compares)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild"])
        parser.add_argument(
            "--verify", action="store_true", help="compare with the events; change nothing"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["verify"]:
            differences = stats.stats_verify()
            self.stdout.write(
                json.dumps({"differences": len(differences), "rows": differences[:100]}) + "\n"
            )
            if differences:
                raise CommandError(
                    f"{len(differences)} difference(s) between the statistics and the events"
                )
            sys.stderr.write("The statistics match the events.\n")
            return
        written = stats.stats_rebuild()
        self.stdout.write(json.dumps({"rows": written}) + "\n")

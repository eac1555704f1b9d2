"""`chibo demo --seed N --members 40000`: load the demo province once, then list the logins."""

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from chibo.core.errors import DomainError
from chibo.demo.generator import (
    DEMO_TODAY,
    DEMO_URL,
    MIN_MEMBERS,
    ROOT_CODE,
    demo_generate,
    demo_is_loaded,
    demo_logins,
)


class Command(BaseCommand):
    help = "Generate the demo province (units, members, ten years of history, demo users) once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="Seed of the generator.")
        parser.add_argument(
            "--members", type=int, default=40_000, help="About how many live members."
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=DEMO_TODAY,
            help="The day the history runs to (YYYY-MM-DD); fixed so every run is identical.",
        )

    def handle(self, *args: Any, seed: int, members: int, today: dt.date, **options: Any) -> None:
        if members < MIN_MEMBERS:
            raise CommandError(_("--members must be at least %(n)d.") % {"n": MIN_MEMBERS})
        if demo_is_loaded():
            self.stdout.write(
                _("The demo province (%(code)s) is already loaded; nothing to do.")
                % {"code": ROOT_CODE}
            )
        else:
            started = time.perf_counter()
            try:
                result = demo_generate(seed=seed, members=members, today=today)
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
            steps = ", ".join(f"{name} {sec:.1f} s" for name, sec in result.seconds.items())
            self.stderr.write(
                _("Generated the demo province in %(total).1f s (%(steps)s).")
                % {"total": time.perf_counter() - started, "steps": steps}
            )
            units = sum(result.counts["units_by_kind"].values())
            people = sum(result.counts["members_by_status"].values())
            events = sum(result.counts["events_by_kind"].values())
            self.stdout.write(
                _(
                    "Loaded the demo province: %(units)d units, %(members)d members, %(events)d events."
                )
                % {"units": units, "members": people, "events": events}
            )
        self._print_logins()

    def _print_logins(self) -> None:
        header = (_("user"), _("role"), _("unit"), _("password"))
        rows = [header] + [(x.username, x.role, x.unit, x.password) for x in demo_logins()]
        widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
        self.stdout.write(_("Open %(url)s and sign in as:") % {"url": DEMO_URL})
        for row in rows:
            self.stdout.write(
                "  " + "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
            )

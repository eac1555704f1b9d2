"""The summary tables the reports read (DESIGN.md, OrgPeriodStat).

OrgPeriodStat: per unit, per day, per metric, the change on that day for the unit's WHOLE
subtree: flows (admitted, transferred_in, …), stock deltas (live, official, probationary)
and unit counts (`units:<kind>`: +1 established, −1 dissolved). A subtree's figure for any
period is then a sum over its own rows, whatever its size.

OrgOpeningBalance: per unit and year, the three stocks on 1 January (the sum of every
stock delta before that day), so a stock on any date is one balance plus at most a year
of daily rows instead of a sum over the whole history.

Both are kept by `chibo.members.stats` in the same transaction as the events; rebuilt and
verified from the events by `chibo stats rebuild [--verify]`.
"""

from django.db import models

from chibo.core.db import AsciiCharField
from chibo.orgs.models import Organization


# The rows are derived (rebuilt and verified from the events) and units are never deleted,
# so the database checks no foreign key here: an import of half a million members writes
# millions of these rows, and checking each one's unit at commit cost a fifth of the import.
class OrgPeriodStat(models.Model):
    # The key is the row's own (unit, metric, day): no surrogate id, no sequence and no
    # second index to write for each of the millions of rows. On PostgreSQL the key's
    # index also carries `value` (INCLUDE, migration 0013), so the report sums are
    # index-only scans.
    pk = models.CompositePrimaryKey("org", "metric", "day")
    # The key starts with org_id, so the foreign key needs no index of its own.
    org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    day = models.DateField()
    metric = AsciiCharField(max_length=32)
    value = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.org_id} {self.day} {self.metric}={self.value}"


class OrgOpeningBalance(models.Model):
    """The stocks of the unit's whole subtree at the start of 1 January of `year`.

    A missing row means all three are 0. Rows exist up to `stats.BALANCE_LAST_YEAR`;
    stocks on later dates add the daily rows since that year's balance (`stats.stocks_before`).
    """

    org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,  # derived rows, as OrgPeriodStat's
    )
    year = models.SmallIntegerField()
    live = models.IntegerField(default=0)
    official = models.IntegerField(default=0)
    probationary = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="orgopeningbalance_unique")
        ]

    def __str__(self) -> str:
        return (
            f"{self.org_id} {self.year}-01-01 live={self.live} official={self.official} "
            f"probationary={self.probationary}"
        )

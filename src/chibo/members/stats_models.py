"""The summary table the reports read: per unit, per day, per metric (DESIGN.md, OrgPeriodStat).

Each row holds the change on that day for the unit's WHOLE subtree: flows (admitted,
transferred_in, …) and stock deltas (live, official, probationary). A subtree's figure for
any period is then a sum over its own rows, whatever its size. Kept by
`chibo.members.stats` in the same transaction as the events; rebuilt and verified from
the events by `chibo stats rebuild [--verify]`.
"""

from django.db import models

from chibo.orgs.models import Organization


class OrgPeriodStat(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    metric = models.CharField(max_length=24)
    value = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "metric", "day"], name="orgperiodstat_unique")
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.day} {self.metric}={self.value}"

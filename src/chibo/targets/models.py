"""Admission targets and good-or-better targets per unit, per year or per term (DOMAIN.md, "Targets").

One row is one target of one unit: for a single year (`first_year == last_year`) or for a
term (2020–2025). An admissions target of a term is a yearly average ("2,000 a year over
2020–2025"); a year without a target of its own takes the term's. `segment` narrows an
admissions target to members of one occupation (students, teachers …); empty means all.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from chibo.members.models import Occupation
from chibo.orgs.models import Organization


class Metric(models.TextChoices):
    ADMISSIONS = "admissions", _("Admissions")
    GOOD_OR_BETTER = "good_or_better_percent", _("Grassroots organizations good or better (%)")


class Target(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    metric = models.CharField(max_length=32, choices=Metric.choices)
    segment = models.CharField(max_length=32, blank=True, default="")
    first_year = models.PositiveSmallIntegerField()
    last_year = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=12, decimal_places=2)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["org", "metric", "segment", "first_year", "last_year"],
                name="target_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(first_year__lte=models.F("last_year")),
                name="target_years_in_order",
            ),
        ]
        indexes = [models.Index(fields=["org", "metric", "first_year"])]

    def __str__(self) -> str:
        return f"{self.org_id} {self.metric}:{self.segment} {self.first_year}-{self.last_year}"

    @property
    def segment_label(self) -> str:
        return str(Occupation(self.segment).label) if self.segment in Occupation.values else ""

    @property
    def is_term(self) -> bool:
        return self.first_year != self.last_year

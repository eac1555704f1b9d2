"""Setting and removing targets: the rules refused with their reason, and the audit rows."""

from decimal import Decimal

import pytest
from django.utils import translation

from chibo.core.audit import AuditEntry
from chibo.core.errors import DomainError
from chibo.targets.models import Target
from chibo.targets.services import target_remove, target_set


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def rows() -> tuple[int, int]:
    return Target.objects.count(), AuditEntry.objects.count()


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"metric": "members"}, "metric", "Unknown target"),
        ({"segment": "astronaut"}, "segment", "Unknown segment"),
        ({"metric": "good_or_better_percent", "segment": "student"}, "segment", "segments"),
        ({"first_year": 1929}, "first_year", "between 1930"),
        ({"first_year": 2026, "last_year": 2025}, "last_year", "ends before"),
        ({"value": "-1"}, "value", "negative"),
        ({"value": "12.5"}, "value", "whole number"),
        ({"value": "abc"}, "value", "not a number"),
        ({"metric": "good_or_better_percent", "value": "100.01"}, "value", "at most 100"),
    ],
)
def test_an_impossible_target_is_refused_and_nothing_written(world, change, field, words):
    before = rows()
    args = {"metric": "admissions", "first_year": 2025, "value": "10", **change}
    with pytest.raises(DomainError) as refused:
        target_set(actor=None, org=world.org("D1"), **args)
    assert refused.value.field == field
    assert words in str(refused.value)
    assert rows() == before


def test_the_boundaries_are_accepted(world):
    d1 = world.org("D1")
    target_set(actor=None, org=d1, metric="good_or_better_percent", first_year=2025, value="100")
    target_set(actor=None, org=d1, metric="admissions", first_year=1930, value="0")
    target_set(actor=None, org=d1, metric="admissions", first_year=2100, value="1.000")
    target_set(actor=None, org=d1, metric="admissions", first_year=2099, value="2,000")
    target_set(actor=None, org=d1, metric="good_or_better_percent", first_year=2024, value="87,5")
    values = sorted(Target.objects.values_list("value", flat=True))
    assert values == [Decimal(n) for n in ("0", "87.5", "100", "1000", "2000")]


def test_setting_creates_changes_and_keeps_one_row_with_an_audit_row_per_change(world):
    d1 = world.org("D1")
    first = target_set(actor=None, org=d1, metric="admissions", first_year=2025, value=10)
    assert (first.first_year, first.last_year, first.value) == (2025, 2025, Decimal("10.00"))
    assert AuditEntry.objects.filter(action="target.set").count() == 1

    target_set(actor=None, org=d1, metric="admissions", first_year=2025, value=10)  # same
    assert AuditEntry.objects.filter(action="target.set").count() == 1

    again = target_set(actor=None, org=d1, metric="admissions", first_year=2025, value=12)
    assert again.pk == first.pk and Target.objects.get().value == Decimal("12.00")
    entry = AuditEntry.objects.filter(action="target.set").latest("pk")
    assert entry.org_id == d1.pk and entry.changes["value"] == ["10.00", "12.00"]

    term = target_set(
        actor=None, org=d1, metric="admissions", first_year=2020, last_year=2025, value=8
    )
    assert term.pk != first.pk and term.is_term


def test_removing_keeps_an_audit_row(world):
    target = target_set(
        actor=None, org=world.org("C2"), metric="admissions", first_year=2025, value=3
    )
    target_remove(actor=None, target=target)
    assert not Target.objects.exists()
    entry = AuditEntry.objects.get(action="target.remove")
    assert entry.changes["value"] == ["3.00", None]

"""The targets page, setting and removing through the forms, and the dashboard's figures."""

from decimal import Decimal

from django.urls import reverse
from django.utils import translation

from chibo.core.audit import AuditEntry
from chibo.targets.models import Target
from chibo.targets.services import target_set


def _form(unit, **extra):  # type: ignore[no-untyped-def]
    return {"unit": str(unit.pk), "metric": "admissions", "segment": "", "first_year": "2025",
            "last_year": "", "value": "4", **extra}  # fmt: skip


def test_a_clerk_sets_a_target_for_a_subunit_and_sees_it(world, client_for):
    alice = client_for("alice")
    d1, c2 = world.org("D1"), world.org("C2")
    response = alice.post(reverse("targets:set", args=[d1.pk]), _form(c2))
    assert response.status_code == 302
    assert response["Location"] == reverse("targets:unit", args=[d1.pk]) + "?year=2025"
    target = Target.objects.get()
    assert (target.org, target.value, target.first_year) == (c2, Decimal("4"), 2025)
    page = alice.get(reverse("targets:unit", args=[d1.pk]), {"year": 2025}).content.decode()
    assert 'data-code="C2" data-metric="admissions"' in page


def test_a_bad_value_is_shown_on_the_form_and_nothing_saved(world, client_for):
    alice = client_for("alice")
    d1 = world.org("D1")
    with translation.override("en"):
        response = alice.post(
            reverse("targets:set", args=[d1.pk]),
            _form(d1, metric="good_or_better_percent", segment="student", value="80"),
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    assert response.context["form"].errors["segment"]
    assert not Target.objects.exists() and not AuditEntry.objects.filter(action="target.set")


def test_the_form_offers_only_the_units_the_user_may_set(world, client_for):
    alice = client_for("alice")
    form = alice.get(reverse("targets:set", args=[world.org("D1").pk])).context["form"]
    codes = {u.code for u in form.units.values()}
    assert codes == {"D1", "G1", "C2"}
    # a unit of the form's list that is not the user's cannot be slipped in
    response = alice.post(reverse("targets:set", args=[world.org("D1").pk]), _form(world.org("D2")))
    assert response.status_code == 200 and not Target.objects.exists()


def test_readers_see_targets_but_cannot_set_or_remove_them(world, client_for):
    c1 = world.org("C1")
    goal = target_set(actor=None, org=c1, metric="admissions", first_year=2025, value=2)
    sam = client_for("sam")
    page = sam.get(reverse("targets:unit", args=[c1.pk]), {"year": 2025})
    assert page.status_code == 200 and 'data-code="C1"' in page.content.decode()
    assert 'data-testid="set-target"' not in page.content.decode()
    assert sam.get(reverse("targets:set", args=[c1.pk])).status_code == 404
    assert sam.post(reverse("targets:remove", args=[goal.pk])).status_code == 404
    assert Target.objects.filter(pk=goal.pk).exists()


def test_a_clerk_of_the_other_district_sees_nothing(world, client_for):
    d1 = world.org("D1")
    goal = target_set(actor=None, org=d1, metric="admissions", first_year=2025, value=2)
    bob = client_for("bob")
    assert bob.get(reverse("targets:unit", args=[d1.pk])).status_code == 404
    assert bob.post(reverse("targets:set", args=[d1.pk]), _form(d1)).status_code == 404
    assert bob.get(reverse("targets:remove", args=[goal.pk])).status_code == 404
    assert bob.post(reverse("targets:remove", args=[goal.pk])).status_code == 404
    assert Target.objects.get().value == Decimal("2")


def test_removing_asks_first_then_removes(world, client_for):
    c2 = world.org("C2")
    goal = target_set(actor=None, org=c2, metric="admissions", first_year=2025, value=2)
    alice = client_for("alice")
    assert alice.get(reverse("targets:remove", args=[goal.pk])).status_code == 200
    assert Target.objects.exists()
    response = alice.post(reverse("targets:remove", args=[goal.pk]))
    assert response["Location"] == reverse("targets:unit", args=[world.org("D1").pk]) + "?year=2025"
    assert not Target.objects.exists()


def test_the_dashboard_shows_the_target_attainment_and_the_ranking(world, client_for):
    bt, d1, d2 = world.org("BT"), world.org("D1"), world.org("D2")
    # 2025: one admission in D1 (Lan, in C2), none in D2
    target_set(actor=None, org=bt, metric="admissions", first_year=2025, value=8)
    target_set(actor=None, org=d1, metric="admissions", first_year=2025, value=4)
    target_set(actor=None, org=d2, metric="admissions", first_year=2025, value=4)
    target_set(actor=None, org=bt, metric="admissions", first_year=2025, value=2, segment="worker")
    olga = client_for("olga")
    response = olga.get(reverse("reports:dashboard", args=[bt.pk]), {"year": 2025})
    context = response.context
    assert context["summary"]["admission_target"] == 8
    assert context["admission_attainment"] == Decimal("12.50")
    assert [(r["org"], r["rank"], r["value"]) for r in context["ranking_attainment"]] == [
        ("D1", 1, Decimal("25.00")),
        ("D2", 2, Decimal("0.00")),
    ]
    assert [(s["segment"], s["target"], s["admitted"]) for s in context["segments"]] == [
        ("worker", 2, 0)
    ]
    html = response.content.decode()
    assert 'data-testid="ranking-attainment"' in html and 'data-testid="segments"' in html


def test_the_ranking_by_attainment_shares_a_rank_on_ties_and_puts_no_target_last(world):
    import datetime as dt

    from chibo.orgs.services import org_establish
    from chibo.reports.selectors import report_ranking
    from conftest import make_member

    bt, d1, d2 = world.org("BT"), world.org("D1"), world.org("D2")
    org_establish(actor=None, parent=bt, code="D3", name="Huyện ủy C", kind="upper_committee",
                  sector="commune", established_on=dt.date(2010, 1, 1))  # fmt: skip
    make_member(world.org("C3"), "M-N1", "Võ Văn Một", admitted_on=dt.date(2025, 4, 1),
                recognized_on=None)  # fmt: skip
    target_set(actor=None, org=d1, metric="admissions", first_year=2025, value=2)  # 1 of 2
    target_set(actor=None, org=d2, metric="admissions", first_year=2025, value=2)  # 1 of 2
    rows = report_ranking(parent=bt, year=2025, metric="admission_attainment")["rows"]
    assert [(r["org"], r["rank"], r["value"]) for r in rows] == [
        ("D1", 1, "50.00"),
        ("D2", 1, "50.00"),
        ("D3", None, None),
    ]

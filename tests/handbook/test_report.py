"""The `handbook` report against figures worked out by hand on the shared world.

Minh (C1) activates on 1 Oct 2025 and moves to C3 (under D2) on 1 Nov; Lan (C2, admitted
1 Sep 2025) activates on 5 Oct; Hải (C3) on 1 Dec; Đức never does.
"""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from chibo.documents.models import HandbookActivation
from chibo.members.services import event_record
from chibo.reports.handbook import handbook_ranking, report_handbook

D = dt.date


@pytest.fixture
def adoption(world):
    minh = world.members["minh"]
    for key, day in (("minh", D(2025, 10, 1)), ("lan", D(2025, 10, 5)), ("hai", D(2025, 12, 1))):
        HandbookActivation.objects.create(
            member=world.members[key],
            activated_on=day,
            activated_at=dt.datetime(day.year, day.month, day.day, 8, tzinfo=dt.UTC),
        )
    event_record(
        actor=None, member=minh, kind="transferred", date=D(2025, 11, 1), org=world.org("C3")
    )
    return world


@pytest.mark.parametrize(
    ("org", "on", "members", "activated", "percent"),
    [
        ("BT", D(2025, 9, 30), 4, 0, "0.00"),
        ("D1", D(2025, 10, 10), 3, 2, "66.67"),
        ("D1", D(2025, 11, 15), 2, 1, "50.00"),
        ("D2", D(2025, 11, 15), 2, 1, "50.00"),
        ("D2", D(2025, 12, 15), 2, 2, "100.00"),
        ("BT", D(2025, 12, 15), 4, 3, "75.00"),
        ("C1", D(2025, 8, 1), 2, 0, "0.00"),
    ],
)
def test_the_report_counts_members_live_in_the_subtree_on_the_day(
    adoption, org, on, members, activated, percent
):
    report = report_handbook(org=adoption.org(org), on=on)
    assert report == {
        "org": org,
        "on": on.isoformat(),
        "members": members,
        "activated": activated,
        "activated_percent": percent,
    }


def test_a_unit_without_members_has_no_percentage(world):
    assert report_handbook(org=world.org("G1"), on=D(1999, 1, 1))["activated_percent"] is None


def test_the_children_are_ranked_by_share_activated(adoption):
    rows = handbook_ranking(parent=adoption.org("BT"), on=D(2025, 10, 10))
    assert [(r["org"], r["rank"], r["activated_percent"]) for r in rows] == [
        ("D1", 1, "66.67"),
        ("D2", 2, "0.00"),
    ]


def test_the_command_line_prints_the_interchange_json(adoption):
    out = io.StringIO()
    call_command("report", "handbook", "--org", "D1", "--on", "2025-10-10", stdout=out)
    assert json.loads(out.getvalue()) == {
        "org": "D1",
        "on": "2025-10-10",
        "members": 3,
        "activated": 2,
        "activated_percent": "66.67",
    }
    table = io.StringIO()
    call_command(
        "report", "handbook", "--org", "D1", "--on", "10/10/2025", "--format", "table", stdout=table
    )
    assert "activated_percent" in table.getvalue() and "66.67" in table.getvalue()


def test_the_api_gives_the_same_json_within_scope_only(adoption, client_for):
    alice = client_for("alice")
    response = alice.get("/api/v1/reports/handbook", {"org": "D1", "on": "2025-10-10"})
    assert response.json() == report_handbook(org=adoption.org("D1"), on=D(2025, 10, 10))
    assert (
        alice.get("/api/v1/reports/handbook", {"org": "D2", "on": "2025-10-10"}).status_code == 404
    )


def test_the_office_page_shows_the_figures_and_the_ranking(adoption, client_for):
    olga = client_for("olga")
    page = olga.get(f"/reports/{adoption.org('BT').pk}/handbook/", {"on": "10/10/2025"})
    assert page.status_code == 200
    assert [r["org"] for r in page.context["ranking"]] == ["D1", "D2"]
    assert page.context["report"]["activated"] == 2
    assert client_for("bob").get(f"/reports/{adoption.org('D1').pk}/handbook/").status_code == 404
    chart = page.context["chart_data"]
    assert chart["labels"] == ["Huyện ủy A", "Huyện ủy B"] and chart["values"] == [66.67, 0.0]
    html = page.content.decode()
    assert 'id="chart-handbook"' in html and 'id="handbook-data"' in html
    assert html.count('id="handbook-data"') == 1 and 'data-bar-chart="handbook-data"' in html
    title = html.split("<title>")[1].split("</title>")[0]
    assert "<script" not in title and "{" not in title  # the page's title is only its name


def test_the_dashboard_links_the_adoption_page(world, client_for):
    bt = world.org("BT")
    html = client_for("olga").get(f"/reports/{bt.pk}/").content.decode()
    assert f'href="/reports/{bt.pk}/handbook/"' in html

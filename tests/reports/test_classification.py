"""The `classification` report and the ranking by good_or_better, against figures worked out
by hand on the shared tree, plus two committees D3 and D4 under BT here.

BT ── D1 ── G1 ── C1   Minh excellent; Đức and Thành A–D good
      │     └─ C2      Lan not_complete
      ├─ D2 ── C3      Hải and Thành A good; Thành B complete
      ├─ D3 ── C5      Thành A and B good; Thành C complete
      └─ D4 ── C6      Thành A not decided

Units (2024): G1 excellent, C1 good, C3 good, C2 complete, C5 complete; C6, D1–D4 and BT
are not decided. So for BT: members 1 excellent, 9 good, 2 complete, 1 not_complete, 1
unclassified: 10 of 13 good or better = 76.92 %, 1 of 13 excellent = 7.69 %. Grassroots
organizations (G1, C2, C3, C5, C6): 2 of the 4 classified good or better = 50.00 %.
Members good or better by district: D1 6 of 7 = 85.71, D2 and D3 2 of 3 = 66.67 (a tie),
D4 none classified (null). 2023 (a second campaign): Hải good, Thành A of C3 not_complete.
"""

import csv
import io
import json
import re
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from assessment.helpers import YEAR, decided, more_members, open_campaign, row
from chibo.assessment.models import Assessment
from chibo.assessment.rules import Level
from chibo.orgs.services import org_establish
from chibo.reports.classification import classification_by_year, report_classification
from chibo.reports.selectors import report_ranking
from chibo.targets.services import target_set
from conftest import World

E, G, C, N = Level.EXCELLENT, Level.GOOD, Level.COMPLETE, Level.NOT_COMPLETE


def levels(ex=0, good=0, comp=0, nc=0, uncl=0, gob=None, exc=None):  # type: ignore[no-untyped-def]
    return {
        "excellent": ex,
        "good": good,
        "complete": comp,
        "not_complete": nc,
        "unclassified": uncl,
        "good_or_better_percent": gob,
        "excellent_percent": exc,
    }


def _unit(world: World, parent: str, code: str, kind: str) -> None:
    world.orgs[code] = org_establish(
        actor=None,
        parent=world.org(parent),
        code=code,
        name=f"Đơn vị {code}",
        kind=kind,
        sector="commune",
        established_on=world.org("BT").established_on,
    )


def _decide(campaign: Any, world: World, plan: dict[str, str]) -> None:
    """Decide the member rows of the plan, in its order ({member code: level})."""
    for code, level in plan.items():
        decided(Assessment.objects.get(campaign=campaign, member__member_code=code), level)


@pytest.fixture
def classified(world: World) -> World:
    for parent, code, cell in (("BT", "D3", "C5"), ("BT", "D4", "C6")):
        _unit(world, parent, code, "upper_committee")
        _unit(world, code, cell, "grassroots_cell")
    more_members(world, 4, "C1")
    more_members(world, 2, "C3")
    more_members(world, 3, "C5")
    more_members(world, 1, "C6")

    earlier = open_campaign(world, year=YEAR - 1)
    _decide(earlier, world, {"M-HAI": G, "M-C3-0": N})

    campaign = open_campaign(world)
    _decide(
        campaign,
        world,
        {
            # the good ones first: excellent may be at most a fifth of good in G1
            **dict.fromkeys(("M-DUC", "M-C1-0", "M-C1-1", "M-C1-2", "M-C1-3"), G),
            "M-MINH": E,
            "M-LAN": N,
            "M-HAI": G,
            "M-C3-0": G,
            "M-C3-1": C,
            "M-C5-0": G,
            "M-C5-1": G,
            "M-C5-2": C,
        },
    )
    for code, level in (("C1", G), ("G1", E), ("C2", C), ("C3", G), ("C5", C)):
        decided(row(campaign, org=world.org(code)), level)
    return world


BT_REPORT = {
    "org": "BT",
    "year": YEAR,
    "units_by_kind": {
        "provincial_committee": levels(uncl=1),
        "upper_committee": levels(uncl=4),
        "district_committee": levels(),
        "grassroots_committee": levels(ex=1, gob="100.00", exc="100.00"),
        "partial_committee": levels(),
        "grassroots_cell": levels(good=1, comp=2, uncl=1, gob="33.33", exc="0.00"),
        "subordinate_cell": levels(good=1, gob="100.00", exc="0.00"),
    },
    "grassroots": levels(ex=1, good=1, comp=2, uncl=1, gob="50.00", exc="25.00"),
    "members": levels(ex=1, good=9, comp=2, nc=1, uncl=1, gob="76.92", exc="7.69"),
}


def test_the_report_counts_by_hand(classified):
    assert report_classification(org=classified.org("BT"), year=YEAR) == BT_REPORT


def test_a_district_counts_its_own_subtree(classified):
    d2 = report_classification(org=classified.org("D2"), year=YEAR)
    assert d2["members"] == levels(good=2, comp=1, gob="66.67", exc="0.00")
    assert d2["grassroots"] == levels(good=1, gob="100.00", exc="0.00")
    assert d2["units_by_kind"]["upper_committee"] == levels(uncl=1)


def test_percentages_are_null_where_no_one_is_classified(classified):
    d4 = report_classification(org=classified.org("D4"), year=YEAR)
    assert d4["members"] == levels(uncl=1)
    assert d4["grassroots"] == levels(uncl=1)
    empty = report_classification(org=classified.org("BT"), year=YEAR - 5)
    assert empty["members"] == levels() and empty["grassroots"] == levels()


def test_the_figures_of_each_year_for_the_chart(classified):
    history = classification_by_year(org=classified.org("BT"), year=YEAR)
    assert [h["year"] for h in history] == [YEAR - 1, YEAR]
    # 2023: Hải good, Thành A of C3 not_complete, the 12 others not decided
    assert history[0]["members"] == levels(good=1, nc=1, uncl=12, gob="50.00", exc="0.00")
    assert history[1]["members"] == BT_REPORT["members"]
    assert history[1]["grassroots"] == BT_REPORT["grassroots"]
    assert classification_by_year(org=classified.org("BT"), year=YEAR - 1)[-1]["year"] == 2023


def test_the_ranking_by_good_or_better_shares_a_tie_and_puts_null_last(classified):
    ranking = report_ranking(parent=classified.org("BT"), year=YEAR, metric="good_or_better")
    assert ranking["metric"] == "good_or_better"
    assert [(r["org"], r["value"], r["rank"]) for r in ranking["rows"]] == [
        ("D1", "85.71", 1),
        ("D2", "66.67", 2),
        ("D3", "66.67", 2),
        ("D4", None, None),
    ]
    below = report_ranking(parent=classified.org("D1"), year=YEAR, metric="good_or_better")
    assert [(r["org"], r["value"], r["rank"]) for r in below["rows"]] == [
        ("G1", "100.00", 1),
        ("C2", "0.00", 2),
    ]
    earlier = report_ranking(parent=classified.org("BT"), year=YEAR - 1, metric="good_or_better")
    assert [(r["org"], r["value"], r["rank"]) for r in earlier["rows"]][:2] == [
        ("D2", "50.00", 1),
        ("D1", None, None),
    ]


def test_the_ranking_reads_the_subtree_in_a_fixed_number_of_queries(
    classified, django_assert_max_num_queries
):
    bt = classified.org("BT")
    with django_assert_max_num_queries(2):
        report_ranking(parent=bt, year=YEAR, metric="good_or_better")


# --- The command line and the API ------------------------------------------------------------


def _cli(*args: str) -> str:
    out = io.StringIO()
    call_command("report", "classification", *args, stdout=out)
    return out.getvalue()


def test_the_command_line_prints_the_interchange_json(classified, tmp_path):
    assert json.loads(_cli("--org", "BT", "--year", str(YEAR))) == BT_REPORT
    table = _cli("--org", "BT", "--year", str(YEAR), "--format", "table")
    assert "members.good_or_better_percent" in table and "76.92" in table
    assert "units_by_kind.grassroots_cell.good_or_better_percent" in table
    path = tmp_path / "c.xlsx"
    _cli("--org", "BT", "--year", str(YEAR), "--format", "xlsx", "--output", str(path))
    rows = dict(load_workbook(path).worksheets[0].iter_rows(values_only=True))
    assert rows["members.good"] == 9 and rows["grassroots.good_or_better_percent"] == "50.00"


def test_the_command_line_needs_a_year_in_range(classified):
    with pytest.raises(CommandError):
        _cli("--org", "BT")
    with pytest.raises(CommandError):
        _cli("--org", "BT", "--year", "1200")


def test_the_api_returns_the_same_json_as_the_command_line(classified, client_for):
    olga = client_for("olga")
    response = olga.get("/api/v1/reports/classification", {"org": "BT", "year": YEAR})
    assert response.status_code == 200
    assert response.json() == BT_REPORT
    ranking = olga.get(
        "/api/v1/reports/ranking", {"parent": "BT", "year": YEAR, "metric": "good_or_better"}
    ).json()
    assert [r["rank"] for r in ranking["rows"]] == [1, 2, 2, None]


def test_a_clerk_of_another_subtree_gets_404_from_the_api(classified):
    from api.test_routes import Api

    bob = Api(classified, "bob")
    response = bob.get("/api/v1/reports/classification", org="D1", year=YEAR)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    own = bob.ok("/api/v1/reports/classification", org="D2", year=YEAR)
    assert own["members"] == levels(good=2, comp=1, gob="66.67", exc="0.00")
    assert bob.get("/api/v1/reports/classification", org="D2", year=99999).status_code == 400


# --- The office page and its files -------------------------------------------------------------


def _page(client: Any, world: World, code: str, **params: Any) -> Any:
    return client.get(reverse("reports:classification", args=[world.org(code).pk]), params)


def _body(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


def test_the_office_page_shows_the_figures_the_target_the_chart_and_the_ranking(
    classified, client_for
):
    target_set(
        actor=None,
        org=classified.org("BT"),
        metric="good_or_better_percent",
        first_year=YEAR,
        value="75",
    )
    page = _page(client_for("olga"), classified, "BT", year=YEAR)
    assert page.status_code == 200
    assert page.context["report"] == BT_REPORT
    html = page.content.decode()
    # members per level, then the grassroots organizations against the target (50 < 75)
    assert re.search(r'<tr data-key="good"><td>[^<]+</td><td class="num">9</td>', html)
    for key, shown in (("good_or_better_percent", "76[.,]92%"), ("excellent_percent", "7[.,]69%")):
        assert re.search(rf'<tr data-key="{key}"><td>[^<]+</td><td class="num">{shown}</td>', html)
    assert page.context["target"] == 75 and page.context["target_met"] is False
    assert 'data-testid="target-not-met"' in html
    units = [g["key"] for g in page.context["groups"]]
    assert units == [
        "grassroots",
        "units_by_kind.provincial_committee",
        "units_by_kind.upper_committee",
        "units_by_kind.grassroots_committee",
        "units_by_kind.grassroots_cell",
        "units_by_kind.subordinate_cell",
    ]
    # the chart across years, and the ranking of the districts
    assert 'id="chart-classification-good"' in html and 'id="classification-good-data"' in html
    assert page.context["chart_good"]["labels"] == ["2023", "2024"]
    assert page.context["chart_good"]["values"] == [50.0, 76.92]
    assert page.context["chart_excellent"]["values"] == [0.0, 7.69]
    assert [(r["org"], r["rank"]) for r in page.context["ranking"]] == [
        ("D1", 1),
        ("D2", 2),
        ("D3", 2),
        ("D4", None),
    ]
    assert html.count('data-code="D') == 4
    for fmt in ("xlsx", "csv", "pdf"):
        assert f'data-testid="export-classification-{fmt}"' in html


def test_a_district_page_says_its_place_among_its_siblings(classified, client_for):
    target_set(
        actor=None,
        org=classified.org("D2"),
        metric="good_or_better_percent",
        first_year=YEAR,
        value="40",
    )
    page = _page(client_for("olga"), classified, "D3", year=YEAR)
    assert page.context["own_rank"] == {"rank": 2, "of": 4}
    assert 'data-testid="own-rank"' in page.content.decode()
    d2 = _page(client_for("olga"), classified, "D2", year=YEAR)
    assert d2.context["target_met"] is True and 'data-testid="target-met"' in d2.content.decode()
    # a clerk sees no sibling ranking above their own scope
    assert _page(client_for("bob"), classified, "D2", year=YEAR).context["own_rank"] is None


def test_the_page_opens_on_the_latest_year_classified(classified, client_for):
    page = _page(client_for("alice"), classified, "D1")
    assert page.status_code == 200 and page.context["year"] == YEAR
    bad = _page(client_for("alice"), classified, "D1", year="abc")
    assert bad.status_code == 200 and 'data-testid="form-errors"' in bad.content.decode()


def test_a_clerk_of_another_subtree_gets_404_from_the_page_and_its_files(classified, client_for):
    bob, d1 = client_for("bob"), classified.org("D1")
    assert _page(bob, classified, "D1", year=YEAR).status_code == 404
    for fmt in ("xlsx", "csv", "pdf"):
        url = reverse("reports:classification_export", args=[d1.pk, fmt])
        assert bob.get(url, {"year": YEAR}).status_code == 404


def test_the_files_hold_the_reports_figures(classified, client_for):
    olga, bt = client_for("olga"), classified.org("BT")
    url = reverse("reports:classification_export", args=[bt.pk, "csv"])
    response = olga.get(url, {"year": YEAR})
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))
    by_key = {line[-1]: line for line in lines[1:]}
    assert by_key["members"][1:8] == ["1", "9", "2", "1", "1", "76.92", "7.69"]
    assert by_key["grassroots"][1:8] == ["1", "1", "2", "0", "1", "50.00", "25.00"]
    assert by_key["units_by_kind.district_committee"][6:8] == ["", ""]

    xlsx = olga.get(reverse("reports:classification_export", args=[bt.pk, "xlsx"]), {"year": YEAR})
    assert xlsx.status_code == 200
    rows = list(load_workbook(io.BytesIO(_body(xlsx))).worksheets[0].iter_rows(values_only=True))
    values = {r[-1]: r for r in rows if len(r) > 8 and r[-1]}
    assert values["members"][2] == 9 and float(values["members"][6]) == 76.92
    assert values["units_by_kind.grassroots_cell"][5] == 1

    pdf = olga.get(reverse("reports:classification_export", args=[bt.pk, "pdf"]), {"year": YEAR})
    assert pdf.status_code == 200 and _body(pdf).startswith(b"%PDF")
    assert olga.get(url, {"year": "1200"}).status_code == 400


def test_the_dashboard_links_the_classification_page(world, client_for):
    bt, olga = world.org("BT"), client_for("olga")
    # without a year chosen, the page opens on the latest year classified
    html = olga.get(f"/reports/{bt.pk}/").content.decode()
    assert f'href="/reports/{bt.pk}/classification/" data-testid="classification-link"' in html
    html = olga.get(f"/reports/{bt.pk}/", {"year": "2023"}).content.decode()
    assert f'href="/reports/{bt.pk}/classification/?year=2023"' in html

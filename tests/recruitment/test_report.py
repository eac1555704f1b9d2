"""The `recruitment` report against figures worked out by hand on the shared tree.

BT ── D1 ── G1 ── C1        (alice: clerk of D1)
      │     └─ C2
      └─ D2 ── C3           (bob: clerk of D2)

The period is the first half of 2024. Classes: K0 ends 01/10/2023 (before it), K1 on
01/03/2024 and K1B on 01/05/2024 (inside), K2 on 01/09/2024 (after).

person  cell  classes passed (failed)      admitted on (occupation)   days from the class
An      C1    K1, K2                       15/04/2024 (student)       45 (K1; K2 is later)
Bình    C2    K1                           01/08/2024: after the period
Chi     C2    (K1)                         —
Em      C3    K1                           —
Phúc    C1    K0                           10/02/2024 (student)       132 (K0)
Giang   C3    K0, (K1)                     20/05/2024 (farmer)        232 (K0; K1 failed)
Hà      C1    K1, K1B                      01/06/2024 (worker)        31 (K1B)
Xuân    C2    none: a member admitted directly on 03/03/2024 (teacher)

class_passed (K1 and K1B, by the sending unit; Hà once, Chi failed): BT 4 (An, Bình, Em,
Hà), D1 3, D2 1, C1 2, C2 1. Admitted: BT 5, D1 4 (Phúc, An, Hà, Xuân), D2 1, C1 3, C2 1.
Median days: BT [31, 45, 132, 232] → 45 (the lower middle), D1 [31, 45, 132] → 45,
D2 [232] → 232, C2 none → null.
"""

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from chibo.api.reports import AdmittedByOccupation
from chibo.members.models import Occupation
from chibo.recruitment.models import Candidate, Stage
from chibo.recruitment.services import attendance_record, candidate_propose, class_create
from chibo.reports.recruitment import low_median, report_recruitment
from conftest import World, make_member

D = dt.date
START, END = D(2024, 1, 1), D(2024, 6, 30)
PERIOD = {"start": "2024-01-01", "end": "2024-06-30"}
ZERO = {str(k): 0 for k in Occupation.values}

# name: (cell, [(class, passed)], admitted on, occupation)
PEOPLE: dict[str, tuple[str, list[tuple[str, bool]], dt.date | None, str]] = {
    "An Văn An": ("C1", [("K1", True), ("K2", True)], D(2024, 4, 15), "student"),
    "Bùi Văn Bình": ("C2", [("K1", True)], D(2024, 8, 1), "worker"),
    "Cao Thị Chi": ("C2", [("K1", False)], None, "other"),
    "Đỗ Văn Em": ("C3", [("K1", True)], None, "other"),
    "Lý Văn Phúc": ("C1", [("K0", True)], D(2024, 2, 10), "student"),
    "Trương Văn Giang": ("C3", [("K0", True), ("K1", False)], D(2024, 5, 20), "farmer"),
    "Ngô Thị Hà": ("C1", [("K1", True), ("K1B", True)], D(2024, 6, 1), "worker"),
}
CLASSES = {"K0": D(2023, 10, 1), "K1": D(2024, 3, 1), "K1B": D(2024, 5, 1), "K2": D(2024, 9, 1)}


def _admit(candidate: Candidate, on: dt.date, occupation: str, number: int) -> None:
    member = make_member(
        candidate.org,
        f"M-R{number}",
        candidate.full_name,
        admitted_on=on,
        recognized_on=None,
        occupation=occupation,
    )
    Candidate.objects.filter(pk=candidate.pk).update(
        decision_on=on, member=member, stage=Stage.ADMITTED, stage_since=on
    )


@pytest.fixture
def road(world: World) -> World:
    classes = {
        code: class_create(actor=None, org=world.org("BT"), code=code, ended_on=ended_on)
        for code, ended_on in CLASSES.items()
    }
    for number, (name, (cell, attended, admitted_on, occupation)) in enumerate(PEOPLE.items()):
        family, *middle, given = name.split()
        candidate = candidate_propose(
            actor=None,
            org=world.org(cell),
            family_name=family,
            middle_name=" ".join(middle),
            given_name=given,
            birth_date=D(2000, 1, 1),
            gender="male",
            occupation=occupation,
            proposed_on=D(2023, 9, 1),
            person_id=f"P-{number}",
        )
        for code, passed in attended:
            attendance_record(
                actor=None, awareness_class=classes[code], candidate=candidate, passed=passed
            )
        if admitted_on:
            _admit(candidate, admitted_on, occupation, number)
    make_member(
        world.org("C2"),
        "M-XUAN",
        "Phan Thị Xuân",
        admitted_on=D(2024, 3, 3),
        recognized_on=None,
        occupation="teacher",
    )
    return world


def expected(org: str, passed: int, admitted: int, percent: str | None, by: dict, median):  # type: ignore[no-untyped-def]
    return {
        "org": org,
        "start": "2024-01-01",
        "end": "2024-06-30",
        "class_passed": passed,
        "admitted": admitted,
        "conversion_percent": percent,
        "admitted_by_occupation": ZERO | by,
        "median_days_class_to_admission": median,
    }


REPORTS = {
    "BT": expected("BT", 4, 5, "125.00", {"student": 2, "worker": 1, "farmer": 1, "teacher": 1}, 45),
    "D1": expected("D1", 3, 4, "133.33", {"student": 2, "worker": 1, "teacher": 1}, 45),
    "D2": expected("D2", 1, 1, "100.00", {"farmer": 1}, 232),
    "C1": expected("C1", 2, 3, "150.00", {"student": 2, "worker": 1}, 45),
    "C2": expected("C2", 1, 1, "100.00", {"teacher": 1}, None),
}  # fmt: skip


@pytest.mark.parametrize("org", sorted(REPORTS))
def test_the_report_counts_by_hand(road, org):
    assert report_recruitment(org=road.org(org), start=START, end=END) == REPORTS[org]


def test_admitted_is_the_summary_reports_count(road):
    from chibo.reports.selectors import report_summary

    for org in REPORTS:
        summary = report_summary(org=road.org(org), start=START, end=END)
        assert summary["events"]["admitted"] == REPORTS[org]["admitted"], org


def test_a_period_without_passes_has_no_conversion_and_no_median(road):
    report = report_recruitment(org=road.org("BT"), start=D(2023, 1, 1), end=D(2023, 6, 30))
    assert report == {
        "org": "BT",
        "start": "2023-01-01",
        "end": "2023-06-30",
        "class_passed": 0,
        "admitted": 0,
        "conversion_percent": None,
        "admitted_by_occupation": ZERO,
        "median_days_class_to_admission": None,
    }


def test_the_second_half_of_the_year_counts_the_late_class_and_admission(road):
    report = report_recruitment(org=road.org("D1"), start=D(2024, 7, 1), end=D(2024, 12, 31))
    # K2 (An) ends in it; Bình is admitted in it, 153 days after K1.
    assert (report["class_passed"], report["admitted"], report["conversion_percent"]) == (
        1,
        1,
        "100.00",
    )
    assert report["median_days_class_to_admission"] == 153
    assert report["admitted_by_occupation"]["worker"] == 1


def test_a_period_that_ends_before_it_starts_is_refused(road):
    from chibo.core.errors import DomainError

    with pytest.raises(DomainError):
        report_recruitment(org=road.org("BT"), start=END, end=START)


@pytest.mark.parametrize(
    ("values", "median"),
    [([], None), ([7], 7), ([1, 2], 1), ([3, 1, 2], 2), ([4, 1, 3, 2], 2), ([5, 5, 9, 1], 5)],
)
def test_the_median_of_an_even_count_is_the_lower_middle(values, median):
    assert low_median(values) == median


def test_the_api_schema_lists_every_occupation():
    assert set(AdmittedByOccupation.model_fields) == set(Occupation.values)


# --- The command line and the API ------------------------------------------------------------


def _cli(*args: str) -> str:
    out = io.StringIO()
    call_command("report", "recruitment", *args, stdout=out)
    return out.getvalue()


def test_the_command_line_prints_the_interchange_json(road):
    printed = json.loads(_cli("--org", "D1", "--start", "2024-01-01", "--end", "30/06/2024"))
    assert printed == REPORTS["D1"]
    table = _cli("--org", "D1", "--start", "2024-01-01", "--end", "2024-06-30", "--format", "table")
    assert "conversion_percent" in table and "133.33" in table
    assert "admitted_by_occupation.student" in table


def test_the_command_line_writes_a_workbook(road, tmp_path):
    path = tmp_path / "r.xlsx"
    _cli("--org", "BT", "--start", "2024-01-01", "--end", "2024-06-30", "--format", "xlsx",
         "--output", str(path))  # fmt: skip
    rows = dict(load_workbook(path).worksheets[0].iter_rows(values_only=True))
    assert rows["class_passed"] == 4 and rows["median_days_class_to_admission"] == 45


def test_the_command_line_refuses_a_missing_or_backward_period(road):
    with pytest.raises(CommandError):
        _cli("--org", "D1", "--start", "2024-01-01")
    with pytest.raises(CommandError):
        _cli("--org", "D1", "--start", "2024-06-30", "--end", "2024-01-01")


def test_the_api_returns_the_same_json_as_the_command_line(road, client_for):
    olga = client_for("olga")
    for org in ("BT", "D2"):
        response = olga.get("/api/v1/reports/recruitment", {"org": org, **PERIOD})
        assert response.status_code == 200
        assert response.json() == json.loads(_cli("--org", org, "--start", "2024-01-01",
                                                  "--end", "2024-06-30"))  # fmt: skip


def test_a_clerk_of_another_subtree_gets_404_from_the_api(road, client_for):
    bob = client_for("bob")
    response = bob.get("/api/v1/reports/recruitment", {"org": "D1", **PERIOD})
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert bob.get("/api/v1/reports/recruitment", {"org": "D2", **PERIOD}).status_code == 200


def test_the_api_refuses_a_backward_period(road, client_for):
    response = client_for("alice").get(
        "/api/v1/reports/recruitment", {"org": "D1", "start": "2024-06-30", "end": "2024-01-01"}
    )
    assert response.status_code == 400


# --- The office page and its files -------------------------------------------------------------


def _page(client: Any, world: World, code: str, **params: str) -> Any:
    return client.get(reverse("reports:recruitment", args=[world.org(code).pk]), params)


def _body(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


def test_the_office_page_shows_the_figures_and_a_chart(road, client_for):
    page = _page(client_for("alice"), road, "D1", **PERIOD)
    assert page.status_code == 200
    assert page.context["report"] == REPORTS["D1"]
    html = page.content.decode()
    assert 'id="chart-recruitment"' in html and 'id="recruitment-data"' in html
    chart = page.context["chart_data"]
    assert len(chart["labels"]) == len(Occupation.values)
    assert sum(chart["values"]) == 4
    for fmt in ("xlsx", "csv", "pdf"):
        assert f'data-testid="export-recruitment-{fmt}"' in html


def test_a_clerk_of_another_subtree_gets_404_from_the_page_and_its_files(road, client_for):
    bob, d1 = client_for("bob"), road.org("D1")
    assert _page(bob, road, "D1", **PERIOD).status_code == 404
    for fmt in ("xlsx", "csv", "pdf"):
        url = reverse("reports:recruitment_export", args=[d1.pk, fmt])
        assert bob.get(url, PERIOD).status_code == 404


def test_the_files_hold_the_reports_figures(road, client_for):
    alice, d1 = client_for("alice"), road.org("D1")
    url = reverse("reports:recruitment_export", args=[d1.pk, "csv"])
    response = alice.get(url, PERIOD)
    assert response.status_code == 200
    lines = _body(response).decode("utf-8-sig").splitlines()
    by_key = {line.rsplit(",", 1)[1]: line.split(",")[-2] for line in lines[1:]}
    assert by_key["class_passed"] == "3" and by_key["conversion_percent"] == "133.33"
    assert by_key["start"] == "2024-01-01" and by_key["median_days_class_to_admission"] == "45"

    xlsx = alice.get(reverse("reports:recruitment_export", args=[d1.pk, "xlsx"]), PERIOD)
    assert xlsx.status_code == 200
    rows = list(load_workbook(io.BytesIO(_body(xlsx))).worksheets[0].iter_rows(values_only=True))
    values = {row[2]: row[1] for row in rows if len(row) > 2 and row[2]}
    assert values["admitted"] == 4 and values["admitted_by_occupation.teacher"] == 1

    pdf = alice.get(reverse("reports:recruitment_export", args=[d1.pk, "pdf"]), PERIOD)
    assert pdf.status_code == 200 and _body(pdf).startswith(b"%PDF")
    bad = alice.get(url, {"start": "2024-06-30", "end": "2024-01-01"})
    assert bad.status_code == 400


def test_the_dashboard_links_the_recruitment_page(world, client_for):
    bt = world.org("BT")
    html = client_for("olga").get(f"/reports/{bt.pk}/").content.decode()
    assert f'href="/reports/{bt.pk}/recruitment/?' in html
    assert 'data-testid="recruitment-link"' in html

"""The dashboard and the exports, through the test client, on the shared tree.

2025 in D1 (alice's subtree): Vy is admitted in C2 on 10/03, Lan (the world's own) on
01/09, and Đức is removed from the list in C1 on 15/10. So D1 starts the year with 2
members (Minh, Đức) and ends it with 3 (Minh, Vy, Lan): 2 admissions, 1 removal.
"""

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chibo.core.models import AuditEntry
from chibo.members.services import event_record
from chibo.reports.formats import flatten
from chibo.reports.selectors import report_ranking, report_screening, report_summary
from conftest import World, make_member

D = dt.date
YEAR = {"year": "2025"}
PERIOD = {"start": "2025-01-01", "end": "2025-12-31", "year": "2025"}


@pytest.fixture
def year_2025(world: World) -> World:
    make_member(
        world.org("C2"),
        "M-VY",
        "Phạm Thị Vy",
        gender="female",
        admitted_on=D(2025, 3, 10),
        recognized_on=None,
    )
    event_record(
        actor=None,
        member=world.members["duc"],
        kind="removed",
        date=D(2025, 10, 15),
        reason="Bỏ sinh hoạt",
    )
    return world


def _dashboard(client: Any, world: World, code: str, **params: str) -> Any:
    return client.get(reverse("reports:dashboard", args=[world.org(code).pk]), params)


def _body(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _csv_rows(response: Any) -> list[list[str]]:
    return _parse_csv(_body(response))


def _parse_csv(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx_rows(response: Any) -> list[tuple[Any, ...]]:
    book = load_workbook(io.BytesIO(_body(response)), read_only=True)
    sheet = book.worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def _plain(key: str, value: Any) -> Any:
    """A cell read back, in the report's own terms (ISO dates, percentages as strings)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if key.endswith("_percent") and value is not None:
        return str(Decimal(str(value)).quantize(Decimal("0.01")))
    return value


# --- The dashboard ----------------------------------------------------------------------------


def test_the_dashboard_shows_the_figures_of_the_year(client_for, year_2025):
    response = _dashboard(client_for("alice"), year_2025, "D1", **YEAR)
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary == report_summary(
        org=year_2025.org("D1"), start=D(2025, 1, 1), end=D(2025, 12, 31)
    )
    assert (summary["members_at_start"], summary["members_at_end"]) == (2, 3)
    assert (summary["official_at_end"], summary["probationary_at_end"]) == (1, 2)
    assert (summary["events"]["admitted"], summary["events"]["removed"]) == (2, 1)
    html = response.content.decode()
    assert "100,00%" in html  # the admission rate, written the Vietnamese way
    assert 'id="chart-members"' in html and 'id="chart-flows"' in html
    assert 'id="dashboard-data"' in html


def test_the_charts_count_members_by_month_and_flows_by_month(client_for, year_2025):
    context = _dashboard(client_for("alice"), year_2025, "D1", **YEAR).context
    by_month = {m["month"]: m["members"] for m in context["members_by_month"]}
    assert len(by_month) == 36
    assert min(by_month) == D(2023, 1, 1) and max(by_month) == D(2025, 12, 1)
    assert by_month[D(2025, 2, 1)] == 2
    assert by_month[D(2025, 3, 1)] == 3
    assert by_month[D(2025, 9, 1)] == 4
    assert by_month[D(2025, 10, 1)] == 3
    flows = {m["month"]: (m["admitted"], m["removals"]) for m in context["flows_by_month"]}
    assert len(flows) == 12
    assert flows[D(2025, 3, 1)] == (1, 0)
    assert flows[D(2025, 9, 1)] == (1, 0)
    assert flows[D(2025, 10, 1)] == (0, 1)
    data = context["chart_data"]
    assert data["members"]["labels"][-1] == "12/2025"
    assert data["flows"]["removals"][9] == 1


def test_the_default_period_is_this_year_to_today(client_for, world):
    period = _dashboard(client_for("alice"), world, "D1").context["period"]
    today = timezone.localdate()
    assert (period.start, period.end, period.year) == (D(today.year, 1, 1), today, today.year)


def test_dates_win_over_the_year(client_for, world):
    response = _dashboard(
        client_for("alice"), world, "D1", start="2024-03-01", end="2024-06-30", year="2025"
    )
    period = response.context["period"]
    assert (period.start, period.end, period.year) == (D(2024, 3, 1), D(2024, 6, 30), 2025)
    assert len(response.context["flows_by_month"]) == 4


def test_a_period_that_ends_before_it_starts_is_shown_as_an_error(client_for, world):
    response = _dashboard(client_for("alice"), world, "D1", start="2025-05-01", end="2025-04-01")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'data-testid="form-errors"' in response.content.decode()


def test_a_unit_outside_the_scope_is_404(client_for, world):
    assert _dashboard(client_for("bob"), world, "D1").status_code == 404
    assert _dashboard(client_for("alice"), world, "D2").status_code == 404
    assert _dashboard(client_for("alice"), world, "BT").status_code == 404  # above her
    assert _dashboard(client_for("charlie"), world, "C1").status_code == 404


def test_it_ranks_the_children_and_the_unit_among_its_siblings(client_for, year_2025):
    olga = client_for("olga")
    d1 = _dashboard(olga, year_2025, "D1", **YEAR).context
    assert d1["own_rank"] == {"rank": 1, "of": 2, "value": "100.00"}
    assert [(r["org"], r["rank"]) for r in d1["ranking"]] == [("G1", 1), ("C2", None)]
    bt = _dashboard(olga, year_2025, "BT", **YEAR)
    assert bt.context["own_rank"] is None  # the top has no siblings
    assert [r["org"] for r in bt.context["ranking"]] == ["D1", "D2"]


def test_the_rank_among_siblings_needs_the_parent_in_scope(client_for, year_2025):
    alice = client_for("alice")
    assert _dashboard(alice, year_2025, "D1", **YEAR).context["own_rank"] is None
    response = _dashboard(alice, year_2025, "G1", **YEAR)
    assert response.context["own_rank"] == {"rank": 1, "of": 2, "value": "0.00"}
    assert "hạng 1/2" in response.content.decode()


def test_the_nav_and_the_unit_page_link_to_the_dashboard(client_for, world):
    page = client_for("alice").get(reverse("orgs:detail", args=[world.org("G1").pk]))
    html = page.content.decode()
    assert f'href="/reports/{world.org("G1").pk}/"' in html  # the unit page's button
    assert f'href="/reports/{world.org("D1").pk}/" data-testid="nav-dashboard"' in html


def test_the_nav_has_no_dashboard_without_a_unit(client_for, world):
    html = client_for("charlie").get(reverse("orgs:tree")).content.decode()
    assert "nav-dashboard" not in html


# --- Report exports ---------------------------------------------------------------------------


def _export(client: Any, world: World, code: str, name: str, fmt: str, **params: str) -> Any:
    url = reverse("reports:export", args=[world.org(code).pk, name, fmt])
    return client.get(url, params)


def test_the_summary_xlsx_holds_the_report(client_for, year_2025):
    response = _export(client_for("alice"), year_2025, "D1", "summary", "xlsx", **PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert (
        'filename="bao-cao-tong-hop-D1-2025-01-01-2025-12-31.xlsx"'
        in response["Content-Disposition"]
    )
    rows = _xlsx_rows(response)
    assert rows[0][0] == "Báo cáo tổng hợp"
    by_key = {row[2]: _plain(row[2], row[1]) for row in rows if len(row) > 2 and row[2]}
    report = report_summary(org=year_2025.org("D1"), start=D(2025, 1, 1), end=D(2025, 12, 31))
    expected = dict(flatten(report))
    assert {k: v for k, v in by_key.items() if k != "Mã chỉ tiêu"} == expected


def test_the_summary_csv_parses_and_holds_the_report(client_for, year_2025):
    response = _export(client_for("alice"), year_2025, "D1", "summary", "csv", **PERIOD)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = _body(response)  # (a stream is read once)
    assert body.startswith("\ufeff".encode())
    header, *rows = _parse_csv(body)
    assert header == ["Chỉ tiêu", "Giá trị", "Mã chỉ tiêu"]
    report = report_summary(org=year_2025.org("D1"), start=D(2025, 1, 1), end=D(2025, 12, 31))
    expected = {k: "" if v is None else str(v) for k, v in flatten(report)}
    assert {key: value for _label, value, key in rows} == expected


def test_the_summary_pdf_embeds_the_dejavu_font(client_for, year_2025):
    response = _export(client_for("alice"), year_2025, "D1", "summary", "pdf", **PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = _body(response)
    assert body.startswith(b"%PDF")
    assert b"DejaVuSans" in body and b"DejaVuSans-Bold" in body


def test_the_ranking_and_screening_files_hold_their_reports(client_for, year_2025):
    olga = client_for("olga")
    ranking = _csv_rows(_export(olga, year_2025, "BT", "ranking", "csv", **PERIOD))
    expected = report_ranking(parent=year_2025.org("BT"), year=2025, metric="admission_rate")
    assert [row[:2] + row[3:] for row in ranking[1:]] == [
        [str(r["rank"]), r["org"], r["value"]] for r in expected["rows"]
    ]
    screening = _xlsx_rows(_export(olga, year_2025, "D1", "screening", "xlsx", **PERIOD))
    by_key = {row[2]: row[1] for row in screening if len(row) > 2 and row[2]}
    report = report_screening(org=year_2025.org("D1"), start=D(2025, 1, 1), end=D(2025, 12, 31))
    assert by_key["total"] == report["total"] == 1
    assert by_key["by_reason.Bỏ sinh hoạt"] == 1


@pytest.mark.parametrize("name", ["summary", "ranking", "screening"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv", "pdf"])
def test_every_report_downloads_in_every_format(client_for, world, name, fmt):
    response = _export(client_for("sam"), world, "C1", name, fmt, **PERIOD)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert f".{fmt}" in response["Content-Disposition"]
    assert _body(response)


def test_the_dashboard_links_every_export(client_for, world):
    response = _dashboard(client_for("alice"), world, "D1", **YEAR)
    html = response.content.decode()
    for name in ("summary", "ranking", "screening"):
        for fmt in ("xlsx", "csv", "pdf"):
            assert f'data-testid="export-{name}-{fmt}"' in html
    url = reverse("reports:export", args=[world.org("D1").pk, "summary", "xlsx"])
    assert f"{url}?start=2025-01-01&amp;end=2025-12-31&amp;year=2025" in html


def test_an_export_of_a_foreign_unit_is_404(client_for, world):
    for fmt in ("xlsx", "csv", "pdf"):
        assert _export(client_for("bob"), world, "D1", "summary", fmt).status_code == 404
    assert _export(client_for("alice"), world, "BT", "ranking", "csv").status_code == 404


def test_an_export_with_a_bad_period_is_refused_with_a_message(client_for, world):
    response = _export(
        client_for("alice"), world, "D1", "summary", "csv", start="2025-05-01", end="2025-04-01"
    )
    assert response.status_code == 400
    assert "kết thúc trước khi bắt đầu" in response.content.decode()


def test_an_unknown_report_or_format_is_404(client_for, world):
    alice, pk = client_for("alice"), world.org("D1").pk
    assert alice.get(f"/reports/{pk}/export/popularity.csv").status_code == 404
    assert alice.get(f"/reports/{pk}/export/summary.docx").status_code == 404


def test_the_headers_follow_the_language(client_for, world):
    client = client_for("alice")
    client.cookies["django_language"] = "en"
    header = _csv_rows(_export(client, world, "D1", "summary", "csv", **PERIOD))[0]
    assert header == ["Figure", "Value", "Key"]


# --- The member list as a file ----------------------------------------------------------------


def _members(client: Any, fmt: str, **params: Any) -> Any:
    return client.get(reverse(f"reports:members_{fmt}"), params)


def _names_in_csv(response: Any) -> set[str]:
    header, *rows = _csv_rows(response)
    column = header.index("Họ và tên")
    return {row[column] for row in rows}


def test_the_member_export_holds_only_members_in_scope(client_for, world):
    names = _names_in_csv(_members(client_for("alice"), "csv"))
    assert names == {"Nguyễn Văn Minh", "Nguyễn Văn Đức", "Trần Thị Lan"}
    assert _names_in_csv(_members(client_for("bob"), "csv")) == {"Lê Hải"}
    assert _names_in_csv(_members(client_for("charlie"), "csv")) == set()


def test_the_member_export_honours_the_filters(client_for, year_2025):
    alice = client_for("alice")
    # Đức was removed: current members by default, as on the list page
    assert _names_in_csv(_members(alice, "csv")) == {
        "Nguyễn Văn Minh",
        "Trần Thị Lan",
        "Phạm Thị Vy",
    }
    everyone = _names_in_csv(_members(alice, "csv", status=""))
    assert "Nguyễn Văn Đức" in everyone
    assert _names_in_csv(_members(alice, "csv", q="tran thi")) == {"Trần Thị Lan"}
    assert _names_in_csv(_members(alice, "csv", gender="female")) == {"Trần Thị Lan", "Phạm Thị Vy"}
    assert _names_in_csv(_members(alice, "csv", org=year_2025.org("C1").pk)) == {"Nguyễn Văn Minh"}
    assert _names_in_csv(_members(alice, "csv", year=2025, status="probationary")) == {
        "Trần Thị Lan",
        "Phạm Thị Vy",
    }


def test_a_member_export_narrowed_to_a_foreign_unit_is_404(client_for, world):
    before = AuditEntry.objects.count()
    for fmt in ("xlsx", "csv", "pdf"):
        assert _members(client_for("alice"), fmt, org=world.org("C3").pk).status_code == 404
    assert _members(client_for("alice"), "csv", org="nope").status_code == 404
    assert AuditEntry.objects.count() == before


def test_the_member_xlsx_has_the_rows_and_real_dates(client_for, world):
    response = _members(client_for("alice"), "xlsx", org=world.org("C1").pk)
    assert response.status_code == 200
    rows = _xlsx_rows(response)
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "Mã đảng viên")
    members = rows[header_at + 1 :]
    assert sorted(row[1] for row in members) == ["Nguyễn Văn Minh", "Nguyễn Văn Đức"]
    born = members[0][2]
    assert isinstance(born, dt.datetime) and born.date() == D(1985, 3, 4)  # a date cell
    disposition = response["Content-Disposition"]
    assert f"danh-sach-dang-vien-C1-{timezone.localdate().isoformat()}.xlsx" in disposition


def test_the_member_pdf_is_a_pdf_with_the_font(client_for, world):
    body = _body(_members(client_for("alice"), "pdf"))
    assert body.startswith(b"%PDF") and b"DejaVuSans" in body


def test_each_member_export_is_audited(client_for, world):
    alice = client_for("alice")
    c1 = world.org("C1")
    before = AuditEntry.objects.filter(action="export.members").count()
    _body(_members(alice, "csv", org=c1.pk, q="nguyen"))
    entry = AuditEntry.objects.filter(action="export.members").latest("id")
    assert AuditEntry.objects.filter(action="export.members").count() == before + 1
    assert entry.actor == world.users["alice"]
    assert entry.org_id == c1.pk
    assert entry.changes == {
        "format": "csv",
        "filters": {"org": "C1", "q": "nguyen", "status": "live"},
        "rows": 2,
    }
    # without a unit filter the entry belongs to the top of her scope
    _body(_members(alice, "xlsx"))
    entry = AuditEntry.objects.filter(action="export.members").latest("id")
    assert (entry.org_id, entry.changes["rows"], entry.changes["format"]) == (
        world.org("D1").pk,
        3,
        "xlsx",
    )


def test_a_member_exporting_his_own_record_is_audited_on_himself(client_for, world):
    minh = client_for("minh")
    assert _names_in_csv(_members(minh, "csv")) == {"Nguyễn Văn Minh"}
    entry = AuditEntry.objects.filter(action="export.members").latest("id")
    assert (entry.org_id, entry.object_type, entry.changes["rows"]) == (None, "accounts.user", 1)


def test_the_member_list_page_links_the_downloads_with_its_filters(client_for, world):
    html = client_for("alice").get(reverse("members:list"), {"q": "lan"}).content.decode()
    for fmt in ("xlsx", "csv", "pdf"):
        assert f'href="/reports/members.{fmt}?q=lan"' in html

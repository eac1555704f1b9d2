"""The dashboard and the downloads in a real browser (Chromium, headless).

Elements are found by URL, element id, data-testid and content data (member names, unit
codes), never by the UI's own wording, which is translated.
"""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from conftest import World

from .conftest import Session, Tab

pytestmark = pytest.mark.e2e


def _path(session: Session, path: str) -> re.Pattern[str]:
    """The page's URL is exactly this path on the live server (a query string allowed)."""
    return re.compile(re.escape(session.url(path)) + r"(\?.*)?$")


def _no_horizontal_scroll(tab: Tab) -> None:
    width = tab.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1, f"{tab.page.url} is {width}px wide"


def _assert_charts_drawn(tab: Tab) -> None:
    page = tab.page
    for canvas_id in ("chart-members", "chart-flows"):
        canvas = page.locator(f"#{canvas_id}")
        expect(canvas).to_be_visible()
        drawn = page.evaluate(
            "id => { const c = Chart.getChart(id); return !!c && c.width > 0 && c.height > 0 }",
            canvas_id,
        )
        assert drawn, canvas_id
    # Once drawn, the charts' tables of numbers fold away under their summaries.
    expect(page.locator("details[data-chart-numbers]")).to_have_count(2)
    expect(page.locator("details[data-chart-numbers][open]")).to_have_count(0)


def test_the_dashboard_opens_from_the_nav_and_draws_both_charts(session: Session, e2e_world: World):
    tab = session.new_tab()
    page = tab.page
    session.log_in(tab, "alice")
    d1 = e2e_world.org("D1")
    with page.expect_navigation():
        page.locator("[data-testid=nav-dashboard]").click()
    expect(page).to_have_url(_path(session, f"/reports/{d1.pk}/"))
    _assert_charts_drawn(tab)
    expect(page.locator("[data-testid=figures] [data-key=members_at_end] strong")).to_have_text("3")
    expect(page.locator("[data-testid=ranking] tbody tr")).to_have_count(2)  # G1 and C2

    # The period chooser, with the keyboard: a year.
    page.fill("#id_year", "2025")
    with page.expect_navigation():
        page.press("#id_year", "Enter")
    expect(page).to_have_url(re.compile(r"\?year=2025$"))
    expect(page.locator("[data-testid=period]")).to_have_text("01/01/2025 – 31/12/2025")
    expect(page.locator("[data-testid=figures] [data-key=admitted] strong")).to_have_text("1")
    _assert_charts_drawn(tab)
    tab.assert_no_console_errors()


def test_the_unit_page_links_to_its_dashboard(session: Session, e2e_world: World):
    tab = session.new_tab()
    page = tab.page
    session.log_in(tab, "alice")
    g1 = e2e_world.org("G1")
    page.goto(session.url(f"/orgs/{g1.pk}/"))
    with page.expect_navigation():
        page.locator("[data-testid=unit-dashboard]").click()
    expect(page).to_have_url(_path(session, f"/reports/{g1.pk}/"))
    expect(page.locator("[data-testid=own-rank]")).to_contain_text("1/2")  # hạng 1/2
    _assert_charts_drawn(tab)
    tab.assert_no_console_errors()


def test_the_member_list_downloads_as_xlsx_with_the_filter_typed_in_place(
    session: Session, e2e_world: World
):
    tab = session.new_tab()
    page = tab.page
    session.log_in(tab, "alice")
    page.goto(session.url("/members/"))
    rows = page.locator("#rows")
    page.fill("#id_q", "nguyen van minh")  # htmx narrows the rows without a new page
    expect(rows.locator("tbody tr")).to_have_count(1)

    with page.expect_download() as info:
        page.locator("[data-testid=export-members-xlsx]").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    # (the browser saves it under a name without an extension, which openpyxl refuses)
    book = load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    cells = {v for row in book.worksheets[0].iter_rows(values_only=True) for v in row}
    assert "Nguyễn Văn Minh" in cells
    assert "Nguyễn Văn Đức" not in cells  # the search typed in place applies to the file
    assert "Lê Hải" not in cells
    tab.assert_no_console_errors()


def test_the_dashboard_fits_a_360px_phone(phone_session: Session, e2e_world: World):
    session = phone_session
    tab = session.new_tab()
    page = tab.page
    session.log_in(tab, "alice")
    d1 = e2e_world.org("D1")
    page.goto(session.url(f"/reports/{d1.pk}/"))
    expect(page.locator("main h1")).to_be_visible()
    _assert_charts_drawn(tab)
    _no_horizontal_scroll(tab)
    page.goto(session.url("/members/"))
    expect(page.locator("[data-testid=export-members-csv]")).to_be_visible()
    _no_horizontal_scroll(tab)
    tab.assert_no_console_errors()


def test_the_handbook_adoption_page_opens_from_the_dashboard_and_draws_its_chart(
    session: Session, e2e_world: World
):
    tab = session.new_tab()
    page = tab.page
    session.log_in(tab, "olga")
    bt = e2e_world.org("BT")
    page.goto(session.url(f"/reports/{bt.pk}/"))
    with page.expect_navigation():
        page.locator("[data-testid=handbook-link]").click()
    expect(page).to_have_url(_path(session, f"/reports/{bt.pk}/handbook/"))
    expect(page.locator("[data-testid=handbook-ranking] tbody tr")).to_have_count(2)
    expect(page.locator("#chart-handbook")).to_be_visible()
    drawn = page.evaluate("() => { const c = Chart.getChart('chart-handbook'); return !!c }")
    assert drawn
    tab.assert_no_console_errors()

"""The spreadsheet upload in a real browser (Chromium, headless).

A file with a bad row shows every error and its report downloads; a good workbook is
queued, the page follows its progress while the worker (`chibo db_worker`, the production
task backend) runs it, and the dashboard's figures change. Elements are found by id,
data-testid and data attributes, never by the translated wording.
"""

import csv
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from openpyxl import Workbook
from playwright.sync_api import expect

from chibo.members.models import ImportJob, Member, MemberEvent
from conftest import World

from .conftest import Session

pytestmark = pytest.mark.e2e

HEADER = ["Mã đảng viên", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Mã đơn vị",
          "Ngày vào Đảng", "Ngày chính thức", "Nghề nghiệp", "Điện thoại"]  # fmt: skip
GOOD = ["M-400", "Trịnh Văn Tư", "04/04/1992", "Nam", "", "C2", "02/01/2018", "03/02/2019",
        "worker", ""]  # fmt: skip
BAD = ["M-401", "Trịnh Văn Năm", "30/02/1992", "Nam", "", "C2", "02/01/2018", "", "", ""]


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(session: Session, tab, name: str, content: bytes, mime: str) -> None:  # type: ignore[no-untyped-def]
    page = tab.page
    page.goto(session.url("/members/import/"))
    page.select_option("#id_kind", "members")
    page.select_option("#id_org", "D1")
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": mime, "buffer": content}])
    with page.expect_navigation():
        page.locator("form[enctype] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/members/import/\d+/$"))


def test_a_file_with_a_bad_row_shows_the_error_and_its_report_downloads(
    session: Session, e2e_world: World
):
    before = (Member.objects.count(), MemberEvent.objects.count())
    tab = session.new_tab()
    page = tab.page
    session.log_in(tab, "alice")
    _upload(session, tab, "roster.csv", _csv([HEADER, GOOD, BAD]), "text/csv")

    status = page.locator("#import-status")
    expect(status).to_have_attribute("data-status", "failed")
    rows = status.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.locator("td").nth(0)).to_have_text("3")  # line 3: the header is line 1
    expect(rows.locator("td").nth(1)).to_have_text("birth_date")
    expect(rows.locator("td").nth(2)).to_contain_text("30/02/1992")  # as written, day first
    assert (Member.objects.count(), MemberEvent.objects.count()) == before  # nothing written

    with page.expect_download() as info:
        page.locator("[data-testid=error-report]").click()
    report = list(csv.reader(io.StringIO(info.value.path().read_text(encoding="utf-8-sig"))))
    assert len(report) == 2 and report[1][:2] == ["3", "birth_date"]
    assert "30/02/1992" in report[1][2]
    tab.assert_no_console_errors()


def test_a_good_workbook_is_queued_followed_to_the_end_and_changes_the_dashboard(
    session: Session, e2e_world: World
):
    d1 = e2e_world.org("D1")
    tab = session.new_tab()
    page = tab.page
    session.log_in(tab, "alice")
    figure = page.locator("[data-testid=figures] [data-key=members_at_end] strong")
    page.goto(session.url(f"/reports/{d1.pk}/"))
    expect(figure).to_have_text("3")

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        _upload(session, tab, "roster.xlsx", _xlsx([HEADER, GOOD]), xlsx)
        status = page.locator("#import-status")
        expect(status).to_have_attribute("data-status", "queued")
        expect(status.locator("progress")).to_have_attribute("value", "0")
        assert not Member.objects.filter(member_code="M-400").exists()

        # The worker takes the job; the open page follows it without being reloaded.
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        expect(status).to_have_attribute("data-status", "done")
        expect(status.locator("progress")).to_have_attribute("value", "100")
        expect(status.locator("[data-testid=import-counts]")).to_be_visible()

    job = ImportJob.objects.get()
    assert (job.status, job.result["created"]) == ("done", 1)
    assert Member.objects.get(member_code="M-400").org.code == "C2"
    page.goto(session.url(f"/reports/{d1.pk}/"))
    expect(figure).to_have_text("4")
    tab.assert_no_console_errors()

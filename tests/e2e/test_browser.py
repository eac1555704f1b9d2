"""The main paths through the UI in a real browser (Chromium, headless).

Elements are found by URL, element id (form fields render as id_<name>), name and
data-testid attributes, and by content data (member names, unit codes) — never by the
UI's own wording, which is translated.
"""

import datetime as dt
import re

import pyotp
import pytest
from django.db import transaction
from django.utils import translation
from playwright.sync_api import expect

from chibo.accounts.models import Role
from chibo.accounts.services import role_grant
from chibo.core.errors import StaleEdit
from chibo.members.models import Member, MemberEvent
from chibo.members.services.events import lock_member
from conftest import World

from .conftest import Session, Tab

pytestmark = pytest.mark.e2e


def _path(session: Session, path: str) -> re.Pattern[str]:
    """The page's URL is exactly this path on the live server (a query string allowed)."""
    return re.compile(re.escape(session.url(path)) + r"(\?.*)?$")


def _submit(tab: Tab, field_id: str) -> None:
    """Submit the form holding this field with the keyboard, and wait for the next page."""
    with tab.page.expect_navigation():
        tab.page.press(f"#{field_id}", "Enter")


def _no_horizontal_scroll(tab: Tab) -> None:
    width = tab.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1, f"{tab.page.url} is {width}px wide"


def test_a_clerk_logs_in_expands_the_tree_and_opens_a_unit(session: Session, e2e_world: World):
    tab = session.new_tab()
    page = tab.page
    session.log_in(tab, "alice")
    expect(page).to_have_url(_path(session, "/orgs/"))

    d1, g1 = e2e_world.org("D1"), e2e_world.org("G1")
    root = page.locator(f"#node-{d1.pk}")
    expect(root).to_have_attribute("data-code", "D1")
    expect(page.locator("[data-code=D2]")).to_have_count(0)
    expect(page.locator(f"#node-{g1.pk}")).to_have_count(0)

    # The + button loads the children with htmx, in place.
    root.locator("> div > [data-testid=tree-toggle]").click()
    child = page.locator(f"#kids-{d1.pk} > #node-{g1.pk}")
    expect(child).to_have_attribute("data-code", "G1")
    expect(page.locator(f"#kids-{d1.pk} > li")).to_have_count(2)  # G1 and C2
    expect(page).to_have_url(_path(session, "/orgs/"))  # no navigation happened

    with page.expect_navigation():
        child.locator(f'> div > a[href="/orgs/{g1.pk}/"]').click()
    expect(page).to_have_url(_path(session, f"/orgs/{g1.pk}/"))
    expect(page.locator("h1")).to_have_text("Đảng bộ xã X")
    expect(page.locator(f'a[href="/orgs/{e2e_world.org("C1").pk}/"]')).to_be_visible()
    tab.assert_no_console_errors()


def test_a_search_without_diacritics_finds_the_member(session: Session, e2e_world: World):
    tab = session.new_tab()
    page = tab.page
    session.log_in(tab, "alice")
    page.goto(session.url("/members/"))
    rows = page.locator("#rows")
    expect(rows).to_contain_text("Nguyễn Văn Minh")

    page.fill("#id_q", "nguyen van duc")  # htmx swaps the rows as one types
    expect(rows).not_to_contain_text("Nguyễn Văn Minh")
    duc = e2e_world.members["duc"]
    link = rows.locator(f'a[href="/members/{duc.pk}/"]')
    expect(link).to_have_text("Nguyễn Văn Đức")
    expect(rows.locator("tbody tr")).to_have_count(1)

    with page.expect_navigation():
        link.click()
    expect(page).to_have_url(_path(session, f"/members/{duc.pk}/"))
    tab.assert_no_console_errors()


def test_a_permanent_transfer_moves_the_member_and_shows_on_the_timeline(
    session: Session, e2e_world: World
):
    tab = session.new_tab()
    page = tab.page
    session.log_in(tab, "alice")
    duc = e2e_world.members["duc"]
    c2 = e2e_world.org("C2")
    events_before = MemberEvent.objects.filter(member=duc).count()

    page.goto(session.url(f"/members/{duc.pk}/"))
    expect(page.locator("[data-testid=unit]")).to_have_text("Chi bộ thôn 1")
    with page.expect_navigation():
        page.locator(f'a[href="/members/{duc.pk}/events/new/"]').click()

    page.select_option("#id_kind", "transferred")
    page.fill("#id_date", "15/03/2024")
    page.fill("#id_org_code", "C2")
    expect(page.locator("#id_temporary")).not_to_be_checked()
    _submit(tab, "id_org_code")

    expect(page).to_have_url(_path(session, f"/members/{duc.pk}/"))
    unit = page.locator("[data-testid=unit]")
    expect(unit).to_have_text("Chi bộ trường A")
    expect(unit).to_have_attribute("href", f"/orgs/{c2.pk}/")
    transfer = page.locator("[data-testid=timeline] > li[data-kind=transferred]")
    expect(transfer).to_have_count(1)
    expect(transfer).to_contain_text("15/03/2024")
    expect(transfer).to_contain_text("Chi bộ thôn 1")
    expect(transfer).to_contain_text("Chi bộ trường A")

    duc.refresh_from_db()
    assert duc.org_id == c2.pk
    assert MemberEvent.objects.filter(member=duc).count() == events_before + 1
    event = MemberEvent.objects.filter(member=duc).latest("id")
    assert (event.kind, event.date, event.temporary) == ("transferred", dt.date(2024, 3, 15), False)
    tab.assert_no_console_errors()


def _stale_edit_message() -> str:
    """The app's own stale-edit message, in the UI language (whatever its wording)."""
    member = Member.objects.first()
    assert member is not None
    with translation.override("vi"), transaction.atomic():
        try:
            lock_member(member, version=member.version + 1000)
        except StaleEdit as exc:
            return str(exc.message)
    raise AssertionError("lock_member accepted a stale version")


def test_a_stale_edit_is_refused_and_the_first_save_kept(session: Session, e2e_world: World):
    duc = e2e_world.members["duc"]
    first, second = session.new_tab(), session.new_tab()
    session.log_in(first, "alice")
    for tab in (first, second):
        tab.page.goto(session.url(f"/members/{duc.pk}/edit/"))
        expect(tab.page.locator("#id_phone")).to_be_editable()

    first.page.fill("#id_phone", "0911111111")
    _submit(first, "id_phone")
    expect(first.page).to_have_url(_path(session, f"/members/{duc.pk}/"))

    second.page.fill("#id_phone", "0922222222")
    _submit(second, "id_phone")
    expect(second.page).to_have_url(_path(session, f"/members/{duc.pk}/edit/"))
    error = second.page.locator("[data-testid=form-errors]")
    expect(error).to_be_visible()
    expect(error).to_contain_text(_stale_edit_message())

    duc.refresh_from_db()
    assert duc.phone == "0911111111"
    session.assert_no_console_errors()


def test_a_birth_date_is_read_day_first(session: Session, e2e_world: World):
    tab = session.new_tab()
    page = tab.page
    session.log_in(tab, "alice")
    duc = e2e_world.members["duc"]
    page.goto(session.url(f"/members/{duc.pk}/edit/"))
    page.fill("#id_birth_date", "05/06/1990")
    _submit(tab, "id_birth_date")
    expect(page).to_have_url(_path(session, f"/members/{duc.pk}/"))

    duc.refresh_from_db()
    assert duc.birth_date == dt.date(1990, 6, 5)
    page.goto(session.url(f"/members/{duc.pk}/edit/"))
    expect(page.locator("#id_birth_date")).to_have_value("05/06/1990")
    tab.assert_no_console_errors()


def test_an_official_sets_up_the_second_factor_and_reaches_the_tree(
    session: Session, e2e_world: World
):
    olga = e2e_world.users["olga"]
    role_grant(
        actor=None, user=olga, org=e2e_world.org("BT"), kind=Role.Kind.OFFICER, require_2fa=True
    )
    tab = session.new_tab()
    page = tab.page
    session.log_in(tab, "olga")
    expect(page).to_have_url(_path(session, "/accounts/two-factor/"))
    # Until the second factor is given, nothing else opens.
    page.goto(session.url("/orgs/"))
    expect(page).to_have_url(_path(session, "/accounts/two-factor/"))

    secret = page.locator("[data-testid=totp-secret]").inner_text().strip()
    assert secret
    page.fill("#id_code", pyotp.TOTP(secret).now())
    _submit(tab, "id_code")

    expect(page).to_have_url(_path(session, "/orgs/"))
    expect(page.locator(f"#node-{e2e_world.org('BT').pk}")).to_have_attribute("data-code", "BT")
    olga.refresh_from_db()
    assert olga.totp_confirmed
    tab.assert_no_console_errors()


def test_the_tree_and_a_member_record_fit_a_360px_phone(phone_session: Session, e2e_world: World):
    session = phone_session
    tab = session.new_tab()
    page = tab.page
    page.goto(session.url("/accounts/login/"))
    _no_horizontal_scroll(tab)
    session.log_in(tab, "alice")
    expect(page).to_have_url(_path(session, "/orgs/"))
    d1 = e2e_world.org("D1")
    page.locator(f"#node-{d1.pk} > div > [data-testid=tree-toggle]").tap()
    expect(page.locator(f"#kids-{d1.pk} > li")).to_have_count(2)
    _no_horizontal_scroll(tab)

    g1 = e2e_world.org("G1")
    for path in [
        f"/orgs/{d1.pk}/",
        f"/orgs/{g1.pk}/",
        f"/orgs/{g1.pk}/split/",
        "/audit/",
        "/members/",
        f"/members/{e2e_world.members['duc'].pk}/",
        f"/members/{e2e_world.members['duc'].pk}/edit/",
        f"/members/{e2e_world.members['duc'].pk}/events/new/",
    ]:
        page.goto(session.url(path))
        expect(page.locator("main h1")).to_be_visible()
        _no_horizontal_scroll(tab)
    tab.assert_no_console_errors()


def test_the_browser_finds_the_site_icon(session: Session):
    """Without an icon the browser asks for /favicon.ico on every new visit and logs the
    404 as a console error."""
    tab = session.new_tab()
    page = tab.page
    page.goto(session.url("/accounts/login/"))
    icon = page.evaluate(
        "document.querySelector('link[rel~=\"icon\"]')?.href"
        " || new URL('/favicon.ico', location.href).href"
    )
    if not icon.startswith("data:"):
        response = page.request.get(icon)
        assert response.status == 200, f"{icon}: {response.status}"

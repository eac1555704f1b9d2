"""A whole admission and recognition in a real browser: the cell's secretary records the
sympathizer, the class, the dossier and the cell's resolutions; the committee's clerk
records the committee's resolution and the decisions. Elements are found by ids, names
and data-testid, never by the UI's wording (translated)."""

import datetime as dt
import re

import pytest
from playwright.sync_api import Browser, expect

from chibo.members.models import Member, MemberEvent
from chibo.recruitment.models import AwarenessClass, Candidate, CardRange
from conftest import World, make_member

from .conftest import LOCALE, Session, Tab

pytestmark = pytest.mark.e2e

PDF = {"name": "don.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 scan"}


def _submit(tab: Tab, testid: str) -> None:
    """Press the form's button and wait for the page the server answers with."""
    with tab.page.expect_navigation():
        tab.page.locator(f"form[data-testid={testid}] button[type=submit]").click()


def _paper(tab: Tab, code: str, day: str, *, scan: bool = False) -> None:
    page = tab.page
    page.select_option("#id_paper-code", code)
    page.fill("#id_paper-dated", day)
    if scan:
        page.set_input_files("#id_paper-file", files=[PDF])
    _submit(tab, "paper-form")
    expect(page.locator(f"[data-testid=papers] tr[data-code='{code}']")).to_have_attribute(
        "data-recorded", "1"
    )


def _step(tab: Tab, name: str, **fields: str) -> None:
    for key, value in fields.items():
        tab.page.fill(f"#id_{name}-{key}", value)
    _submit(tab, f"step-{name}")


def _stage(tab: Tab, stage: str) -> None:
    expect(tab.page.locator("[data-testid=stage]")).to_have_attribute("data-stage", stage)


def test_an_admission_and_recognition_through_the_pages(
    session: Session, browser: Browser, live_server, e2e_world: World
):
    c1 = e2e_world.org("C1")
    make_member(c1, "M-TUAN", "Phạm Anh Tuấn")  # three official members vote in C1
    AwarenessClass.objects.create(
        code="LOP-2024-01", name="Lớp nhận thức về Đảng", org=e2e_world.org("G1"),
        ended_on=dt.date(2024, 3, 15),
    )  # fmt: skip
    CardRange.objects.create(province=e2e_world.org("BT"), prefix="48", next_number=123)

    # --- the secretary: the sympathizer, the class, the dossier, the cell's resolution
    sam = session.new_tab()
    page = sam.page
    session.log_in(sam, "sam")
    with page.expect_navigation():
        page.locator("[data-testid=nav-recruitment]").click()
    expect(page).to_have_url(re.compile(rf"/recruitment/{c1.pk}/$"))
    with page.expect_navigation():
        page.locator("[data-testid=propose]").click()
    page.fill("#id_family_name", "Hoàng")
    page.fill("#id_middle_name", "Thị")
    page.fill("#id_given_name", "Mai")
    page.fill("#id_birth_date", "10/05/2000")
    page.select_option("#id_gender", "female")
    page.select_option("#id_occupation", "teacher")
    page.select_option("#id_source", "youth_union")
    page.fill("#id_proposed_on", "01/09/2023")
    page.select_option("#id_helper", str(e2e_world.members["minh"].pk))
    _submit(sam, "propose-form")
    _stage(sam, "sympathizer")
    candidate = Candidate.objects.get()
    expect(page.locator("[data-testid=helper]")).to_have_text("Nguyễn Văn Minh")

    with page.expect_navigation():
        page.goto(session.url(f"/recruitment/{c1.pk}/classes/"))
    with page.expect_navigation():
        page.locator("[data-testid=classes] a", has_text="LOP-2024-01").click()
    page.fill("#id_person_id", candidate.person_id)
    page.check("#id_passed")
    page.fill("#id_certificate_no", "GCN-77")
    _submit(sam, "attendance-form")
    expect(page.locator("[data-testid=attendees]")).to_contain_text("Hoàng Thị Mai")

    page.goto(session.url(f"/recruitment/candidate/{candidate.pk}/"))
    _stage(sam, "class_attended")
    _paper(sam, "1-KNĐ", "02/05/2024", scan=True)
    for code in ("2-KNĐ", "3-KNĐ", "5-KNĐ"):
        _paper(sam, code, "02/05/2024")
    for key in ("minh", "duc"):
        page.select_option("#id_intro-member", str(e2e_world.members[key].pk))
        page.fill("#id_intro-known_since", "01/01/2022")
        _submit(sam, "introducer-form")
    expect(page.locator("[data-testid=introducers] li")).to_have_count(2)
    _stage(sam, "dossier")

    # a vote under two thirds is refused with the reason, in the page; then the real one
    _step(sam, "cell_resolution", on="12/06/2024", votes_for="1")
    alert = page.locator("form[data-testid=step-cell_resolution] [role=alert]")
    expect(alert).to_contain_text("1")
    expect(alert).to_contain_text("3")
    _stage(sam, "dossier")
    _step(sam, "cell_resolution", on="12/06/2024", votes_for="3")
    _stage(sam, "cell_resolution")
    # the committee's steps are not the secretary's to take
    expect(page.locator("[data-testid=step-committee_resolution]")).to_have_count(0)
    sam.assert_no_console_errors()

    # --- the committee's clerk: the due list, the committee's resolution, the decision
    clerk_context = browser.new_context(locale=LOCALE)
    clerk_session = Session(clerk_context, live_server.url)
    alice = clerk_session.new_tab()
    try:
        a = alice.page
        clerk_session.log_in(alice, "alice")
        a.goto(clerk_session.url(f"/recruitment/{e2e_world.org('D1').pk}/due/"))
        row = a.locator(f"[data-testid=due-decisions] tr[data-id='{candidate.pk}']")
        expect(row).to_contain_text("Hoàng Thị Mai")
        with a.expect_navigation():
            row.locator("a").click()
        _step(alice, "committee_resolution", on="19/06/2024", votes_for="5", committee_members="7")
        _stage(alice, "committee_resolution")
        _step(alice, "decision", on="10/07/2024", decision_no="120-QĐ/ĐU")
        _stage(alice, "admitted")
        member = Member.objects.get(candidacy=candidate)
        assert (member.status, member.admitted_on) == ("probationary", dt.date(2024, 7, 10))
        expect(a.locator("[data-testid=member-link]")).to_contain_text(member.member_code)

        # --- the secretary again: the ceremony, the probation's papers, the cell's resolution
        page.reload()
        _step(sam, "ceremony", on="20/07/2024")
        for code in ("10-KNĐ", "11-KNĐ", "12-KNĐ"):
            _paper(sam, code, "25/07/2025")
        _step(sam, "recognition_resolution", on="28/07/2025", votes_for="3")
        expect(page.locator("[data-testid=due]")).to_be_visible()
        expect(page.locator("[data-testid=step-recognition_decision]")).to_have_count(0)

        # --- the clerk decides, late: recognition takes effect at exactly 12 months
        a.reload()
        _step(alice, "recognition_decision", on="05/09/2025", decision_no="88-QĐ/ĐU")
        _stage(alice, "recognized")
        expect(a.locator("[data-testid=card]")).to_have_text("48.000123")
        member.refresh_from_db()
        assert (member.status, member.recognized_on) == ("official", dt.date(2025, 7, 20))
        recognized = MemberEvent.objects.get(member=member, kind="recognized")
        assert recognized.decision_no == "88-QĐ/ĐU"

        # the recruitment report of the year counts the admission and draws its chart
        a.goto(clerk_session.url(f"/reports/{e2e_world.org('D1').pk}/recruitment/?year=2024"))
        expect(a.locator("#chart-recruitment")).to_be_visible()
        drawn = a.evaluate("() => { const c = Chart.getChart('chart-recruitment'); return !!c }")
        assert drawn
        alice.assert_no_console_errors()
    finally:
        clerk_context.close()

"""A whole classification in a real browser, on a small tree (G1 with cell C1: Minh, Đức):
the grassroots committee's clerk opens it; Minh self-assesses on his phone in the handbook;
the cell's secretary self-assesses for Đức and for the cell and appraises the members; the
committee's clerk decides (one decision refused by the 20% rule, shown in the page); the
district above re-rates the cell; the report then gives the figures worked out by hand.
Elements are found by ids, names and data-testid, never by the UI's wording (translated)."""

import pytest
from playwright.sync_api import Browser, expect

from chibo.accounts.models import Role
from chibo.accounts.services import role_grant, user_create
from chibo.assessment.models import Assessment, AssessmentStatus, Campaign
from conftest import PASSWORD, World

from .conftest import LOCALE, Session, Tab

pytestmark = pytest.mark.e2e

YEAR = 2025


def _submit(tab: Tab, testid: str) -> None:
    with tab.page.expect_navigation():
        tab.page.locator(f"form[data-testid={testid}] button[type=submit]").click()


def _open_row(
    tab: Tab, session: Session, campaign: Campaign, org_id: int, member: str = ""
) -> None:
    """From the campaign's page for the unit, open a member's row (or the unit's own)."""
    tab.page.goto(session.url(f"/assessment/campaign/{campaign.pk}/{org_id}/"))
    link = (
        tab.page.locator(f"tr[data-member='{member}'] a")
        if member
        else tab.page.locator("[data-testid=unit-row] a")
    )
    with tab.page.expect_navigation():
        link.first.click()


def _status(tab: Tab, status: str) -> None:
    expect(tab.page.locator("[data-testid=status] [data-status]")).to_have_attribute(
        "data-status", status
    )


def test_a_whole_classification_through_the_pages(
    session: Session, browser: Browser, live_server, e2e_world: World
):
    world = e2e_world
    g1, c1 = world.org("G1"), world.org("C1")
    clerk = user_create(actor=None, username="g1clerk", password=PASSWORD)
    role_grant(actor=None, user=clerk, org=g1, kind=Role.Kind.CLERK)

    # 1. The grassroots committee opens the year's classification with the 2025 score.
    office = session.new_tab()
    session.log_in(office, "g1clerk")
    office.page.goto(session.url(f"/assessment/{g1.pk}/"))
    with office.page.expect_navigation():
        office.page.get_by_test_id("open").click()
    office.page.fill("#id_year", str(YEAR))
    office.page.select_option("#id_period_kind", "year")
    office.page.select_option("#id_rule_set", "score_2025")
    _submit(office, "open-form")
    campaign = Campaign.objects.get(org=g1, year=YEAR)
    expect(office.page.locator("[data-testid=progress] tr[data-org='C1']")).to_be_visible()
    assert Assessment.objects.filter(campaign=campaign).count() == 4  # C1, Minh, Đức, G1

    # 2. Minh self-assesses on his phone: 25 + 55 = 80 points, "good".
    phone_context = browser.new_context(
        locale=LOCALE, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    phone = Session(phone_context, session.base_url)
    try:
        hand = phone.new_tab()
        phone.log_in(hand, "minh")
        hand.page.goto(phone.url("/handbook/#/assessment"))
        card = hand.page.locator("article.assessment").first
        # a level above what the score gives is refused, with the reason
        card.locator("select[name=level]").select_option("excellent")
        card.locator("input[name=general]").fill("25")
        card.locator("input[name=results]").fill("55")
        card.locator("button[type=submit]").click()
        expect(card.locator("[role=alert]")).to_contain_text("80")
        # (the refusal is a 400 answer, which the browser logs; nothing else went wrong)
        assert all("/self" in e and "400" in e for e in hand.errors), hand.errors
        hand.errors.clear()
        card.locator("select[name=level]").select_option("good")
        card.locator("button[type=submit]").click()
        fresh = hand.page.locator("article.assessment").first
        expect(fresh).to_have_attribute("data-status", "self_assessed")
        hand.assert_no_console_errors()

        # 3. The secretary self-assesses for Đức (92 points) and for the cell, and appraises.
        secretary = session.new_tab()
        session.context.clear_cookies()
        session.log_in(secretary, "sam")
        _open_row(secretary, session, campaign, c1.pk, "M-DUC")
        secretary.page.select_option("#id_self-level", "excellent")
        secretary.page.fill("#id_self-general", "28")
        secretary.page.fill("#id_self-results", "64")
        _submit(secretary, "step-self")
        _status(secretary, AssessmentStatus.SELF_ASSESSED)
        secretary.page.select_option("#id_appraise-proposed_level", "excellent")
        _submit(secretary, "step-appraise")
        _status(secretary, AssessmentStatus.APPRAISED)
        # she may not decide: that is the grassroots committee's
        expect(secretary.page.locator("form[data-testid=step-decide]")).to_have_count(0)
        _open_row(secretary, session, campaign, c1.pk, "M-MINH")
        secretary.page.select_option("#id_appraise-proposed_level", "good")
        _submit(secretary, "step-appraise")
        _open_row(secretary, session, campaign, c1.pk)
        secretary.page.select_option("#id_self-level", "good")
        secretary.page.fill("#id_self-general", "26")
        secretary.page.fill("#id_self-results", "54")
        _submit(secretary, "step-self")
        _status(secretary, AssessmentStatus.SELF_ASSESSED)
        secretary.assert_no_console_errors()

        # 4. The committee decides: Đức "excellent" is refused (1 excellent > 20% of 1 good).
        session.context.clear_cookies()
        session.log_in(office, "g1clerk")
        _open_row(office, session, campaign, c1.pk, "M-MINH")
        office.page.select_option("#id_decide-level", "good")
        _submit(office, "step-decide")
        _status(office, AssessmentStatus.DECIDED)
        _open_row(office, session, campaign, c1.pk, "M-DUC")
        office.page.select_option("#id_decide-level", "excellent")
        _submit(office, "step-decide")
        expect(office.page.locator("form[data-testid=step-decide] [role=alert]")).to_contain_text(
            "20%"
        )
        _status(office, AssessmentStatus.APPRAISED)
        office.page.select_option("#id_decide-level", "good")
        _submit(office, "step-decide")
        _status(office, AssessmentStatus.DECIDED)
        # the cell: appraised and decided "good" (both members good: the half rule holds)
        _open_row(office, session, campaign, c1.pk)
        office.page.select_option("#id_appraise-proposed_level", "good")
        _submit(office, "step-appraise")
        office.page.select_option("#id_decide-level", "good")
        _submit(office, "step-decide")
        _status(office, AssessmentStatus.DECIDED)
        # the committee may not re-rate its own decision
        expect(office.page.locator("form[data-testid=step-rerate]")).to_have_count(0)

        # 5. The district above cancels the cell's rating and re-rates it, with the reason.
        session.context.clear_cookies()
        session.log_in(office, "alice")
        _open_row(office, session, campaign, c1.pk)
        office.page.select_option("#id_rerate-level", "complete")
        office.page.fill("#id_rerate-reason", "Chưa hoàn thành chỉ tiêu kết nạp đảng viên")
        _submit(office, "step-rerate")
        expect(office.page.get_by_test_id("rerated")).to_contain_text("Chưa hoàn thành chỉ tiêu")
        expect(office.page.get_by_test_id("level")).to_be_visible()
        office.assert_no_console_errors()

        # 6. Minh sees his decided level in the handbook.
        hand.page.goto(phone.url("/handbook/#/me"))
        hand.page.goto(phone.url("/handbook/#/assessment"))
        expect(hand.page.locator("[data-testid=assessment-level]")).to_be_visible()
        expect(hand.page.locator("article.assessment form")).to_have_count(0)
        hand.assert_no_console_errors()
    finally:
        phone_context.close()

    # 7. The report, by hand: members Minh good, Đức good → 2 good of 2 classified (100.00%
    # good or better, 0.00% excellent); units: C1 complete (re-rated), G1 not yet decided.
    response = office.page.request.get(
        session.url(f"/api/v1/reports/classification?org=G1&year={YEAR}")
    )
    assert response.status == 200, response.text()
    got = response.json()
    assert got["members"] == {
        "excellent": 0,
        "good": 2,
        "complete": 0,
        "not_complete": 0,
        "unclassified": 0,
        "good_or_better_percent": "100.00",
        "excellent_percent": "0.00",
    }
    assert got["units_by_kind"]["subordinate_cell"]["complete"] == 1
    assert got["units_by_kind"]["grassroots_committee"]["unclassified"] == 1
    assert (
        got["grassroots"]["unclassified"] == 1
        and got["grassroots"]["good_or_better_percent"] is None
    )
    # and the report's page shows the same
    office.page.goto(session.url(f"/reports/{g1.pk}/classification/?year={YEAR}"))
    members = office.page.get_by_test_id("classification-members")
    expect(members.locator("tr[data-key=good] td.num")).to_have_text("2")
    expect(members.locator("tr[data-key=good_or_better_percent] td.num")).to_contain_text("100")
    expect(office.page.locator("canvas[data-bar-chart]").first).to_be_visible()
    office.assert_no_console_errors()
    rerated = Assessment.objects.get(campaign=campaign, org=c1, member__isnull=True)
    assert (rerated.previous_level, rerated.level) == ("good", "complete")

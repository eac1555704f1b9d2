"""The handbook on a phone: read, bookmark, read again offline, and the office sees it."""

import json

import pytest
from playwright.sync_api import expect

from chibo.documents.models import ReadReceipt
from documents.helpers import issue

pytestmark = pytest.mark.e2e


def test_a_member_reads_offline_and_the_office_sees_the_reading(phone_session, e2e_world):
    world = e2e_world
    doc = issue(world.org("C1"), doc_type="TB", title="Thông báo sinh hoạt chi bộ tháng 3")
    issue(world.org("D2"), title="Văn bản của huyện khác")
    session = phone_session
    tab = session.new_tab()
    page = tab.page
    assert session.base_url.startswith("http://localhost"), "service workers need localhost"

    # Logging in from the handbook brings the member back to it.
    page.goto(session.url("/handbook/"))
    page.fill("#id_username", "minh")
    page.fill("#id_password", "correct horse battery")
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("body")).to_have_attribute("data-sw", "registered", timeout=30_000)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled by the service worker
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    items = page.locator("ul.docs li")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("Chưa đọc")

    # Read it and bookmark it.
    items.first.locator("a").click()
    expect(page.locator("article h1")).to_have_text(doc.title)
    page.click("#bookmark")
    expect(page.locator("#bookmark")).to_have_attribute("aria-pressed", "true")
    page.goto(session.url("/handbook/#/bookmarks"))
    expect(page.locator("ul.docs li")).to_have_count(1)

    # Offline: the document opens from the cache and the reading waits in the queue.
    session.context.set_offline(True)
    # (the reading just made online is forgotten on the server, so that the one made
    # offline is what reaches it)
    ReadReceipt.objects.all().delete()
    page.goto(session.url(f"/handbook/#/doc/{doc.pk}"))
    expect(page.locator("article h1")).to_have_text(doc.title)
    expect(page.locator("#network")).to_be_visible()
    # the app queues the reading once the page is shown; wait for it rather than race it
    page.wait_for_function(
        "JSON.parse(localStorage.getItem('chibo-handbook-reads') || '[]').length > 0"
    )
    queue = json.loads(page.evaluate("localStorage.getItem('chibo-handbook-reads')"))
    assert [r["document_id"] for r in queue] == [doc.pk]

    # Back online: the queue is sent.
    session.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("body")).to_have_attribute("data-queue", "0", timeout=30_000)
    receipt = ReadReceipt.objects.get(document=doc)
    assert receipt.member_id == world.members["minh"].pk and receipt.offline

    # The office page shows the reading (to the secretary of the member's cell).
    session.context.clear_cookies()
    session.log_in(tab, "sam")
    page.goto(session.url(f"/documents/{doc.pk}/"))
    expect(page.get_by_test_id("read-total")).to_contain_text("1 trên 2")
    expect(page.get_by_test_id("unread")).not_to_contain_text("Nguyễn Văn Minh")
    tab.assert_no_console_errors()


def test_the_manifest_and_the_service_worker_are_served(phone_session):
    tab = phone_session.new_tab()
    page = tab.page
    manifest = page.request.get(phone_session.url("/handbook/manifest.webmanifest")).json()
    assert manifest["start_url"] == manifest["scope"] == "/handbook/"
    assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert page.request.get(phone_session.url(icon["src"])).ok
    worker = page.request.get(phone_session.url("/handbook/sw.js"))
    assert worker.ok and "javascript" in worker.headers["content-type"]

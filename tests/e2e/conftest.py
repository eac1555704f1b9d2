"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's
live server. Run with `make e2e` (`pytest -m e2e`); the other runs leave them out."""

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Response,
    expect,
    sync_playwright,
)

from conftest import PASSWORD, World

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The users' language: Vietnamese UI, day-first dates.
LOCALE = "vi-VN"
expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # The sync Playwright API runs an event loop in this thread; Django would otherwise
    # refuse the ORM calls the tests make to set up and check data. Set only while the
    # browser runs, so the rest of a mixed test run keeps Django's guard.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _is_favicon(url: str) -> bool:
    # The browser's own request for /favicon.ico: checked once, by
    # test_the_browser_finds_the_site_icon, instead of by whichever test happens to run first.
    return url.split("?")[0].endswith("/favicon.ico")


@dataclass
class Tab:
    """A page and the console errors and uncaught exceptions seen on it."""

    page: Page
    errors: list[str] = field(default_factory=list)

    def assert_no_console_errors(self) -> None:
        assert self.errors == [], self.errors


class Session:
    """One browser context (cookies shared by its tabs) against the live server."""

    def __init__(self, context: BrowserContext, base_url: str):
        self.context = context
        self.base_url = base_url
        self.tabs: list[Tab] = []

    def new_tab(self) -> Tab:
        page = self.context.new_page()
        tab = Tab(page)

        def on_console(msg: ConsoleMessage) -> None:
            if msg.type == "error" and not _is_favicon(msg.location.get("url", "")):
                tab.errors.append(f"console: {msg.text} ({msg.location.get('url')})")

        def on_response(response: Response) -> None:
            if response.status >= 400 and not _is_favicon(response.url):
                tab.errors.append(f"HTTP {response.status}: {response.url}")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: tab.errors.append(f"pageerror: {exc}"))
        page.on("response", on_response)
        self.tabs.append(tab)
        return tab

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_in(self, tab: Tab, username: str, password: str = PASSWORD) -> None:
        """Through the real login form, submitted with the keyboard."""
        page = tab.page
        page.goto(self.url("/accounts/login/"))
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.press("#id_password", "Enter")

    def assert_no_console_errors(self) -> None:
        errors = [e for tab in self.tabs for e in tab.errors]
        assert errors == [], errors


@pytest.fixture
def e2e_world(transactional_db: None, world: World) -> World:
    """The shared world, committed so the live server's thread sees it."""
    return world


def _session(browser: Browser, live_server: Any, **options: Any) -> Iterator[Session]:
    context = browser.new_context(locale=LOCALE, **options)
    try:
        yield Session(context, live_server.url)
    finally:
        context.close()


@pytest.fixture
def session(browser: Browser, live_server: Any, e2e_world: World) -> Iterator[Session]:
    yield from _session(browser, live_server)


@pytest.fixture
def phone_session(browser: Browser, live_server: Any, e2e_world: World) -> Iterator[Session]:
    yield from _session(
        browser, live_server, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )

"""Browser tests: the real portal on a live server, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import servers
from tests.conftest import make_app, test_settings

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENS = Path(__file__).resolve().parent.parent.parent / "test-results" / "screens"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: Any, smtp_sink: servers.SmtpSink) -> Any:
    folder = tmp_path_factory.mktemp("live")
    settings = test_settings(
        folder, f"sqlite:///{folder / 'live.db'}", WTF_CSRF_ENABLED=True, SMTP_URL=smtp_sink.url
    )
    return make_app(settings)


@pytest.fixture(scope="session")
def live_server(live_app: Any) -> Iterator[servers.LiveServer]:
    server = servers.LiveServer(live_app).start()
    live_app.config["PORTAL_BASE_URL"] = server.url
    yield server
    server.stop()


@pytest.fixture()
def seed(live_app: Any) -> Any:
    """Run a function with the live app's database and commit: seed(lambda: make things)."""
    from portal.extensions import db

    def run(fn: Any) -> Any:
        with live_app.app_context():
            result = fn()
            db.session.commit()
            return result

    return run


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (make test installs Debian's chromium)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-dev-shm-usage",
            ],
        )
        yield instance
        instance.close()


def _context(browser: Any, live_server: servers.LiveServer, viewport: dict, locale: str) -> Any:
    context = browser.new_context(
        viewport=viewport,
        locale=locale,
        base_url=live_server.url,
        extra_http_headers={"Accept-Language": locale},
    )
    context.set_default_timeout(10_000)
    return context


@pytest.fixture()
def new_page(browser: Any, live_server: servers.LiveServer) -> Iterator[Any]:
    """new_page(locale="ko", phone=False): a page in a fresh browser context (its own cookies)."""
    contexts: list[Any] = []

    def make(locale: str = "en", phone: bool = False) -> Any:
        context = _context(browser, live_server, PHONE if phone else DESKTOP, locale)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture()
def page(new_page: Any) -> Any:
    return new_page()


def screenshot(page: Any, name: str) -> Path:
    """Keep a picture of the page for people to look at (test-results/screens)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Any, email: str, password: str = "password-123") -> None:
    """Sign in through the real form."""
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")

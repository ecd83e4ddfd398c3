"""The widget on another site with one script tag: it works where an admin allowed the site (CORS only there),
and stays away where they did not."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from portal.channels.chat import settings_store
from tests import servers
from tests.browser.conftest import screenshot

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<style>body {{ font-family: serif; background: #fffbe6; }} button {{ background: red; }}</style></head>
<body><h1>Hana Mobile Shop</h1><p>Phones and plans.</p>
<script src="{portal}/static/js/chat-widget.js" async></script>
</body></html>"""


@pytest.fixture()
def shop(tmp_path, live_server):
    (tmp_path / "index.html").write_text(PAGE.format(portal=live_server.url))
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a, **k: None
    server = ThreadingHTTPServer(("127.0.0.1", servers.free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _allow(seed, origins):
    def save():
        settings_store.save(origins_text=origins, business_hours="", closed_on_holidays=False, actor=None)

    seed(save)
    settings_store._origins_cache.clear()


def test_an_allowed_site_embeds_the_widget_and_a_guest_chats(new_page, seed, shop):
    _allow(seed, shop)
    page = new_page(locale="en")
    page.goto(shop + "/index.html")
    page.locator("#hana-chat .hc-launcher").click()
    panel = page.locator("#hana-chat .hc-panel")
    panel.locator("input[name=name]").fill("Shop Visitor")
    panel.locator("input[name=email]").fill("visitor@shop.example.com")
    panel.locator("textarea").fill("Do you ship to Busan?")
    panel.get_by_role("button", name="Start chat").click()
    panel.locator(".hc-bot").first.wait_for()
    assert panel.locator(".hc-mine", has_text="Busan").count() == 1
    screenshot(page, "chat-widget-embedded-desktop")


def test_a_site_nobody_allowed_gets_no_widget(new_page, seed, shop):
    _allow(seed, "https://somewhere-else.example.com")
    page = new_page(locale="en")
    failures = []
    page.on("requestfailed", lambda request: failures.append(request.url))
    page.goto(shop + "/index.html")
    page.wait_for_timeout(1500)
    assert page.locator("#hana-chat .hc-launcher").count() == 0

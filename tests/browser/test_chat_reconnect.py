"""A customer whose connection drops mid-chat: what the agent wrote meanwhile arrives once, and what the customer
typed while offline is delivered once, when the connection is back."""

from __future__ import annotations

import time

import sqlalchemy as sa

from tests.browser.conftest import screenshot, sign_in


def _setup(seed):
    from portal.accounts import service as accounts
    from portal.accounts.models import User
    from portal.extensions import db

    def make():
        db.session.execute(sa.update(User).values(presence="offline"))
        n = time.monotonic_ns()
        agent = accounts.create_user(
            f"rc-agent-{n}@example.com", "박지훈", password="password-123", role="agent"
        )
        return agent.email

    return seed(make)


def test_messages_survive_a_dropped_connection_without_duplicates(new_page, seed):
    agent_email = _setup(seed)
    agent = new_page(locale="en")
    sign_in(agent, agent_email)
    agent.goto("/desk/chats/")
    agent.select_option("#chat-presence", "online")
    agent.wait_for_timeout(300)

    customer = new_page(locale="en")
    customer.goto("/")
    customer.locator("#hana-chat .hc-launcher").click()
    panel = customer.locator("#hana-chat .hc-panel")
    panel.locator("input[name=name]").fill("Dana Drop")
    panel.locator("input[name=email]").fill(f"dana{time.monotonic_ns()}@example.com")
    panel.locator("textarea").fill("My router keeps rebooting")
    panel.get_by_role("button", name="Start chat").click()
    agent.locator("#chat-waiting li", has_text="My router keeps rebooting").locator(
        "button.btn-success"
    ).click()
    panel.locator(".hc-system", has_text="joined").wait_for()

    customer.context.set_offline(True)
    for text in ("Are you still there?", "Try unplugging it for ten seconds."):
        agent.locator("#chat-compose textarea").fill(text)
        agent.locator("#chat-compose textarea").press("Enter")
    agent.locator("#chat-log .from-agent", has_text="ten seconds").wait_for()
    panel.locator("textarea").fill("Sorry, my connection dropped")
    panel.locator("textarea").press("Enter")
    panel.locator(".hc-mine.hc-retrying, .hc-mine.hc-pending").first.wait_for()
    screenshot(customer, "chat-widget-offline-desktop")
    customer.context.set_offline(False)

    panel.locator(".hc-agent", has_text="ten seconds").wait_for(timeout=8000)
    agent.locator("#chat-log .from-customer", has_text="connection dropped").wait_for(timeout=8000)
    customer.wait_for_timeout(1500)  # time for any duplicate to show up
    assert panel.locator(".hc-agent", has_text="still there").count() == 1
    assert panel.locator(".hc-agent", has_text="ten seconds").count() == 1
    assert panel.locator(".hc-mine", has_text="connection dropped").count() == 1
    assert panel.locator(".hc-mine.hc-pending, .hc-mine.hc-retrying").count() == 0
    assert agent.locator("#chat-log .from-customer", has_text="connection dropped").count() == 1

"""Done when: the customer opens the widget, the bot offers an article, the customer asks for a person, an agent sees
the bot's transcript and the customer's past tickets, they talk in real time, and the transcript stays in the
customer's history. Two browser contexts (customer and agent) in Debian's Chromium."""

from __future__ import annotations

import time

import pytest

from portal.channels.chat import bot
from tests.browser.conftest import screenshot, sign_in

ARTICLE = {
    "kind": "article",
    "id": 3,
    "title": "환불은 언제 들어오나요?",
    "url": "/kb/3",
    "snippet": "중복 결제는 3영업일 안에 환불됩니다.",
}


@pytest.fixture()
def article_suggester():
    bot.set_suggester(lambda text, locale, customer: [dict(ARTICLE)] if "환불" in text else [])
    yield
    bot.set_suggester(None)


@pytest.fixture()
def people(seed):
    from portal.accounts import service as accounts
    from portal.customers.service import Hints, customer_for_user
    from portal.tickets.inbound import Inbound
    from portal.tickets.intake import receive

    def make():
        n = time.monotonic_ns()
        agent = accounts.create_user(
            f"chat-agent-{n}@example.com", "김상담", password="password-123", role="agent"
        )
        customer = accounts.create_user(
            f"chat-cust-{n}@example.com", "최유나", password="password-123", role="customer"
        )
        receive(
            Inbound(
                channel="email",
                sender=Hints(email=customer.email, name="최유나"),
                subject="지난달 요금이 두 번 청구되었어요",
                text="확인 부탁드립니다.",
                notify=False,
            )
        )
        assert customer_for_user(customer) is not None
        return agent.email, customer.email

    return seed(make)


def _open_widget(page):
    page.locator("#hana-chat .hc-launcher").click()
    return page.locator("#hana-chat .hc-panel")


def test_a_customer_goes_from_the_bot_to_an_agent_in_real_time(new_page, people, article_suggester):
    agent_email, customer_email = people
    agent = new_page(locale="ko")
    sign_in(agent, agent_email)
    agent.goto("/desk/chats/")
    agent.select_option("#chat-presence", "online")
    agent.wait_for_timeout(300)

    customer = new_page(locale="ko")
    sign_in(customer, customer_email)
    customer.goto("/")
    panel = _open_widget(customer)
    assert panel.locator(".hc-greeting").inner_text() == "최유나 님, 다시 오신 것을 환영합니다!"
    assert "지난달 요금이 두 번 청구되었어요" in panel.locator(".hc-requests").inner_text()
    panel.locator("textarea").fill("환불은 언제 되나요?")
    panel.locator("textarea").press("Enter")
    card = panel.locator(".hc-card-title")
    card.wait_for()
    assert card.inner_text() == "환불은 언제 들어오나요?"
    screenshot(customer, "chat-widget-bot-desktop")

    panel.get_by_role("button", name="아니요, 상담사와 이야기할게요").click()
    waiting = agent.locator("#chat-waiting li", has_text="환불은 언제 되나요?")
    waiting.wait_for()
    assert "최유나" in waiting.inner_text()
    waiting.locator("button.btn-success").click()
    agent.locator("#chat-log .from-bot").wait_for()
    assert (
        "환불은 언제 들어오나요?" in agent.locator("#chat-log").inner_text()
    )  # the bot's part, with what it offered
    agent.locator("#chat-customer .other-tickets").wait_for()
    assert "지난달 요금이 두 번 청구되었어요" in agent.locator("#chat-customer").inner_text()

    panel.locator(".hc-system", has_text="김상담").wait_for(timeout=3000)
    agent.locator("#chat-compose textarea").fill("안녕하세요, 김상담입니다. 확인해 드릴게요.")
    sent = time.monotonic()
    agent.locator("#chat-compose textarea").press("Enter")
    panel.locator(".hc-agent .hc-text", has_text="확인해 드릴게요").wait_for(timeout=3000)
    assert time.monotonic() - sent < 1.5
    assert "김상담" in panel.locator(".hc-status").inner_text()

    panel.locator("textarea").fill("네, 감사합니다 <b>꼭</b> 부탁드려요")
    sent = time.monotonic()
    panel.locator("textarea").press("Enter")
    agent.locator("#chat-log .from-customer .chat-text", has_text="<b>꼭</b>").wait_for(timeout=3000)
    assert time.monotonic() - sent < 1.5
    assert panel.locator(".hc-mine b").count() == 0  # shown as text, never as HTML
    screenshot(agent, "chat-console-desktop")
    screenshot(customer, "chat-widget-agent-desktop")

    agent.get_by_role("button", name="채팅 종료, 해결됨으로 표시").click()
    panel.locator(".hc-ended").wait_for(timeout=3000)
    ref = panel.locator(".hc-ended").inner_text()
    assert "#" in ref
    customer.goto("/requests")
    assert "환불은 언제 되나요?" in customer.locator("main").inner_text()


def test_the_widget_on_a_phone(new_page, people, article_suggester):
    _agent_email, customer_email = people
    customer = new_page(locale="ko", phone=True)
    sign_in(customer, customer_email)
    customer.goto("/")
    screenshot(customer, "chat-launcher-phone")
    panel = _open_widget(customer)
    panel.locator("textarea").fill("환불은 언제 되나요?")
    panel.locator("textarea").press("Enter")
    panel.locator(".hc-card-title").wait_for()
    box = panel.bounding_box()
    assert box["width"] == 390 and box["height"] >= 800
    screenshot(customer, "chat-widget-phone")


def test_a_guest_gives_name_and_email_and_can_leave_a_message_when_nobody_is_online(
    new_page, seed, article_suggester
):
    import sqlalchemy as sa

    from portal.accounts.models import User
    from portal.extensions import db

    seed(lambda: db.session.execute(sa.update(User).values(presence="offline")))
    guest = new_page(locale="en")
    guest.goto("/")
    panel = _open_widget(guest)
    panel.get_by_role("button", name="Start chat").click()
    assert "Enter your name." in panel.inner_text()
    panel.locator("input[name=name]").fill("Sam Guest")
    panel.locator("input[name=email]").fill("sam.guest@example.com")
    panel.locator("textarea").fill("My modem blinks red")
    screenshot(guest, "chat-widget-guest-desktop")
    panel.get_by_role("button", name="Start chat").click()
    panel.locator(".hc-leave").wait_for()
    panel.locator(".hc-leave textarea").fill("Please call me tomorrow")
    panel.get_by_role("button", name="Send message").click()
    panel.locator(".hc-ended").wait_for()
    assert "Thank you. We will answer by email soon." in panel.inner_text()


def test_the_console_and_the_admin_page_on_a_phone_and_a_desktop(new_page, seed):
    from portal.accounts import service as accounts

    n = time.monotonic_ns()
    admin_email = seed(
        lambda: (
            accounts.create_user(
                f"chat-admin-{n}@example.com", "이서연", password="password-123", role="admin"
            ).email
        )
    )
    phone = new_page(locale="ko", phone=True)
    sign_in(phone, admin_email)
    phone.goto("/desk/chats/")
    phone.locator("#chat-waiting li").first.wait_for()
    screenshot(phone, "chat-console-phone")
    desk = new_page(locale="ko")
    sign_in(desk, admin_email)
    desk.goto("/admin/chat/")
    assert "chat-widget.js" in desk.locator("pre").inner_text()
    screenshot(desk, "chat-admin-desktop")

"""Whole flows of the core in a real browser: guest, customer, agent; the Korean interface."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import screenshot, sign_in


def _user(role: str, email: str, name: str, locale: str | None = None) -> Any:
    from portal.accounts import service

    return service.create_user(email, name, password="password-123", role=role, locale=locale)


def test_a_guest_files_a_request_and_follows_it_by_the_mailed_link(new_page, smtp_sink):
    smtp_sink.clear()
    page = new_page(locale="ko", phone=True)
    page.goto("/requests/new")
    screenshot(page, "guest-new-request-phone-ko")
    page.fill("input[name=name]", "박서준")
    page.fill("input[name=email]", "seojun.browser@example.com")
    page.fill("input[name=subject]", "요금제를 바꾸고 싶어요")
    page.fill("textarea[name=text]", "데이터 무제한 요금제로 변경하려면 어떻게 하나요?")
    page.click("button[type=submit]")
    page.wait_for_selector("text=접수되었습니다")
    mail = smtp_sink.wait_for(1)[-1]
    link = re.search(r"(http://127\.0\.0\.1:\d+/r/\S+)", mail.get_body(("plain",)).get_content()).group(1)
    page.goto(link)
    page.wait_for_selector("text=데이터 무제한 요금제로 변경하려면")
    page.fill("textarea[name=text]", "참고로 가족 결합도 되어 있어요.")
    page.click("#reply button[type=submit]")
    page.wait_for_selector(".message >> text=가족 결합")
    screenshot(page, "guest-request-phone-ko")


def test_a_customer_signs_in_sees_history_and_replies(new_page, seed):
    from portal.customers.service import Hints
    from portal.tickets.inbound import Inbound
    from portal.tickets.intake import receive

    def data() -> int:
        user = _user("customer", "yuna.browser@example.com", "최유나")
        receive(
            Inbound(
                channel="email",
                sender=Hints(email=user.email),
                subject="메일로 보낸 문의",
                text="메일로 먼저 물어봤어요",
                notify=False,
            )
        )
        return receive(
            Inbound(
                channel="chat",
                sender=Hints(email=user.email),
                subject="채팅 문의",
                text="채팅으로도 물어봤어요",
                notify=False,
            )
        ).ticket.ref

    ref = seed(data)
    page = new_page(locale="ko")
    sign_in(page, "yuna.browser@example.com")
    page.wait_for_selector("text=최유나님, 다시 오셨군요")
    page.click("text=내 요청 전체")
    page.wait_for_selector("text=메일로 보낸 문의")
    page.wait_for_selector("text=채팅 문의")
    screenshot(page, "customer-requests-desktop-ko")
    page.click(f"text=#{ref}")
    page.fill("textarea[name=text]", "아직 해결되지 않았어요.")
    page.click("#reply button[type=submit]")
    page.wait_for_selector(".message >> text=아직 해결되지 않았어요.")


def test_an_agent_works_the_queue_and_sees_the_other_channel_in_the_panel(new_page, seed):
    from portal.customers.service import Hints
    from portal.tickets.inbound import Inbound
    from portal.tickets.intake import receive

    def data() -> tuple[int, int]:
        _user("agent", "agent.browser@example.com", "김민준", locale="ko")
        chat = receive(
            Inbound(
                channel="chat",
                sender=Hints(email="min.browser@example.com", chat="min-b"),
                subject="와이파이가 끊겨요",
                text="저녁마다 끊깁니다",
                notify=False,
            )
        )
        mail = receive(
            Inbound(
                channel="email",
                sender=Hints(email="min.browser@example.com"),
                subject="요금 문의 (브라우저)",
                text="이번 달 요금이 이상해요",
                notify=False,
            )
        )
        return chat.ticket.ref, mail.ticket.ref

    chat_ref, mail_ref = seed(data)
    page = new_page(locale="ko")
    sign_in(page, "agent.browser@example.com")
    page.wait_for_selector("text=대기열")
    page.goto("/desk/?view=all")
    screenshot(page, "desk-queue-desktop-ko")
    page.click("text=요금 문의 (브라우저)")
    page.wait_for_selector(".customer-panel >> text=min.browser@example.com")
    page.wait_for_selector(f".other-tickets >> text=#{chat_ref}")
    page.wait_for_selector(".timeline >> text=와이파이가 끊겨요")
    page.keyboard.press("r")
    page.keyboard.type("확인해 보겠습니다.")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".message.from-us >> text=확인해 보겠습니다.")
    screenshot(page, "desk-ticket-desktop-ko")


def test_the_queue_is_usable_on_a_phone(new_page, seed):
    seed(lambda: _user("agent", "agent.phone@example.com", "Agent Phone"))
    page = new_page(phone=True)
    sign_in(page, "agent.phone@example.com")
    page.goto("/desk/?view=all")
    screenshot(page, "desk-queue-phone-en")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

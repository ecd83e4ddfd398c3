"""The agent workspace in a real browser: the queue by keyboard with bulk changes, macros, merging and splitting,
two agents on one ticket, and pictures of the pages on a phone and a desktop in Korean and English."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in


def _agent(email: str, name: str, locale: str = "en") -> Any:
    from portal.accounts import service

    return service.create_user(email, name, password="password-123", role="agent", locale=locale)


def _ticket(channel: str, email: str, name: str, subject: str, text: str, **extra: Any) -> Any:
    from portal.customers.service import Hints
    from portal.tickets.inbound import Inbound
    from portal.tickets.intake import receive

    inbound = Inbound(
        channel=channel,
        sender=Hints(email=email, name=name),
        subject=subject,
        text=text,
        notify=False,
        **extra,
    )
    return receive(inbound)


def _state(live_app: Any, ref: int) -> Any:
    from portal.extensions import db
    from portal.tickets import queries

    with live_app.app_context():
        ticket = db.session.scalar(queries.ticket_by_ref(ref))
        return {
            "status": ticket.status,
            "priority": ticket.priority,
            "assignee": ticket.assignee.email if ticket.assignee else None,
            "tags": ticket.tags,
            "merged_into": ticket.merged_into_id,
            "messages": ticket.message_count,
            "customer_id": ticket.customer_id,
        }


def test_an_agent_works_the_queue_by_keyboard_and_assigns_in_bulk(new_page, seed, live_app):
    def data() -> tuple[int, list[int]]:
        _agent("kb.agent@example.com", "Keyboard Agent")
        made = [
            _ticket("email", f"kb{i}@example.com", f"KB Customer {i}", f"Keyboard case {i}", "help").ticket
            for i in range(3)
        ]
        return made[0].customer_id, [t.ref for t in made]

    _, refs = seed(data)
    page = new_page()
    sign_in(page, "kb.agent@example.com")
    page.goto("/desk/?view=all&q=Keyboard+case")
    page.wait_for_selector("html[data-desk-ready]")
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    assert page.locator(".queue-row.selected").count() == 2
    page.wait_for_selector(".bulk-bar:not(.is-empty)")
    assert "2 selected" in page.inner_text(".bulk-count")
    page.select_option(".bulk-bar select[name=assignee]", "me")
    page.select_option(".bulk-bar select[name=priority]", "high")
    page.click(".bulk-bar button[type=submit]")
    page.wait_for_selector("text=2 tickets updated.")
    page.wait_for_selector("html[data-desk-ready]")  # the reloaded page listens for keys again
    states = [_state(live_app, ref) for ref in refs]
    assert sorted(s["assignee"] == "kb.agent@example.com" for s in states) == [False, True, True]
    assert sorted(s["priority"] for s in states) == ["high", "high", "normal"]
    page.keyboard.press("?")
    page.wait_for_selector("#shortcuts.show")
    page.wait_for_selector("#shortcuts:focus")  # fully shown (Bootstrap focuses it at the end)
    screenshot(page, "desk-shortcuts-desktop-en")
    page.keyboard.press("Escape")
    page.wait_for_selector("#shortcuts", state="hidden")
    page.keyboard.press("j")
    page.keyboard.press("o")
    page.wait_for_url(re.compile(r"/desk/tickets/\d+"))
    page.keyboard.press("u")
    page.wait_for_url(re.compile(r"/desk/$"))


def test_an_agent_applies_a_macro_from_the_reply_box(new_page, seed, live_app):
    def data() -> int:
        from portal.tickets import macros

        agent = _agent("macro.agent@example.com", "Macro Agent")
        macros.save_macro(
            None,
            agent,
            name="Refund done",
            body="Dear {{ customer.name }}, ticket #{{ ticket.ref }} is refunded.",
            set_status="pending",
            add_tags="refunded",
        )
        return _ticket(
            "web", "macro.customer@example.com", "Mina Park", "Refund please", "I paid twice"
        ).ticket.ref

    ref = seed(data)
    page = new_page()
    sign_in(page, "macro.agent@example.com")
    page.goto(f"/desk/tickets/{ref}")
    page.keyboard.press("m")
    page.wait_for_selector(".macro-menu.show")
    page.keyboard.type("refund")
    page.keyboard.press("Enter")
    expect(page.locator("#reply-form textarea")).to_have_value(f"Dear Mina Park, ticket #{ref} is refunded.")
    assert page.is_visible(".applied-macro")
    assert page.input_value("#reply-form select[name=status]") == "pending"
    screenshot(page, "desk-macro-applied-desktop-en")
    page.focus("#reply-form textarea")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".message.from-us >> text=is refunded")
    state = _state(live_app, ref)
    assert state["status"] == "pending" and state["tags"] == ["refunded"]


def test_an_agent_merges_two_tickets_and_splits_a_message(new_page, seed, live_app):
    def data() -> tuple[int, int]:
        _agent("merge.agent@example.com", "Merge Agent", locale="ko")
        first = _ticket(
            "email", "merge.me@example.com", "한지민", "인터넷 요금 문의", "요금이 이상해요"
        ).ticket
        second = _ticket(
            "chat", "merge.me@example.com", "한지민", "같은 요금 문의", "채팅으로도 물어봐요"
        ).ticket
        return first.ref, second.ref

    first, second = seed(data)
    page = new_page(locale="ko")
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, "merge.agent@example.com")
    page.goto(f"/desk/tickets/{second}")
    page.click("button[aria-label='추가 작업'], button[aria-label='More actions']")
    page.click(f"a[href='/desk/tickets/{second}/merge']")
    page.check(f"input[name=target][value='{first}']")
    screenshot(page, "desk-merge-desktop-ko")
    page.click("form button[type=submit].btn-primary")
    page.wait_for_url(f"**/desk/tickets/{first}")
    page.wait_for_selector(f".conversation-event >> text=#{second}")
    assert _state(live_app, second)["merged_into"] is not None
    assert _state(live_app, first)["messages"] == 2
    # The chat message did not belong here after all: split it off into a ticket of its own.
    message = page.locator(".message", has_text="채팅으로도 물어봐요")
    message.locator(".message-actions > button").click()
    message.locator(".message-actions button[type=submit]").click()
    page.wait_for_url(re.compile(r"/desk/tickets/\d+$"))
    new_ref = int(page.url.rsplit("/", 1)[1])
    assert new_ref not in (first, second)
    page.wait_for_selector(".message >> text=채팅으로도 물어봐요")
    page.wait_for_selector(f".conversation-event >> text=#{first}")
    assert _state(live_app, first)["messages"] == 1
    assert _state(live_app, new_ref)["customer_id"] == _state(live_app, first)["customer_id"]


def test_two_agents_see_each_other_and_the_second_reply_is_held(new_page, seed, live_app):
    def data() -> int:
        _agent("first.agent@example.com", "First Agent")
        _agent("second.agent@example.com", "Second Agent")
        return _ticket("email", "both@example.com", "Sam Lee", "Router broken", "It blinks red").ticket.ref

    ref = seed(data)
    one, two = new_page(), new_page()
    sign_in(one, "first.agent@example.com")
    sign_in(two, "second.agent@example.com")
    one.goto(f"/desk/tickets/{ref}")
    two.goto(f"/desk/tickets/{ref}")
    two.wait_for_selector("#collision >> text=First Agent")
    one.wait_for_selector("#collision >> text=Second Agent")
    two.fill("#reply-form textarea", "Please restart the router.")
    two.dispatch_event("#reply-form textarea", "input")
    one.wait_for_selector("#collision >> text=Second Agent — replying", timeout=15_000)
    one.fill("#reply-form textarea", "We are sending a technician.")
    one.click("#reply-form button[type=submit]")
    one.wait_for_selector(".message.from-us >> text=sending a technician")
    two.wait_for_selector("#stale:not(.d-none)", timeout=15_000)
    two.click("#reply-form button[type=submit]")
    two.wait_for_selector("text=Your reply was not sent")
    assert two.input_value("#reply-form textarea") == "Please restart the router."
    two.wait_for_selector(".message.is-new >> text=sending a technician")
    screenshot(two, "desk-held-reply-desktop-en")
    two.click("#reply-form button:has-text('Send anyway')")
    two.wait_for_selector(".message.from-us >> text=restart the router")
    assert _state(live_app, ref)["messages"] == 3


def _pictures_data() -> dict[str, Any]:
    from portal.accounts.models import User
    from portal.customers import service as customers
    from portal.extensions import db
    from portal.tickets import service as tickets

    ko = _agent("pics.ko@example.com", "김하나", locale="ko")
    _agent("pics.en@example.com", "Hannah Kim", locale="en")
    first = _ticket(
        "email",
        "pics.yuna@example.com",
        "최유나",
        "지난달 요금이 두 번 청구되었어요",
        "10월 요금이 두 번 결제되었습니다.",
    )
    tickets.update_ticket(first.ticket, ko, assignee=ko, priority="high", tags=["환불", "요금"])
    tickets.add_reply(
        first.ticket, ko, "최유나 고객님, 확인해 보니 중복 결제가 맞습니다. 3영업일 안에 환불됩니다."
    )
    chat = _ticket(
        "chat", "pics.yuna@example.com", "최유나", "인터넷이 자꾸 끊겨요", "저녁마다 와이파이가 끊깁니다."
    )
    tickets.add_reply(chat.ticket, ko, "공유기 재부팅 후에도 같으면 알려 주세요.", internal=True)
    _ticket(
        "web",
        "pics.james@example.com",
        "James Wilson",
        "Roaming not working in Tokyo",
        "No service since I landed.",
        priority="urgent",
    )
    twin = customers.create_customer(name="최 유나", email="pics.yuna2@example.com")
    customers.add_identity(first.customer, "phone", "010-2345-0000")
    customers.add_identity(twin, "phone", "010-2345-0000")
    db.session.flush()
    assert db.session.get(User, ko.id)
    return {"ref": first.ticket.ref, "customer": first.customer.id}


def test_pictures_of_the_desk_on_a_phone_and_a_desktop(new_page, seed):
    found = seed(_pictures_data)
    for locale, email in (("ko", "pics.ko@example.com"), ("en", "pics.en@example.com")):
        for phone in (False, True):
            page = new_page(locale=locale, phone=phone)
            sign_in(page, email)
            size = "phone" if phone else "desktop"
            for name, url in (
                ("queue", "/desk/?view=all"),
                ("ticket", f"/desk/tickets/{found['ref']}"),
                ("customer", f"/desk/customers/{found['customer']}"),
            ):
                page.goto(url)
                page.wait_for_load_state("networkidle")
                screenshot(page, f"desk-{name}-{size}-{locale}")
                assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
                    name,
                    size,
                )
            page.goto("/desk/tickets/new")
            screenshot(page, f"desk-new-ticket-{size}-{locale}")

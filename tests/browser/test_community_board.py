"""The community board in a real browser: customers help each other, staff step in with a badge, flags reach
the moderators, and an angry post is in the agents' queue before anyone answers it."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import screenshot, sign_in


def _user(role: str, email: str, name: str, locale: str | None = "ko") -> Any:
    from portal.accounts import service

    return service.create_user(email, name, password="password-123", role=role, locale=locale)


def _topic(slug: str, name: str, name_en: str, icon: str = "phone") -> Any:
    from portal.community import configure

    return configure.save_topic(None, slug=slug, name=name, name_en=name_en, icon=icon, position=10)


def test_customers_ask_answer_vote_and_accept_on_the_board(new_page, seed):
    seed(
        lambda: (
            _topic("b-mobile", "모바일·로밍", "Mobile & roaming"),
            _user("customer", "asker.board@example.com", "한지민"),
            _user("customer", "helper.board@example.com", "윤서준"),
        )
    )
    asker = new_page(locale="ko")
    sign_in(asker, "asker.board@example.com")
    asker.goto("/community/")
    asker.click("text=커뮤니티에 질문하기")
    asker.fill("input[name=title]", "태국 여행 로밍 요금제 추천해 주세요")
    asker.select_option("select[name=topic_id]", label="모바일·로밍")
    asker.fill("input[name=tags]", "로밍 태국")
    asker.fill("textarea[name=body]", "방콕에 **4일** 가요.\n\n- 지도\n- 메신저")
    asker.click("button[data-preview]")
    asker.wait_for_selector(".markdown-preview strong:text('4일')")
    screenshot(asker, "community-new-post-desktop-ko")
    asker.click("form[data-markdown-form] button[type=submit]")
    asker.wait_for_selector("h1:text('태국 여행 로밍 요금제 추천해 주세요')")
    thread_url = asker.url

    helper = new_page(locale="ko", phone=True)
    sign_in(helper, "helper.board@example.com")
    helper.goto(thread_url)
    helper.fill("textarea[name=body]", "저는 **4일권**을 썼는데 하루 요금제보다 쌌어요.")
    helper.click("#reply button[type=submit]")
    helper.wait_for_selector(".reply .rendered strong:text('4일권')")
    helper.click("#post .btn-vote.up")  # a vote without reloading the page
    helper.wait_for_selector("#post .vote .score:text('1')")
    assert helper.get_attribute("#post .btn-vote.up", "aria-pressed") == "true"
    screenshot(helper, "community-thread-phone-ko")

    asker.reload()
    asker.wait_for_selector(".reply:has-text('4일권')")
    asker.click(".reply .accept-btn")
    asker.wait_for_selector(".reply.is-accepted")
    asker.wait_for_selector(".accepted-box")
    assert asker.locator("h1 + div .badge:text('해결')").count() == 1
    screenshot(asker, "community-thread-desktop-ko")

    board = new_page(locale="ko")
    board.goto("/community/")
    board.wait_for_selector(".post-row:has-text('태국 여행') .badge:text('해결')")
    screenshot(board, "community-board-desktop-ko")
    phone = new_page(locale="ko", phone=True)
    phone.goto("/community/topics/b-mobile")
    phone.wait_for_selector(".post-row:has-text('태국 여행')")
    screenshot(phone, "community-board-phone-ko")


def test_staff_answer_with_a_badge_and_flags_reach_the_moderation_queue(new_page, seed):
    def data() -> int:
        from portal.community import service

        asker = _user("customer", "flag.asker@example.com", "Grace Lee", locale="en")
        _user("customer", "flag.reader@example.com", "Tom Park", locale="en")
        spammer = _user("customer", "flag.spammer@example.com", "Deal Bot", locale="en")
        _user("agent", "flag.agent@example.com", "Emily Stone", locale="en")
        post = service.create_post(asker, title="Wi-Fi drops every evening", body="It drops around 9 pm.")
        service.add_reply(spammer, post, "Cheap phones at https://cheap.example/phones")
        return post.id

    post_id = seed(data)
    reader = new_page(locale="en")
    sign_in(reader, "flag.reader@example.com")
    reader.goto(f"/community/posts/{post_id}")
    spam_reply = reader.locator(".reply", has_text="Cheap phones")
    spam_reply.locator(".flag-box summary").click()
    spam_reply.locator("input[value=spam]").check()
    spam_reply.locator("input[name=note]").fill("an ad")
    spam_reply.locator(".flag-form button[type=submit]").click()
    reader.wait_for_selector("text=A moderator will take a look")
    reader.wait_for_selector(".reply:has-text('Cheap phones') :text('You flagged this')")

    agent = new_page(locale="en")
    sign_in(agent, "flag.agent@example.com")
    agent.goto("/desk/community/")
    item = agent.locator(".mod-item", has_text="Cheap phones")
    item.wait_for()
    assert "an ad" in item.inner_text() and "Flagged" in item.inner_text()
    screenshot(agent, "community-moderation-desktop-en")
    phone = new_page(locale="en", phone=True)
    sign_in(phone, "flag.agent@example.com")
    phone.goto("/desk/community/")
    screenshot(phone, "community-moderation-phone-en")
    item.locator("button:text('Spam')").click()
    agent.wait_for_selector("text=Hidden from the board.")
    assert agent.locator(".mod-item", has_text="Cheap phones").count() == 0

    agent.goto(f"/community/posts/{post_id}")
    agent.fill(
        "textarea[name=body]",
        "Hi Grace, please restart the router once; if it still drops, we will check the line.",
    )
    agent.click("#reply button[type=submit]")
    agent.wait_for_selector(".reply.is-staff .staff-badge")
    screenshot(agent, "community-staff-answer-desktop-en")
    reader.goto(f"/community/posts/{post_id}")
    assert reader.locator(".reply", has_text="Cheap phones").count() == 0
    assert reader.locator(".reply.is-staff .staff-badge").count() == 1


def test_an_angry_post_is_in_the_agents_queue_early(new_page, seed):
    seed(
        lambda: (
            _topic("b-billing", "요금·결제", "Billing", icon="credit-card"),
            _user("customer", "angry.board@example.com", "강민호"),
            _user("agent", "angry.agent@example.com", "김상담"),
        )
    )
    customer = new_page(locale="ko", phone=True)
    sign_in(customer, "angry.board@example.com")
    customer.goto("/community/new")
    customer.fill("input[name=title]", "해지했는데 환불을 안 해주네요")
    customer.select_option("select[name=topic_id]", label="요금·결제")
    customer.fill("textarea[name=body]", "두 달째 요금이 빠져나가요. 이거 사기 아닌가요? 진짜 최악입니다.")
    customer.click("form[data-markdown-form] button[type=submit]")
    customer.wait_for_selector("h1:text('해지했는데 환불을 안 해주네요')")

    agent = new_page(locale="ko")
    sign_in(agent, "angry.agent@example.com")
    agent.goto("/desk/?view=open&sort=priority")
    row = agent.locator("tr", has_text="해지했는데 환불을 안 해주네요")
    row.wait_for()
    assert "불만 글" in row.inner_text() and "높음" in row.inner_text()
    screenshot(agent, "community-sour-post-in-queue-desktop-ko")
    row.locator("a", has_text="해지했는데").click()
    agent.wait_for_selector(".community-ticket-card")
    assert "사기" in agent.inner_text(".community-ticket-card")
    screenshot(agent, "community-sour-post-ticket-desktop-ko")
    agent.click(".community-ticket-card a.btn")
    agent.wait_for_url(re.compile(r"/community/posts/\d+#reply$"))
    agent.fill(
        "textarea[name=body]", "불편을 드려 죄송합니다. 해지 후 청구된 요금은 바로 환불해 드리겠습니다."
    )
    agent.click("#reply button[type=submit]")
    agent.wait_for_selector(".reply.is-staff:has-text('바로 환불해 드리겠습니다')")

    customer.reload()
    customer.wait_for_selector(".ticket-link")  # the customer sees that support is on it
    customer.wait_for_selector(".reply.is-staff .staff-badge:text('직원')")
    screenshot(customer, "community-sour-post-answered-phone-ko")

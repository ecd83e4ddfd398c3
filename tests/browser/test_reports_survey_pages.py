"""The survey a customer gets by mail, answered on a phone: one click, a comment, the effort question."""

from __future__ import annotations

import re
import uuid
from typing import Any

from tests.browser.conftest import screenshot


def _solved_ticket(tag: str) -> str:
    from portal.accounts import service as accounts
    from portal.customers.service import Hints
    from portal.feedback import service as feedback
    from portal.tickets import service as tickets
    from portal.tickets.inbound import Inbound
    from portal.tickets.intake import receive

    settings = feedback.stored_settings()
    settings.ces_enabled = True
    agent = accounts.create_user(f"helper.{tag}@example.com", "김민준", password="password-123", role="agent")
    ticket = receive(
        Inbound(
            channel="email",
            sender=Hints(email=f"mina.{tag}@example.com", name="정미나"),
            subject="인터넷이 자꾸 끊겨요",
            text="저녁마다 끊깁니다",
            notify=False,
        )
    ).ticket
    tickets.add_reply(ticket, agent, "공유기를 교체해 드렸습니다.")
    tickets.update_ticket(ticket, agent, status="solved")
    return f"mina.{tag}@example.com"


def _restore(live_app: Any) -> None:
    from portal.extensions import db
    from portal.feedback import service as feedback

    with live_app.app_context():
        feedback.stored_settings().ces_enabled = False
        db.session.commit()


def test_a_customer_answers_the_mailed_survey_on_a_phone(new_page, seed, smtp_sink, live_app):
    tag = uuid.uuid4().hex[:6]
    smtp_sink.clear()
    try:
        address = seed(lambda: _solved_ticket(tag))
    finally:
        _restore(live_app)
    mails = [m for m in smtp_sink.wait_for(2) if m["To"].addresses[0].addr_spec == address]
    survey = next(m for m in mails if "/survey/" in m.get_body(("plain",)).get_content())
    assert "상담은 어떠셨나요?" in survey["Subject"]
    text = survey.get_body(("plain",)).get_content()
    link = re.search(r"^4 \(만족\): (\S+)$", text.replace("\r\n", "\n"), re.M).group(1)

    page = new_page(locale="ko", phone=True)
    page.goto(link)
    page.wait_for_selector("text=감사합니다! 답변이 저장되었습니다.")
    assert page.get_attribute("button[name=score][value='4']", "aria-pressed") == "true"
    page.wait_for_selector("text=문제를 해결하기가 얼마나 쉬우셨나요?")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "survey-answered-phone-ko")
    page.fill("textarea[name=comment]", "빠르게 교체해 주셔서 좋았어요.")
    page.click("text=의견 보내기")
    page.wait_for_selector("text=의견 고치기")
    page.click(".survey-scale.scale-ces button[value='6']")
    page.wait_for_selector(".survey-scale.scale-ces button[value='6'][aria-pressed='true']")
    screenshot(page, "survey-done-phone-ko")

    page.goto(link.replace("score=4", "score=9"))
    page.wait_for_selector("text=1부터 5 사이의 점수를 골라 주세요.")
    screenshot(page, "survey-bad-score-phone-ko")
    page.goto(link.split("/survey/")[0] + "/survey/not-a-token")
    page.wait_for_selector("text=이 설문 링크는 사용할 수 없습니다")

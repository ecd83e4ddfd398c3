"""In a real browser: an admin sets business hours, an SLA policy and a routing rule in the UI; a customer's new
request is routed by the rule and timed by the policy; the agent sees the time left and sorts by it."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from tests.browser.conftest import screenshot, sign_in

WORD = "브라우저환불"


def _people() -> dict[str, Any]:
    from portal.accounts import service

    service.create_user(
        "admin.auto@example.com", "이서연", password="password-123", role="admin", locale="ko"
    )
    agent = service.create_user(
        "agent.auto@example.com", "김민준", password="password-123", role="agent", locale="ko"
    )
    group = service.save_group(None, name="결제팀 (자동화 테스트)", description="", member_ids=[agent.id])
    return {"group": group.name}


def _cleanup() -> None:
    """The live database is shared by every browser test: take our set-up away again."""
    from portal.extensions import db
    from portal.rules import service as rules
    from portal.rules.models import Rule
    from portal.sla import service as sla
    from portal.sla.models import Calendar, SlaPolicy

    for rule in db.session.scalars(sa.select(Rule).where(Rule.name.like("%(browser)%"))):
        rules.delete_rule(rule)
    for policy in db.session.scalars(sa.select(SlaPolicy).where(SlaPolicy.name.like("%(browser)%"))):
        sla.delete_policy(policy)
    for calendar in db.session.scalars(sa.select(Calendar).where(Calendar.name.like("%(browser)%"))):
        db.session.delete(calendar)


def test_an_admin_sets_an_sla_and_a_routing_rule_and_a_new_request_is_routed_and_timed(new_page, seed):
    names = seed(_people)
    try:
        _admin_sets_everything_up(new_page, names["group"])
        ref = _customer_files_a_request(new_page)
        _agent_sees_it_routed_and_timed(new_page, ref, names["group"])
    finally:
        seed(_cleanup)


def _admin_sets_everything_up(new_page: Any, group: str) -> None:
    page = new_page(locale="ko")
    sign_in(page, "admin.auto@example.com")
    page.goto("/admin/business-hours/new")
    page.fill("input[name=name]", "본사 업무시간 (browser)")
    page.fill("input[name=hours_0]", "09:00-12:00, 13:00-18:00")
    page.check(f"label:has-text('{group}') >> xpath=preceding-sibling::input")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("text=캘린더를 저장했습니다")
    page.wait_for_selector(".public-holidays >> text=기독탄신일")
    screenshot(page, "automation-calendar-desktop-ko")

    page.goto("/admin/sla/policies/new")
    page.fill("input[name=name]", "결제팀 SLA (browser)")
    page.select_option("select[name=group_id]", label=group)
    page.fill("input[name=first_urgent]", "30m")
    page.fill("input[name=resolution_urgent]", "4h")
    page.fill("input[name=first_high]", "1h")
    page.fill("input[name=resolution_high]", "8h")
    page.fill("input[name=first_normal]", "두 시간")  # typed wrong on purpose: answered on the field
    page.click("form.sla-policy-form button[type=submit]")
    page.wait_for_selector(".sla-targets .invalid-feedback >> text=4h, 30m, 1h 30m처럼 입력하세요.")
    page.fill("input[name=first_normal]", "2h")
    page.fill("input[name=resolution_normal]", "16h")
    screenshot(page, "automation-sla-policy-desktop-ko")
    page.click("form.sla-policy-form button[type=submit]")
    page.wait_for_selector("text=SLA 정책을 저장했습니다")
    page.wait_for_selector("text=결제팀 SLA (browser)")
    screenshot(page, "automation-sla-policies-desktop-ko")

    page.goto("/admin/rules/new")
    page.fill("input[name=name]", "환불 문의는 결제팀으로 (browser)")
    page.select_option("select[name=conditions-0-field]", "text")
    page.wait_for_selector("select[name=conditions-0-op] >> option[value=contains_any]", state="attached")
    page.fill("[name=conditions-0-value]", f"{WORD}, refund")
    page.select_option("select[name=actions-0-type]", "set_group")
    page.select_option("select[name=actions-0-value]", label=group)
    page.click("button[data-add=actions]")
    page.select_option("select[name=actions-1-type]", "set_priority")
    page.select_option("select[name=actions-1-value]", "high")
    page.click("button[data-add=actions]")
    page.select_option("select[name=actions-2-type]", "send_email")
    page.wait_for_selector("[name=actions-2-subject]", state="visible")
    page.click("[data-row=actions]:nth-child(3) [data-remove]")
    page.click("button[data-add=conditions]")
    page.select_option("select[name=conditions-1-field]", "channel")
    page.select_option("select[name=conditions-1-value]", "web")
    screenshot(page, "automation-rule-builder-desktop-ko")
    page.click("#rule-form button[type=submit]")
    page.wait_for_selector("text=규칙을 저장했습니다")
    page.wait_for_selector(f".rule-chip >> text={WORD}")
    screenshot(page, "automation-rules-desktop-ko")

    phone = new_page(locale="ko", phone=True)
    sign_in(phone, "admin.auto@example.com")
    phone.goto("/admin/rules/new?kind=automation")
    phone.select_option("select[name=conditions-0-field]", "hours_since_status")
    phone.fill("[name=conditions-0-value]", "72")
    phone.select_option("select[name=actions-0-type]", "send_email")
    screenshot(phone, "automation-rule-builder-phone-ko")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.goto("/admin/sla/policies/new")
    screenshot(phone, "automation-sla-policy-phone-ko")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _customer_files_a_request(new_page: Any) -> int:
    page = new_page(locale="ko")
    page.goto("/requests/new")
    page.fill("input[name=name]", "최유나")
    page.fill("input[name=email]", "yuna.auto@example.com")
    page.fill("input[name=subject]", f"{WORD} 요청드립니다")
    page.fill("textarea[name=text]", "지난달 요금이 두 번 나갔어요. 확인 부탁드립니다.")
    page.click("button[type=submit]")
    page.wait_for_selector("text=접수되었습니다")
    text = page.inner_text("main")
    return int(re.search(r"#(\d+)", text).group(1))


def _agent_sees_it_routed_and_timed(new_page: Any, ref: int, group: str) -> None:
    page = new_page(locale="ko")
    sign_in(page, "agent.auto@example.com")
    page.goto("/desk/?view=all&sort=due")
    row = page.locator("tr", has_text=f"#{ref}")
    row.wait_for()
    assert group in row.inner_text()
    badge = row.locator(".sla-badge")
    assert re.search(r"남음|초과", badge.inner_text()), badge.inner_text()
    screenshot(page, "automation-queue-time-left-desktop-ko")
    page.click(f"text={WORD} 요청드립니다")
    page.wait_for_selector("#sla >> text=결제팀 SLA (browser)")
    assert "높음" in page.inner_text(".ticket-page")
    page.wait_for_selector(".ticket-rules >> text=환불 문의는 결제팀으로 (browser)")
    screenshot(page, "automation-ticket-sla-desktop-ko")
    phone = new_page(locale="ko", phone=True)
    sign_in(phone, "agent.auto@example.com")
    phone.goto("/desk/?view=all&sort=due")
    phone.locator("tr", has_text=f"#{ref}").locator(".sla-badge").wait_for()
    screenshot(phone, "automation-queue-time-left-phone-ko")

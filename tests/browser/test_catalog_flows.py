"""The service catalog in a real browser: an admin builds "카드 분실 신고" in the builder without any JSON, a
customer files it in Korean on a phone and sees it fulfilled by the webhook to the demo card system; when the
card system is down, the card group gets the ticket with everything it needs."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tests.browser.conftest import screenshot, sign_in


def _people() -> dict[str, Any]:
    from portal.accounts import service

    admin = service.create_user(
        "admin.catalog@example.com", "이서연", password="password-123", role="admin", locale="ko"
    )
    agent = service.create_user(
        "card.catalog@example.com", "박지훈", password="password-123", role="agent", locale="ko"
    )
    service.create_user(
        "yuna.catalog@example.com", "최유나", password="password-123", role="customer", locale="ko"
    )
    group = service.save_group(None, name="카드 Card services (browser)", member_ids=[agent.id])
    return {"admin": admin.id, "group": group.name}


def _add_field(page: Any, kind: str, ko: str, en: str, *, required: bool = True) -> Any:
    page.click("[data-add-field-menu]")
    page.click(f"[data-add-field='{kind}']")
    row = page.locator("[data-fields] > [data-builder-field]").last
    row.locator("[data-field-label]").fill(ko)
    row.locator("[data-field-label-en]").fill(en)
    if required:
        row.locator("input[name$='-required']").check()
    return row


def _build_lost_card_item(page: Any, group: str, secret: str) -> None:
    page.goto("/admin/catalog/")
    page.click("text=새 항목")
    page.wait_for_selector("[data-builder].builder-js")  # the builder's script is ready
    page.fill("#name_ko", "카드 분실 신고")
    page.fill("#name_en", "Report a lost card")
    page.fill("#description_ko", "카드를 잃어버렸다면 바로 정지하고 새 카드를 보내 드립니다.")
    page.fill("#category_ko", "카드")
    page.fill("#category_en", "Cards")
    assert page.input_value("#slug") == "report-a-lost-card"
    page.click("label[for='icon-credit-card']")
    page.check("#audience-customers")
    first = _add_field(page, "text", "카드 번호 끝 4자리", "Last 4 digits")
    first.locator("input[name$='-pattern']").fill("[0-9]{4}")
    _add_field(page, "long_text", "더 알려 주실 내용", "Anything else", required=False)
    _add_field(page, "yes_no", "해외에서 잃어버렸나요?", "Lost abroad")
    country = _add_field(page, "text", "어느 나라에서요?", "Which country")
    country.locator("[data-condition-field]").select_option(label="해외에서 잃어버렸나요?")
    country.locator("[data-condition-equals]").select_option(label="예")
    # The long text belongs at the end: move it down twice.
    details = page.locator("[data-builder-field]", has_text="더 알려 주실 내용")
    details.locator("[data-move='down']").click()
    details.locator("[data-move='down']").click()
    titles = page.locator("[data-fields] [data-field-title]").all_inner_texts()
    assert titles == ["카드 번호 끝 4자리", "해외에서 잃어버렸나요?", "어느 나라에서요?", "더 알려 주실 내용"]
    extra = _add_field(page, "number", "지울 질문", "To remove", required=False)
    page.once("dialog", lambda dialog: dialog.accept())
    extra.locator("[data-remove-field]").click()
    page.click("label[for='fulfilment-auto']")
    page.select_option("#action", "webhook")
    page.fill("#config-webhook-url", "/demo/card-system/lost-card")
    page.fill("#config-webhook-secret", secret)
    page.fill("#config-webhook-max_attempts", "2")
    page.fill("#config-webhook-result_fields", "report_no")
    page.select_option("#group_id", label=group)
    page.fill("#done_message_ko", "카드를 정지했습니다. 신고 번호는 {report_no}입니다.")
    page.fill("#done_message_en", "Your card is blocked. Report number {report_no}.")
    screenshot(page, "catalog-builder-desktop-ko")
    page.click(".builder-save button[type=submit]")
    page.wait_for_selector("text=저장했습니다")


def test_an_admin_builds_the_lost_card_item_and_a_customer_gets_it_fulfilled(new_page, seed, live_app):
    from portal.catalog.demo_card import shared_secret

    people = seed(_people)
    with live_app.app_context():
        secret = shared_secret()
    admin = new_page(locale="ko")
    sign_in(admin, "admin.catalog@example.com")
    _build_lost_card_item(admin, people["group"], secret)
    admin.goto("/admin/catalog/")
    screenshot(admin, "catalog-admin-items-desktop-ko")

    phone = new_page(locale="ko", phone=True)
    sign_in(phone, "yuna.catalog@example.com")
    phone.goto("/catalog/")
    phone.wait_for_selector("text=카드 분실 신고")
    screenshot(phone, "catalog-index-phone-ko")
    phone.click("text=카드 분실 신고")
    country = phone.locator(".catalog-field[data-field='which_country']")
    country.wait_for(state="hidden")  # shown only when lost abroad
    phone.fill("input[name=f_last_4_digits]", "12")
    phone.check("input[name=f_lost_abroad][value=yes]")
    country.wait_for(state="visible")
    phone.click("[data-catalog-form] button[type=submit]")
    phone.wait_for_selector("text=입력 형식이 맞지 않습니다.")
    phone.wait_for_selector("text=이 질문에 답해 주세요.")
    screenshot(phone, "catalog-item-errors-phone-ko")
    phone.fill("input[name=f_last_4_digits]", "1234")
    phone.fill("input[name=f_which_country]", "일본")
    phone.fill("textarea[name=f_anything_else]", "도쿄 지하철에서 잃어버린 것 같아요.")
    phone.click("[data-catalog-form] button[type=submit]")
    phone.wait_for_selector("text=카드를 정지했습니다. 신고 번호는 LC-")
    phone.wait_for_selector(".catalog-state[data-state=fulfilled]")
    screenshot(phone, "catalog-request-fulfilled-phone-ko")
    phone.click("text=이 요청에 대해 문의하기")
    phone.wait_for_selector(".message >> text=카드를 정지했습니다")
    phone.goto("/requests")
    phone.wait_for_selector("text=카드 분실 신고")


def test_when_the_card_system_is_down_the_card_group_gets_everything(new_page, seed, live_app, monkeypatch):
    from portal.catalog import service
    from portal.catalog.models import CatalogItem

    def data() -> None:
        from portal.accounts import service as accounts

        agent = accounts.create_user(
            "card2.catalog@example.com", "박지훈", password="password-123", role="agent", locale="ko"
        )
        accounts.create_user(
            "minho.catalog@example.com", "이민호", password="password-123", role="customer", locale="ko"
        )
        group = accounts.save_group(None, name="카드 (장애 테스트)", member_ids=[agent.id])
        service.save_item(None, {
            "slug": "lost-card-down", "names": {"ko": "카드 분실 신고 (점검 중)", "en": "Report a lost card (down)"},
            "audience": "customers", "icon": "credit-card", "categories": {"ko": "카드", "en": "Cards"},
            "fields": [{"name": "card_last4", "type": "text", "label": {"ko": "카드 번호 끝 4자리", "en": "Last 4"},
                        "required": True, "pattern": "[0-9]{4}"}],
            "fulfilment": {"kind": "auto", "action": "webhook", "group": group.name, "config": {
                "url": "/demo/card-system/unavailable", "secret": "x" * 20, "max_attempts": 2, "timeout_seconds": 2}},
        })  # fmt: skip

    seed(data)
    monkeypatch.setitem(
        live_app.config, "CATALOG_RETRY_BASE_SECONDS", 0
    )  # jobs run in-process: retry at once
    customer = new_page(locale="ko")
    sign_in(customer, "minho.catalog@example.com")
    customer.goto("/catalog/lost-card-down")
    screenshot(customer, "catalog-item-desktop-ko")
    customer.fill("input[name=f_card_last4]", "4321")
    customer.click("[data-catalog-form] button[type=submit]")
    customer.wait_for_selector("text=담당자가 이어서 처리합니다")
    screenshot(customer, "catalog-request-failed-desktop-ko")

    agent = new_page(locale="ko")
    sign_in(agent, "card2.catalog@example.com")
    agent.goto("/desk/?view=groups")
    agent.click("text=카드 분실 신고 (점검 중)")
    agent.wait_for_selector(".alert-danger >> text=HTTP 503")
    agent.wait_for_selector(".message.internal >> text=4321")
    agent.wait_for_selector(".catalog-sidebar >> text=동작 다시 실행")
    screenshot(agent, "catalog-desk-ticket-failed-desktop-ko")
    agent.goto("/desk/catalog/requests?view=failed")
    agent.wait_for_selector("text=HTTP 503")
    screenshot(agent, "catalog-desk-requests-desktop-ko")
    agent.click("text=카드 분실 신고 (점검 중)")
    agent.wait_for_selector("text=동작이 2번 시도 끝에 실패했습니다.")
    screenshot(agent, "catalog-desk-request-desktop-ko")
    with live_app.app_context():
        from portal.extensions import db

        assert db.session.scalar(sa.select(CatalogItem.id).where(CatalogItem.slug == "lost-card-down"))


def test_the_catalog_in_english_on_a_phone_and_the_builder_on_a_phone(new_page, seed):
    def data() -> None:
        from portal.accounts import service as accounts
        from portal.catalog import demo, service

        accounts.create_user(
            "admin2.catalog@example.com", "Admin", password="password-123", role="admin", locale="en"
        )
        service.save_item(None, demo.password_reset())
        service.save_item(None, demo.change_address())

    seed(data)
    desktop = new_page(locale="ko")
    desktop.goto("/catalog/")
    desktop.wait_for_selector("text=비밀번호 재설정")
    screenshot(desktop, "catalog-index-desktop-ko")
    visitor = new_page(locale="en", phone=True)
    visitor.goto("/catalog/")
    visitor.wait_for_selector("text=Reset my password")
    screenshot(visitor, "catalog-index-phone-en")
    visitor.click("text=Reset my password")
    screenshot(visitor, "catalog-item-guest-phone-en")
    admin = new_page(locale="en", phone=True)
    sign_in(admin, "admin2.catalog@example.com")
    admin.goto("/admin/catalog/")
    admin.click("text=Reset my password")
    admin.wait_for_selector("[data-builder].builder-js")
    screenshot(admin, "catalog-builder-phone-en")

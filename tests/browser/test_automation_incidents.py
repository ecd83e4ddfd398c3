"""In a real browser: an admin declares an incident; the banner shows in the portal (phone and desktop), the
affected customer gets the notice by mail, her new request is linked, and resolving it answers and solves it."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import screenshot, sign_in


def _people() -> None:
    from portal.accounts import service
    from portal.customers.service import customer_for_user

    service.create_user(
        "admin.incident@example.com", "이서연", password="password-123", role="admin", locale="ko"
    )
    customer = service.create_user(
        "gold.incident@example.com", "최유나", password="password-123", locale="ko"
    )
    customer_for_user(customer).tier = "vip"


def _to(mail: Any) -> str:
    return mail["To"].addresses[0].addr_spec


def test_an_incident_notice_reaches_the_affected_customer_and_resolves_her_ticket(new_page, seed, smtp_sink):
    seed(_people)
    smtp_sink.clear()
    admin = new_page(locale="ko")
    sign_in(admin, "admin.incident@example.com")
    admin.goto("/desk/incidents")
    admin.click("text=장애 선언")
    admin.click("form.incident-form button[type=submit]")  # empty: each field says what it needs
    admin.wait_for_selector("text=장애 제목을 입력하세요")
    admin.fill("input[name=title_ko]", "강남구 인터넷 장애 (브라우저)")
    admin.fill("input[name=title_en]", "Internet outage in Gangnam (browser)")
    admin.fill(
        "textarea[name=description_ko]", "강남구 일부 지역에서 인터넷이 끊기고 있습니다. 복구 중입니다."
    )
    admin.fill(
        "textarea[name=description_en]", "The internet is down in parts of Gangnam. We are restoring it."
    )
    admin.check("input[name=tiers][value=vip]")
    admin.fill("input[name=keywords]", "브라우저장애")
    screenshot(admin, "automation-incident-declare-desktop-ko")
    admin.click("form.incident-form button[type=submit]")
    admin.wait_for_selector("text=장애를 선언했습니다")
    incident_url = admin.url
    mails = [m for m in smtp_sink.wait_for(1) if _to(m) == "gold.incident@example.com"]
    assert mails and mails[0]["Subject"] == "[공지] 강남구 인터넷 장애 (브라우저)"

    for phone in (True, False):
        customer = new_page(locale="ko", phone=phone)
        sign_in(customer, "gold.incident@example.com")
        customer.goto("/")
        customer.wait_for_selector(".incident-banner >> text=강남구 인터넷 장애 (브라우저)")
        screenshot(customer, f"automation-banner-{'phone' if phone else 'desktop'}-ko")
    customer.goto("/requests/new")
    customer.fill("input[name=subject]", "브라우저장애 때문에 인터넷이 안 돼요")
    customer.fill("textarea[name=text]", "오늘 아침부터 안 됩니다.")
    customer.click("main button[type=submit]")
    customer.wait_for_url(re.compile(r"/requests/\d+$"))
    ref = int(re.search(r"/requests/(\d+)", customer.url).group(1))

    admin.goto(incident_url)
    admin.wait_for_selector(f"text=#{ref}")
    admin.fill("textarea[name=resolution_ko]", "인터넷이 복구되었습니다. 불편을 드려 죄송합니다.")
    admin.fill("textarea[name=resolution_en]", "The internet is back. We are sorry.")
    admin.fill("input[name=credit]", "한 달 요금 10% 할인")
    screenshot(admin, "automation-incident-desktop-ko")
    smtp_sink.clear()
    admin.once("dialog", lambda dialog: dialog.accept())
    admin.click("#resolve button[type=submit]")
    admin.wait_for_selector("text=장애를 종료했습니다")
    screenshot(admin, "automation-incident-resolved-desktop-ko")
    answer = [m for m in smtp_sink.wait_for(1) if _to(m) == "gold.incident@example.com"]
    assert answer, [(_to(m), m["Subject"]) for m in smtp_sink.parsed()]
    customer.goto(f"/requests/{ref}")
    customer.wait_for_selector("text=인터넷이 복구되었습니다")
    assert "incident-banner" not in customer.content()
    screenshot(customer, "automation-incident-answer-desktop-ko")
    phone = new_page(locale="ko", phone=True)
    sign_in(phone, "admin.incident@example.com")
    phone.goto(incident_url)
    screenshot(phone, "automation-incident-phone-ko")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

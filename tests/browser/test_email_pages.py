"""The email channel in a real browser: an admin connects a mailbox (phone and desktop), mail arrives from a real
IMAP server, and agents read it with its formatting, inline images and mail facts."""

from __future__ import annotations

from pathlib import Path

from tests.browser.conftest import screenshot, sign_in
from tests.channels.email.conftest import CORPUS, build, dovecot  # noqa: F401 - the IMAP server fixture
from tests.channels.email.dovecot import PASSWORD


def _admin(email: str) -> None:
    from portal.accounts import service

    service.create_user(email, "이서연", password="password-123", role="admin", locale="ko")


def test_an_admin_connects_a_mailbox_and_its_mail_becomes_tickets(new_page, seed, dovecot):  # noqa: F811
    seed(lambda: _admin("mailadmin.browser@example.com"))
    user = dovecot.account()
    dovecot.append(
        user,
        build(sender="김하늘 <haneul@example.kr>", subject="인터넷이 느려요", text="저녁마다 느려집니다."),
    )
    phone = new_page(locale="ko", phone=True)
    sign_in(phone, "mailadmin.browser@example.com")
    phone.goto("/admin/mailboxes")
    phone.wait_for_selector("text=연결된 메일함이 없습니다")
    screenshot(phone, "email-mailboxes-empty-phone-ko")
    phone.click("text=메일함 연결 >> nth=0")
    phone.fill("input[name=name]", "고객센터 메일")
    phone.fill("input[name=host]", "imap://wrong")
    phone.click("form.card button[type=submit]")
    phone.wait_for_selector("text=서버 이름만 입력하세요")
    screenshot(phone, "email-mailbox-form-errors-phone-ko")
    phone.fill("input[name=address]", "help@hana.example")
    phone.fill("input[name=host]", dovecot.host)
    phone.fill("input[name=port]", str(dovecot.port))
    phone.select_option("select[name=security]", "none")
    phone.fill("input[name=username]", user)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("form.card button[type=submit]")
    phone.wait_for_selector("text=고객센터 메일")
    phone.click("button:has-text('연결 시험')")
    phone.wait_for_load_state("networkidle")
    screenshot(phone, "email-after-test-phone-ko")
    phone.wait_for_selector("text=연결되었습니다")
    phone.click("button:has-text('지금 확인')")
    phone.wait_for_selector("text=마지막으로 확인했습니다")
    screenshot(phone, "email-mailboxes-phone-ko")

    desk = new_page(locale="ko")
    sign_in(desk, "mailadmin.browser@example.com")
    desk.goto("/desk/mail-log")
    desk.wait_for_selector("text=인터넷이 느려요")
    screenshot(desk, "email-mail-log-desktop-ko")
    desk.click("text=인터넷이 느려요 >> xpath=.. >> a:has-text('#')")
    desk.wait_for_selector("text=저녁마다 느려집니다.")
    desk.wait_for_selector(".email-panel")
    screenshot(desk, "email-ticket-desktop-ko")


def test_agents_see_a_formatted_mail_with_its_inline_image(new_page, seed):
    from portal.channels.email.ingest import ingest

    seed(lambda: _admin("mailadmin2.browser@example.com"))
    data = (CORPUS / "17_inline_cid.eml").read_bytes()
    result = seed(lambda: ingest(data, source="pipe"))
    page = new_page(locale="en")
    sign_in(page, "mailadmin2.browser@example.com")
    page.goto(f"/desk/mail/messages/{result.log.message_id}")
    image = page.wait_for_selector("article img")
    assert (
        page.evaluate("(img) => img.naturalWidth", image) == 1
    )  # the 1×1 PNG, served from our attachment URL
    screenshot(page, "email-formatted-desktop-en")
    phone = new_page(locale="en", phone=True)
    sign_in(phone, "mailadmin2.browser@example.com")
    phone.goto("/admin/mailboxes")
    phone.goto("/desk/mail-log")
    phone.wait_for_selector("text=Screenshot inline")
    screenshot(phone, "email-mail-log-phone-en")
    assert Path(CORPUS).is_dir()

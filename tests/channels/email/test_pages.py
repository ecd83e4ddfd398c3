"""The webhook, the admin's mailbox pages, the mail log, the formatted view and the original, and big or odd mail."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from portal.channels.email import crypto
from portal.channels.email.cli import mail
from portal.channels.email.models import Mailbox, MailLog
from portal.tickets.models import Attachment, Message, Ticket, TicketParticipant
from tests.channels.email.conftest import CORPUS, build

SECRET = "s3cret-webhook-value"


@pytest.fixture()
def webhook(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_WEBHOOK_SECRET", SECRET)


def test_the_webhook_takes_raw_mime_with_the_shared_secret(db, client, webhook):
    raw = build(sender="hook@example.kr", subject="웹훅 문의")
    answer = client.post(
        "/api/v1/mail/inbound",
        data=raw,
        headers={"X-Webhook-Secret": SECRET, "Content-Type": "message/rfc822"},
    )
    assert answer.status_code == 201 and answer.get_json()["outcome"] == "created"
    again = client.post("/api/v1/mail/inbound?secret=" + SECRET, data={"email": raw.decode()})
    assert again.status_code == 200 and again.get_json()["outcome"] == "duplicate"
    assert db.session.scalar(sa.select(MailLog.source)) == "webhook"


def test_the_webhook_refuses_a_wrong_secret_and_is_off_without_one(db, client, app, monkeypatch):
    assert client.post("/api/v1/mail/inbound", data=b"x").status_code == 404
    monkeypatch.setitem(app.config, "MAIL_WEBHOOK_SECRET", SECRET)
    wrong = client.post("/api/v1/mail/inbound", data=build(), headers={"X-Webhook-Secret": "nope"})
    assert wrong.status_code == 401 and wrong.get_json()["error"]["code"] == "unauthorized"
    empty = client.post("/api/v1/mail/inbound", data=b"  ", headers={"Authorization": f"Bearer {SECRET}"})
    assert empty.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailLog)) == 0


def test_the_webhook_needs_no_csrf_token_even_where_forms_do(db, client, app, webhook, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    answer = client.post("/api/v1/mail/inbound", data=build(), headers={"X-Webhook-Secret": SECRET})
    assert answer.status_code == 201


def test_mail_ingest_reads_files_and_stdin_and_answers_json_lines(db, app):
    runner = CliRunner()
    files = [str(CORPUS / "01_ks_c_5601_cp949.eml"), str(CORPUS / "31_from_own_address.eml")]
    with app.app_context():
        result = runner.invoke(mail, ["ingest", "--json", *files])
        piped = runner.invoke(
            mail, ["ingest", "--json"], input=build(sender="pipe@example.kr", subject="파이프")
        )
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [(line["outcome"], line["ticket"] is None) for line in lines] == [
        ("created", False),
        ("ignored", True),
    ]
    assert lines[0]["file"] == files[0] and "own address" in lines[1]["reason"]
    assert json.loads(piped.output)["file"] == "-" and json.loads(piped.output)["outcome"] == "created"


def test_an_admin_connects_a_mailbox_and_the_password_is_stored_encrypted(db, client, admin, dovecot):
    client.login(admin.email)
    assert "No mailbox connected yet" in client.get("/admin/mailboxes").get_data(as_text=True)
    bad = client.post(
        "/admin/mailboxes/new", data={"name": "", "host": "imap://x", "port": "99999", "security": "ssl"}
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Give the mailbox a name" in page and "between 1 and 65535" in page
    user = dovecot.account()
    data = {
        "name": "고객센터",
        "address": "help@hana.example",
        "host": dovecot.host,
        "port": dovecot.port,
        "security": "none",
        "username": user,
        "password": "secret",
        "folder": "INBOX",
        "enabled": "y",
    }
    assert client.post("/admin/mailboxes/new", data=data).status_code == 302
    box = db.session.scalar(sa.select(Mailbox))
    assert "secret" not in box.password_encrypted and crypto.decrypt(box.password_encrypted) == "secret"
    tested = client.post(f"/admin/mailboxes/{box.id}/test", follow_redirects=True).get_data(as_text=True)
    assert "Connected: the folder holds 0 messages." in tested
    keep = dict(data, password="", name="고객센터 2")
    assert client.post(f"/admin/mailboxes/{box.id}", data=keep).status_code == 302
    db.session.refresh(box)
    assert box.name == "고객센터 2" and crypto.decrypt(box.password_encrypted) == "secret"
    dovecot.append(user, build(sender="poll@example.kr", subject="지금 확인"))
    client.post(f"/admin/mailboxes/{box.id}/poll")
    assert db.session.scalar(sa.select(MailLog.subject)) == "지금 확인"


def test_mailbox_and_mail_log_pages_are_for_staff_only(db, client, customer_user, agent):
    client.login(customer_user.email)
    assert client.get("/desk/mail-log").status_code == 404
    assert client.get("/admin/mailboxes").status_code == 404
    client.login(agent.email)
    assert client.get("/desk/mail-log").status_code == 200
    assert client.get("/admin/mailboxes").status_code == 404


def test_the_formatted_view_shows_inline_images_in_place_and_the_original_downloads(
    db, client, agent, ingest_raw
):
    result = ingest_raw((CORPUS / "17_inline_cid.eml").read_bytes())
    message = db.session.get(Message, result.log.message_id)
    image = db.session.scalar(sa.select(Attachment).where(Attachment.message_id == message.id))
    client.login(agent.email)
    ticket_page = client.get(f"/desk/tickets/{result.ticket_ref}").get_data(as_text=True)
    assert f"/desk/mail/messages/{message.id}" in ticket_page  # the slot links to the formatted view
    page = client.get(f"/desk/mail/messages/{message.id}").get_data(as_text=True)
    assert f'src="/attachments/{image.id}/shot.png"' in page and "cid:" not in page
    original = client.get(f"/desk/mail/messages/{message.id}/original")
    assert original.status_code == 200 and original.data == (CORPUS / "17_inline_cid.eml").read_bytes()
    log = client.get("/desk/mail-log").get_data(as_text=True)
    assert "Screenshot inline" in log and f"#{result.ticket_ref}" in log


def test_a_30_mb_message_a_message_without_from_and_one_with_5000_recipients_get_clear_outcomes(
    db, ingest_raw
):
    from email.message import EmailMessage

    big = EmailMessage()
    big["From"] = "big@example.kr"
    big["To"] = "support@hana.example"
    big["Subject"] = "대용량 첨부"
    big.set_content("동영상을 보냅니다.")
    big.add_attachment(b"\x00" * (22 * 2**20), maintype="video", subtype="mp4", filename="영상.mp4")
    big.add_attachment(b"\x01" * (6 * 2**20), maintype="application", subtype="pdf", filename="문서.pdf")
    data = big.as_bytes()
    assert len(data) > 30 * 10**6
    result = ingest_raw(data)
    assert result.outcome == "created" and "영상.mp4" in result.reason
    names = db.session.scalars(
        sa.select(Attachment.filename).where(Attachment.message_id == result.log.message_id)
    ).all()
    assert names == ["문서.pdf"]

    nobody = ingest_raw(build(sender="", subject="누가 보냈나요"))
    assert nobody.outcome == "flagged" and nobody.ticket_ref and "no sender" in nobody.reason
    assert db.session.scalar(sa.select(Ticket.flagged).where(Ticket.ref == nobody.ticket_ref))

    crowd = ", ".join(f"person{i}@example.kr" for i in range(5000))
    many = ingest_raw(build(sender="boss@example.kr", subject="전체 공지", headers={"Cc": crowd}))
    assert many.outcome == "created" and "5001 recipients" in many.reason
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.ref == many.ticket_ref))
    count = db.session.scalar(sa.select(sa.func.count()).where(TicketParticipant.ticket_id == ticket.id))
    assert count == 20


def test_a_message_over_the_size_limit_is_kept_and_flagged_with_its_headers(db, app, ingest_raw, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_MESSAGE_BYTES", 1000)
    result = ingest_raw(build(sender="huge@example.kr", subject="너무 큰 메일", text="가" * 2000))
    assert result.outcome == "flagged" and "over the limit" in result.reason
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.ref == result.ticket_ref))
    assert ticket.subject == "너무 큰 메일" and ticket.customer.email == "huge@example.kr"

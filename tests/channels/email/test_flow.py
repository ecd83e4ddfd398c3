"""End to end through a real SMTP server (aiosmtpd): a customer's mail opens a ticket and is acknowledged, an
agent's reply reaches them threaded, and their answer joins the same ticket by its headers."""

from __future__ import annotations

import sqlalchemy as sa

from portal.channels.email.quotes import REPLY_MARKER
from portal.customers import service as customers
from portal.customers.models import Identity
from portal.tickets import service as tickets
from portal.tickets.models import Message, Ticket, TicketEvent


def body(mail, subtype="plain"):
    return mail.get_body((subtype,)).get_content()


def test_a_reply_reaches_the_customer_and_their_answer_threads_back(db, smtp, agent, ingest_raw, raw_mail):
    first = ingest_raw(
        raw_mail(
            sender="최유나 <yuna@example.kr>", subject="요금이 두 번 나갔어요", message_id="<q1@example.kr>"
        )
    )
    assert first.outcome == "created"
    ack = smtp.wait_for(1)[0]
    ref = first.ticket_ref
    assert f"[#{ref}]" in ack["Subject"] and ack["To"].addresses[0].addr_spec == "yuna@example.kr"
    assert ack["Auto-Submitted"] == "auto-replied" and ack["In-Reply-To"] == "<q1@example.kr>"
    assert "접수" in body(ack) and REPLY_MARKER in body(ack) and body(ack, "html")

    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.ref == ref))
    reply = tickets.add_reply(ticket, agent, "확인해 보니 중복 결제입니다. 환불해 드렸습니다.")
    db.session.commit()
    sent = smtp.wait_for(2)[1]
    assert sent["Subject"] == f"Re: [#{ref}] 요금이 두 번 나갔어요"
    assert sent["Message-ID"] == db.session.get(Message, reply.id).external_id
    assert sent["In-Reply-To"] == "<q1@example.kr>" and "<q1@example.kr>" in sent["References"]
    assert "중복 결제입니다" in body(sent) and "중복 결제입니다" in body(sent, "html")
    db.session.expire_all()
    assert db.session.get(Message, reply.id).delivery == "sent"

    answer = raw_mail(
        sender="최유나 <yuna@example.kr>",
        subject="다른 제목으로 답장",  # only the headers can thread this one
        text=f"감사합니다!\n\n{REPLY_MARKER}\n\n> 확인해 보니 중복 결제입니다.",
        headers={"In-Reply-To": sent["Message-ID"], "References": f"<q1@example.kr> {sent['Message-ID']}"},
    )
    result = ingest_raw(answer)
    assert (result.outcome, result.ticket_ref) == ("appended", ref)
    stored = db.session.get(Message, result.log.message_id)
    assert (
        stored.thread_reason == "header"
        and stored.text == "감사합니다!"
        and "중복 결제" in stored.quoted_text
    )
    assert len(smtp.messages) == 2  # an answer on an open ticket is not acknowledged again


def test_an_english_speaking_customer_gets_english_mail(db, smtp, ingest_raw, raw_mail):
    ingest_raw(
        raw_mail(sender="James <james@example.com>", subject="Roaming", text="Does roaming work in Japan?")
    )
    ack = smtp.wait_for(1)[0]
    assert "Thank you for writing to us" in body(ack)


def test_a_subject_token_counts_only_for_the_customer_or_a_participant(db, ingest_raw, raw_mail):
    first = ingest_raw(
        raw_mail(sender="a@example.kr", subject="개인정보 문의", headers={"Cc": "colleague@example.kr"})
    )
    ref = first.ticket_ref
    stranger = ingest_raw(raw_mail(sender="stranger@example.net", subject=f"RE: [#{ref}] 개인정보 문의"))
    assert stranger.outcome == "created" and stranger.ticket_ref != ref
    new = db.session.scalar(sa.select(Ticket).where(Ticket.ref == stranger.ticket_ref))
    created = db.session.scalar(
        sa.select(TicketEvent).where(TicketEvent.ticket_id == new.id, TicketEvent.kind == "created")
    )
    assert created.data["suggested_ticket"] == ref
    colleague = ingest_raw(raw_mail(sender="colleague@example.kr", subject=f"RE: [#{ref}] 개인정보 문의"))
    assert (colleague.outcome, colleague.ticket_ref) == ("appended", ref)
    assert db.session.get(Message, colleague.log.message_id).thread_reason == "subject_token"


def test_the_same_subject_joins_within_14_days_and_opens_a_new_ticket_after(db, ingest_raw, raw_mail):
    first = ingest_raw(raw_mail(sender="s@example.kr", subject="인터넷 속도"))
    again = ingest_raw(raw_mail(sender="s@example.kr", subject="회신: 전달: 인터넷 속도"))
    assert (again.outcome, again.ticket_ref) == ("appended", first.ticket_ref)
    assert db.session.get(Message, again.log.message_id).thread_reason == "subject_match"
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.ref == first.ticket_ref))
    from datetime import timedelta

    ticket.last_message_at = ticket.last_message_at - timedelta(days=15)
    db.session.commit()
    later = ingest_raw(raw_mail(sender="s@example.kr", subject="Re: 인터넷 속도"))
    assert later.outcome == "created" and db.session.get(Message, later.log.message_id).thread_reason == "new"


def test_a_mail_from_any_known_identity_lands_in_that_customers_history(
    db, ingest_raw, raw_mail, customer_user
):
    customer = customers.customer_for_user(customer_user)
    customers.add_identity(customer, "email", "old.address@example.kr")
    db.session.commit()
    result = ingest_raw(raw_mail(sender="old.address@example.kr", subject="계정 문의"))
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.ref == result.ticket_ref))
    assert ticket.customer_id == customer.id


def test_the_same_message_twice_is_stored_once_but_a_reused_id_with_new_content_is_kept(
    db, ingest_raw, raw_mail
):
    mail = raw_mail(sender="d@example.kr", subject="중복", message_id="<same@example.kr>")
    assert ingest_raw(mail).outcome == "created"
    assert ingest_raw(mail).outcome == "duplicate"
    other = raw_mail(sender="d@example.kr", subject="중복", text="다른 내용", message_id="<same@example.kr>")
    assert ingest_raw(other).outcome == "appended"
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(Message.external_id == "<same@example.kr>")) == 2
    )


def _non_survey(smtp, count, timeout=10.0):
    """The mails that are not satisfaction surveys (solving a ticket also asks for one), once `count` arrived."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in smtp.parsed() if not m["X-Hana-Survey"]]
        if len(found) >= count:
            return found
        time.sleep(0.05)
    raise AssertionError(f"expected {count} mails besides surveys")


def test_auto_replies_are_never_acknowledged_and_do_not_reopen_a_solved_ticket(
    db, smtp, agent, ingest_raw, raw_mail
):
    first = ingest_raw(
        raw_mail(sender="busy@corp.example", subject="견적 요청", message_id="<q9@corp.example>")
    )
    smtp.wait_for(1)
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.ref == first.ticket_ref))
    tickets.update_ticket(ticket, agent, status="solved")
    db.session.commit()
    notice = _non_survey(smtp, 2)[1]
    assert "해결" in body(notice) and notice["Auto-Submitted"] == "auto-generated"
    away = raw_mail(
        sender="busy@corp.example",
        subject="자동 회신: 견적 요청",
        text="3월 10일까지 부재중입니다.",
        headers={"Auto-Submitted": "auto-replied", "In-Reply-To": "<q9@corp.example>"},
    )
    result = ingest_raw(away)
    assert (result.outcome, result.ticket_ref) == ("appended", first.ticket_ref)
    db.session.refresh(ticket)
    assert ticket.status == "solved" and "auto-reply" in result.reason
    other = ingest_raw(
        raw_mail(sender="robot@corp.example", subject="Out of Office", headers={"Precedence": "bulk"})
    )
    assert other.outcome == "created"
    sent = [m for m in smtp.parsed() if not m["X-Hana-Survey"]]  # a solved ticket also asks for a survey
    assert len(sent) == 2  # neither auto-reply got an acknowledgement


def test_a_bounce_marks_the_address_and_lands_on_its_ticket_never_a_new_one(
    db, smtp, agent, ingest_raw, raw_mail
):
    first = ingest_raw(raw_mail(sender="gone@example.org", subject="해지 문의"))
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.ref == first.ticket_ref))
    reply = tickets.add_reply(ticket, agent, "해지 절차를 안내드립니다.")
    db.session.commit()
    sent_id = db.session.get(Message, reply.id).external_id
    tickets_before = db.session.scalar(sa.select(sa.func.count()).select_from(Ticket))
    dsn = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\nTo: support@hana.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn1@mx.example.org>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n"
        "Final-Recipient: rfc822; gone@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n"
        f"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {sent_id}\r\nTo: gone@example.org\r\n\r\n--B--\r\n"
    ).encode()
    result = ingest_raw(dsn)
    assert (result.outcome, result.ticket_ref) == ("bounce", first.ticket_ref)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == tickets_before
    identity = db.session.scalar(sa.select(Identity).where(Identity.value == "gone@example.org"))
    assert identity.bouncing_at is not None
    assert db.session.get(Message, reply.id).delivery == "failed"
    note = db.session.scalar(
        sa.select(Message).where(Message.ticket_id == ticket.id, Message.direction == "internal")
    )
    assert "gone@example.org" in note.text and "5.1.1" in note.text
    ingest_raw(raw_mail(sender="gone@example.org", subject="다시 연락드려요"))
    db.session.refresh(identity)
    assert identity.bouncing_at is None  # they wrote again: the address works


def test_mail_from_our_own_address_or_carrying_our_own_message_id_is_ignored(db, agent, ingest_raw, raw_mail):
    assert ingest_raw(raw_mail(sender="Hana <support@hana.example>")).outcome == "ignored"
    first = ingest_raw(raw_mail(sender="c@example.kr"))
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.ref == first.ticket_ref))
    reply = tickets.add_reply(ticket, agent, "답변")
    db.session.commit()
    echoed = raw_mail(sender="c@example.kr", message_id=db.session.get(Message, reply.id).external_id)
    result = ingest_raw(echoed)
    assert result.outcome == "ignored" and "came back" in result.reason


def test_a_flood_from_one_sender_is_held_back_visibly_and_can_be_let_through(
    db, app, client, agent, ingest_raw, raw_mail, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_FLOOD_PER_HOUR", 3)
    outcomes = [
        ingest_raw(raw_mail(sender="flood@example.kr", subject=f"광고 {i}")).outcome for i in range(5)
    ]
    assert outcomes == ["created", "created", "created", "ignored", "ignored"]
    client.login(agent.email)
    page = client.get("/desk/mail-log?outcome=ignored").get_data(as_text=True)
    assert "flood: more than 3 mails in an hour from flood@example.kr" in page
    from portal.channels.email.models import MailLog

    held = db.session.scalar(sa.select(MailLog).where(MailLog.outcome == "ignored").order_by(MailLog.id))
    assert client.post(f"/desk/mail-log/{held.id}/let-through").status_code == 302
    latest = db.session.scalar(sa.select(MailLog).order_by(MailLog.id.desc()))
    assert latest.source == "retry" and latest.outcome == "created"

"""The one door: every channel's message becomes history through intake.receive()."""

from __future__ import annotations

import sqlalchemy as sa

from portal.customers.models import Customer, TimelineEntry
from portal.customers.service import Hints
from portal.tickets.inbound import InboundAttachment
from portal.tickets.intake import receive
from portal.tickets.models import Attachment, Message, Ticket


def test_a_first_message_opens_a_ticket_for_a_new_customer(db, make_inbound):
    result = receive(make_inbound("web", email="Yuna.Choi@Example.com", name="최유나", subject="요금 문의"))
    db.session.commit()
    assert result.outcome == "created"
    assert result.ticket.ref >= 1001
    assert result.ticket.status == "new"
    assert result.customer.email == "yuna.choi@example.com"
    assert result.message.direction == "inbound"
    assert result.message.thread_reason == "new"


def test_the_same_external_message_is_stored_once(db, make_inbound):
    first = receive(make_inbound("email", email="a@example.com", external_id="<m1@x>", text="hello"))
    again = receive(
        make_inbound(
            "email", email="a@example.com", external_id="<m1@x>", text="hello", subject=first.ticket.subject
        )
    )
    db.session.commit()
    assert again.outcome == "duplicate"
    assert again.message.id == first.message.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 1


def test_a_reused_external_id_with_other_content_is_kept(db, make_inbound):
    receive(make_inbound("email", email="a@example.com", external_id="<m1@x>", text="hello"))
    second = receive(
        make_inbound("email", email="a@example.com", external_id="<m1@x>", text="something else")
    )
    db.session.commit()
    assert second.outcome in ("created", "appended")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 2


def test_messages_from_two_identities_of_one_customer_share_one_history(db, make_inbound):
    mail = receive(make_inbound("email", email="yuna@example.com", name="최유나", phone="010-1234-5678"))
    chat = receive(make_inbound("chat", sender=Hints(phone="+82 10 1234 5678", chat="yuna-chat")))
    db.session.commit()
    assert chat.customer.id == mail.customer.id
    kinds = {i.kind for i in db.session.get(Customer, mail.customer.id).identities}
    assert kinds == {"email", "phone", "chat"}
    entries = db.session.scalars(
        sa.select(TimelineEntry).where(TimelineEntry.customer_id == mail.customer.id)
    ).all()
    assert {e.channel for e in entries} == {"email", "chat"}


def test_a_reply_threads_by_the_ids_it_answers(db, make_inbound):
    first = receive(make_inbound("email", email="a@example.com", external_id="<m1@x>"))
    reply = receive(
        make_inbound(
            "email",
            email="a@example.com",
            external_id="<m2@x>",
            reply_to=["<m1@x>"],
            subject="Re: totally different",
        )
    )
    db.session.commit()
    assert reply.ticket.id == first.ticket.id
    assert reply.message.thread_reason == "header"
    assert reply.ticket.message_count == 2


def test_a_subject_token_counts_only_for_the_tickets_customer(db, make_inbound):
    owner = receive(make_inbound("email", email="owner@example.com"))
    token = f"Re: [#{owner.ticket.ref}] hello"
    own = receive(make_inbound("email", email="owner@example.com", subject=token))
    stranger = receive(make_inbound("email", email="stranger@example.com", subject=token))
    db.session.commit()
    assert own.ticket.id == owner.ticket.id and own.reason == "subject_token"
    assert stranger.ticket.id != owner.ticket.id
    assert stranger.outcome == "created"
    assert stranger.message.meta["suggested_ticket"] == owner.ticket.ref


def test_subject_matching_joins_a_recent_ticket_when_the_channel_allows_it(db, make_inbound):
    first = receive(make_inbound("email", email="a@example.com", subject="배송 문의"))
    again = receive(
        make_inbound("email", email="a@example.com", subject="회신: 배송 문의", subject_threading=True)
    )
    other = receive(make_inbound("web", email="a@example.com", subject="배송 문의"))
    db.session.commit()
    assert again.ticket.id == first.ticket.id and again.reason == "subject_match"
    assert other.ticket.id != first.ticket.id


def test_a_customer_reply_reopens_a_solved_ticket(db, make_inbound, agent):
    from portal.tickets import service

    first = receive(make_inbound("web", email="a@example.com"))
    service.update_ticket(first.ticket, agent, status="solved")
    receive(make_inbound("web", email="a@example.com", ticket_ref=first.ticket.ref, text="still broken"))
    db.session.commit()
    assert db.session.get(Ticket, first.ticket.id).status == "open"


def test_attachments_are_stored_by_content_and_oversized_ones_are_noted(db, make_inbound, app, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 10)
    result = receive(
        make_inbound(
            "web",
            attachments=[
                InboundAttachment("영수증.png", "image/png", b"12345"),
                InboundAttachment("big.pdf", "application/pdf", b"x" * 11),
                InboundAttachment("virus.exe", "application/octet-stream", b"MZ"),
            ],
        )
    )
    db.session.commit()
    stored = db.session.scalars(sa.select(Attachment).where(Attachment.message_id == result.message.id)).all()
    assert [a.filename for a in stored] == ["영수증.png"]
    assert {s["filename"] for s in result.message.meta["skipped_attachments"]} == {"big.pdf", "virus.exe"}
    from portal.tickets.attachments import path_for

    assert path_for(stored[0].sha256).read_bytes() == b"12345"


def test_a_message_without_any_identity_is_kept_and_flagged(db, make_inbound):
    result = receive(make_inbound("email", sender=Hints(name="???")))
    db.session.commit()
    assert result.ticket.flagged
    assert result.message.text


def test_a_failed_step_keeps_nothing_half_written(db, make_inbound, monkeypatch):
    from portal.core import signals

    def explode(*_, **__):
        raise RuntimeError("routing broke")

    signals.ticket_routing.connect(explode)
    try:
        try:
            receive(make_inbound("web", email="a@example.com"))
        except RuntimeError:
            db.session.rollback()
    finally:
        signals.ticket_routing.disconnect(explode)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0

"""The chat's transcript as a ticket conversation (channel "chat") in the customer's history.

A chat becomes a ticket when a person is needed (handoff, a message left) or when it ends: its customer messages
go through the one door (intake.receive) and the bot's answers and agents' messages through tickets.service, in
the order they happened. From then on every new message is mirrored as it is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import sqlalchemy as sa
from flask import current_app

from portal.channels.chat.models import Chat, ChatEvent
from portal.customers.service import Hints
from portal.extensions import db
from portal.tickets import service as tickets
from portal.tickets.inbound import Inbound
from portal.tickets.intake import receive
from portal.tickets.models import Message, Ticket
from portal.tickets.threading import REF_TOKEN, follow_merges

# Set while the chat itself writes a reply into the ticket: the chat adapter must not deliver it a second time.
_posting: ContextVar[bool] = ContextVar("chat_posting", default=False)
SUBJECT_CHARS = 80


@contextmanager
def posting() -> Iterator[None]:
    """Within this block, replies added to tickets are already in the chat."""
    token = _posting.set(True)
    try:
        yield
    finally:
        _posting.reset(token)


def is_posting() -> bool:
    """Whether the chat service is writing the reply being delivered."""
    return _posting.get()


def hints(chat: Chat) -> Hints:
    """Who the customer is, as the door resolves people."""
    return Hints(user_id=chat.user_id, email=chat.email, name=chat.name or None, locale=chat.locale)


def subject_for(text: str) -> str:
    """The ticket's subject: the first line of the customer's first words (no ticket tokens)."""
    first = next((line.strip() for line in REF_TOKEN.sub(" ", text or "").splitlines() if line.strip()), "")
    return " ".join(first.split())[:SUBJECT_CHARS] or "Chat"


def _inbound(chat: Chat, event: ChatEvent, ref: int | None) -> Inbound:
    context = {k: v for k, v in (("page", chat.page_url), ("referrer", chat.origin)) if v}
    return Inbound(
        channel="chat",
        sender=hints(chat),
        text=event.text,
        subject=subject_for(event.text) if ref is None else "",
        external_id=f"chat:{chat.id}:{event.seq}",
        ticket_ref=ref,
        received_at=event.created_at,
        group_id=chat.group_id,
        context=context if ref is None else {},
        meta={"chat_id": chat.id, "seq": event.seq},
        notify=False,  # the customer is in the chat; nothing to acknowledge by mail
    )


def ensure_ticket(chat: Chat) -> Ticket:
    """The chat's ticket, opened now from the transcript so far if there is none yet."""
    if chat.ticket_id is not None:
        ticket = follow_merges(db.session.get(Ticket, chat.ticket_id))
        assert ticket is not None
        chat.ticket_id = ticket.id  # an agent merged the chat's ticket into another: continue there
        return ticket
    events = db.session.scalars(
        sa.select(ChatEvent)
        .where(ChatEvent.chat_id == chat.id, ChatEvent.kind.in_(("message", "bot")))
        .order_by(ChatEvent.seq)
    ).all()
    ticket: Ticket | None = None
    for event in events:
        if event.author_kind == "customer":
            ticket = mirror_customer(chat, event, ticket.ref if ticket is not None else None)
        elif ticket is not None:
            mirror_reply(ticket, event)
    assert ticket is not None, "a chat starts with the customer's words"
    chat.ticket_id = ticket.id
    return ticket


def mirror_customer(chat: Chat, event: ChatEvent, ref: int | None) -> Ticket:
    """The customer's message into the ticket `ref`, through the one door (which opens a ticket when ref is None)."""
    result = receive(_inbound(chat, event, ref))
    event.message_id = result.message.id
    return result.ticket


def mirror_reply(
    ticket: Ticket, event: ChatEvent, *, actor: object = None, internal: bool = False
) -> Message:
    """An agent's message, note or the bot's answer into the ticket (written by the chat, delivered already)."""
    with posting():
        message = tickets.add_reply(
            ticket,
            actor,  # type: ignore[arg-type]
            text_for_ticket(event),
            internal=internal,
            channel="chat",
            author_kind="bot" if event.author_kind == "bot" else "agent",
        )
    if event.author_kind == "bot":
        message.author_name = current_app.config["CHAT_BOT_NAME"]
    message.created_at = event.created_at
    message.delivery = None if internal else "sent"
    message.meta = {"chat_id": event.chat_id, "seq": event.seq}
    event.message_id = message.id
    return message


def text_for_ticket(event: ChatEvent) -> str:
    """The event's text, with the bot's suggestions written out so that the transcript shows what it offered."""
    lines = [event.text]
    for item in (event.data or {}).get("suggestions", []):
        lines.append(f"• {item.get('title', '')}" + (f" — {item['url']}" if item.get("url") else ""))
    return "\n".join(line for line in lines if line)


def ticket_ref(chat: Chat) -> int:
    """The ref of the chat's ticket (which exists; the door follows merges from there)."""
    return db.session.scalar(sa.select(Ticket.ref).where(Ticket.id == chat.ticket_id))

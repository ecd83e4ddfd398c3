"""Which ticket an inbound message belongs to, and why (recorded on the message for agents to see)."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import lazyload

from portal.core.db import utcnow
from portal.customers.models import Customer, Identity
from portal.extensions import db
from portal.tickets.inbound import Inbound
from portal.tickets.models import Message, Ticket, TicketParticipant

REF_TOKEN = re.compile(r"\[#(\d{1,12})\]")
# Reply and forward prefixes of English, Korean and common European clients, repeated or bracketed.
_PREFIX = re.compile(
    r"^\s*(?:(?:re|fw|fwd|aw|wg|sv|vs|tr|rv|답장|회신|전달|답변)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*|\[[^\]]*\]\s*)",
    re.IGNORECASE,
)


# Threading reads a ticket to decide where a message goes; its tags load only if someone reads them.
# The statements every message asks are built once: building one costs more than running it.
_TAGS_WHEN_READ = lazyload(Ticket.tag_rows)
_BY_HEADERS = (
    sa.select(Message.external_id, Ticket)
    .join(Ticket, Ticket.id == Message.ticket_id)
    .where(Message.external_id.in_(sa.bindparam("ids", expanding=True)))
    .options(_TAGS_WHEN_READ)
)
_BY_SUBJECT = (
    sa.select(Ticket)
    .where(
        Ticket.customer_id == sa.bindparam("customer_id"),
        Ticket.subject_key == sa.bindparam("key"),
        Ticket.status != "closed",
        Ticket.merged_into_id.is_(None),
        Ticket.last_message_at >= sa.bindparam("since", type_=Ticket.last_message_at.type),
    )
    .order_by(Ticket.last_message_at.desc())
    .limit(1)
    .options(_TAGS_WHEN_READ)
)


def subject_key(subject: str | None) -> str:
    """The subject without reply/forward prefixes, ticket tokens, case and extra spaces."""
    text = unicodedata.normalize("NFKC", subject or "")
    text = REF_TOKEN.sub(" ", text)
    previous = None
    while previous != text:
        previous, text = text, _PREFIX.sub("", text)
    return re.sub(r"\s+", " ", text).strip().casefold()[:300]


def follow_merges(ticket: Ticket | None) -> Ticket | None:
    """A merged ticket's messages go to the ticket it was merged into."""
    hops = 0
    while ticket is not None and ticket.merged_into_id and hops < 20:
        ticket = db.session.get(Ticket, ticket.merged_into_id)
        hops += 1
    return ticket


def by_headers(reply_to: list[str]) -> Ticket | None:
    """The ticket holding a message this one answers (our Message-IDs, chat ids …), newest reference first."""
    ids = [i for i in reply_to if i][-50:]
    if not ids:
        return None
    rows = db.session.execute(_BY_HEADERS, {"ids": ids}).all()
    found = {external: ticket for external, ticket in rows}
    for external in reversed(ids):
        if external in found:
            return found[external]
    return None


def sender_may_use(ticket: Ticket, customer: Customer, inbound: Inbound) -> bool:
    """A subject token counts only for the ticket's customer or one of its participants."""
    if ticket.customer_id == customer.id:
        return True
    email = (inbound.sender.email or "").strip().casefold()
    if not email:
        return False
    participant = db.session.scalar(
        sa.select(TicketParticipant.address).where(
            TicketParticipant.ticket_id == ticket.id, TicketParticipant.address == email
        )
    )
    if participant:
        return True
    owner = db.session.scalar(
        sa.select(Identity.customer_id).where(Identity.kind == "email", Identity.value == email)
    )
    return owner == ticket.customer_id


def by_subject_token(inbound: Inbound, customer: Customer) -> tuple[Ticket | None, int | None]:
    """(ticket, None) when [#ref] names a ticket this sender may write to; (None, ref) when it was refused."""
    match = REF_TOKEN.search(inbound.subject or "")
    if not match:
        return None, None
    ticket = follow_merges(db.session.scalar(sa.select(Ticket).where(Ticket.ref == int(match.group(1)))))
    if ticket is None:
        return None, None
    if sender_may_use(ticket, customer, inbound):
        return ticket, None
    return None, ticket.ref


def by_subject(inbound: Inbound, customer: Customer) -> Ticket | None:
    """The customer's open ticket with the same subject whose last message is recent enough."""
    config = current_app.config
    key = subject_key(inbound.subject)
    if not config["THREAD_BY_SUBJECT"] or not inbound.subject_threading or not key:
        return None
    since = utcnow() - timedelta(days=config["THREAD_BY_SUBJECT_DAYS"])
    return db.session.scalar(_BY_SUBJECT, {"customer_id": customer.id, "key": key, "since": since})


def find_ticket(inbound: Inbound, customer: Customer) -> tuple[Ticket | None, str, dict]:
    """The ticket to append to and the reason, or (None, 'new', notes) to open one."""
    notes: dict = {}
    if inbound.ticket_ref is not None:
        ticket = follow_merges(db.session.scalar(sa.select(Ticket).where(Ticket.ref == inbound.ticket_ref)))
        if ticket is not None:
            return ticket, "channel", notes
    ticket = follow_merges(by_headers(inbound.reply_to))
    if ticket is not None and ticket.status != "closed":
        return ticket, "header", notes
    if ticket is not None:
        notes["follow_up_of"] = ticket.ref
    token_ticket, refused = by_subject_token(inbound, customer)
    if token_ticket is not None and token_ticket.status != "closed":
        return token_ticket, "subject_token", notes
    if token_ticket is not None:
        notes["follow_up_of"] = token_ticket.ref
    if refused is not None:
        notes["suggested_ticket"] = refused  # a stranger quoted someone's ticket: a link, never a join
    ticket = by_subject(inbound, customer)
    if ticket is not None:
        return ticket, "subject_match", notes
    return None, "new", notes

"""The one door: every channel turns what arrived into an Inbound and calls receive().

receive() deduplicates, resolves the customer, threads onto a ticket or opens one, appends the message with its
attachments, records it on the customer's timeline, routes and notifies (through signals). It flushes and never
commits: the caller commits once, so the message is stored with its ticket or not at all.
"""

from __future__ import annotations

import hashlib
from typing import Any

import sqlalchemy as sa

from portal.core import signals
from portal.core.db import next_number, utcnow
from portal.customers import service as customers
from portal.customers.models import Customer
from portal.extensions import db
from portal.tickets import attachments as files
from portal.tickets import threading
from portal.tickets.inbound import Inbound, IntakeResult
from portal.tickets.models import (
    CHANNELS,
    PRIORITIES,
    Attachment,
    Message,
    Ticket,
    TicketEvent,
    TicketParticipant,
)
from portal.tickets.tags import set_tags

SUMMARY_CHARS = 140


def content_hash(inbound: Inbound) -> str:
    """What makes two messages with the same external id the same message."""
    digest = hashlib.sha256()
    for part in (inbound.subject, inbound.text, inbound.html or "", inbound.quoted_text or ""):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    for attachment in inbound.attachments:
        digest.update(hashlib.sha256(attachment.data).digest())
    return digest.hexdigest()


def find_duplicate(inbound: Inbound, fingerprint: str) -> Message | None:
    """The stored message with the same external id and the same content, if any."""
    if not inbound.external_id:
        return None
    return db.session.scalar(
        _DUPLICATE,
        {"channel": inbound.channel, "external_id": inbound.external_id, "fingerprint": fingerprint},
    )


# Built once: every message asks it, and building a statement costs more than running it.
_DUPLICATE = sa.select(Message).where(
    Message.channel == sa.bindparam("channel"),
    Message.external_id == sa.bindparam("external_id"),
    Message.content_hash == sa.bindparam("fingerprint"),
)


def receive(inbound: Inbound, *, actor: Any = None) -> IntakeResult:
    """Turn one inbound message into history; see the module docstring."""
    if inbound.channel not in CHANNELS:
        raise ValueError(f"unknown channel {inbound.channel!r}")
    fingerprint = content_hash(inbound)
    duplicate = find_duplicate(inbound, fingerprint)
    if duplicate is not None:
        ticket = db.session.get(Ticket, duplicate.ticket_id)
        assert ticket is not None
        return IntakeResult("duplicate", ticket, duplicate, ticket.customer, "duplicate")
    customer = _known_author(inbound)
    if customer is None:
        customer, _ = customers.resolve_customer(inbound.sender)
    if customer is None:  # no usable identity at all: keep it under an anonymous customer, flagged
        customer = customers.create_customer(name=inbound.sender.name or "")
        inbound.flagged = inbound.flagged or "no sender identity"
    ticket, reason, notes = threading.find_ticket(inbound, customer)
    created = ticket is None
    if ticket is None:
        ticket = open_ticket(inbound, customer, notes)
    elif ticket.customer_id != customer.id and reason != "channel":
        notes["author_customer_id"] = customer.id  # a participant wrote on someone else's ticket
    message, skipped = append(ticket, inbound, customer, reason, fingerprint, notes)
    _record(ticket, message, customer, created)
    if created:
        signals.ticket_routing.send(ticket, message=message, inbound=inbound)
        signals.ticket_created.send(ticket, message=message, inbound=inbound, actor=actor)
    signals.message_received.send(message, ticket=ticket, inbound=inbound, created=created)
    return IntakeResult("created" if created else "appended", ticket, message, customer, reason, skipped)


def _known_author(inbound: Inbound) -> Customer | None:
    """On a ticket the channel already identified, an author with no usable identity is its customer."""
    if inbound.ticket_ref is None:
        return None
    found, _ = customers.resolve_customer(inbound.sender, create=False)
    if found is not None:
        return found
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.ref == inbound.ticket_ref))
    return ticket.customer if ticket is not None else None


def open_ticket(inbound: Inbound, customer: Customer, notes: dict) -> Ticket:
    """A new ticket for this inbound message."""
    subject = (inbound.subject or "").strip() or _subject_from_text(inbound.text)
    now = inbound.received_at or utcnow()
    ticket = Ticket(
        ref=next_number(db.session, "ticket"),
        subject=subject[:300],
        subject_key=threading.subject_key(subject),
        status="new",
        priority=inbound.priority if inbound.priority in PRIORITIES else "normal",
        channel=inbound.channel,
        customer_id=customer.id,
        group_id=inbound.group_id,
        created_at=now,
        updated_at=now,
        flagged=(inbound.flagged or None) and inbound.flagged[:200],
        context=inbound.context or {},
    )
    db.session.add(ticket)
    db.session.flush()
    if inbound.tags:
        set_tags(ticket, inbound.tags)
    data: dict[str, Any] = {"channel": inbound.channel}
    data.update({k: v for k, v in notes.items() if k in ("follow_up_of", "suggested_ticket")})
    db.session.add(TicketEvent(ticket_id=ticket.id, actor_kind="customer", kind="created", data=data, at=now))
    return ticket


def _subject_from_text(text: str) -> str:
    first = next((line.strip() for line in (text or "").splitlines() if line.strip()), "")
    return first[:80] or "(no subject)"


def append(
    ticket: Ticket, inbound: Inbound, customer: Customer, reason: str, fingerprint: str, notes: dict
) -> tuple[Message, list[dict[str, Any]]]:
    """Store the message and its files on the ticket and move the ticket along."""
    now = inbound.received_at or utcnow()
    meta = dict(inbound.meta)
    meta.update(notes)
    message = Message(
        ticket_id=ticket.id,
        channel=inbound.channel,
        direction="inbound",
        author_kind=inbound.author_kind,
        author_customer_id=customer.id,
        author_name=(inbound.sender.name or customer.display_name)[:200],
        text=inbound.text or "",
        quoted_text=inbound.quoted_text,
        html=inbound.html,
        external_id=(inbound.external_id or None) and inbound.external_id[:500],
        content_hash=fingerprint,
        thread_reason=reason,
        created_at=now,
        meta=meta,
    )
    db.session.add(message)
    db.session.flush()
    skipped = store_attachments(message, inbound)
    if skipped:
        message.meta = {**message.meta, "skipped_attachments": skipped}
    for address, name in inbound.participants:
        add_participant(ticket, address, name)
    ticket.message_count += 1
    ticket.version += 1
    ticket.last_message_at = now
    ticket.last_inbound_at = now
    ticket.updated_at = utcnow()
    if inbound.flagged and not ticket.flagged:
        ticket.flagged = inbound.flagged[:200]
    if ticket.status in ("pending", "solved") and reason != "new" and inbound.reopen:
        db.session.add(
            TicketEvent(
                ticket_id=ticket.id,
                actor_kind="customer",
                kind="status",
                data={"from": ticket.status, "to": "open"},
            )
        )
        ticket.status, ticket.solved_at = "open", None
    return message, skipped


def store_attachments(message: Message, inbound: Inbound) -> list[dict[str, Any]]:
    """Keep every file within the limits; note the others (never fail the whole message for one file)."""
    from flask import current_app

    skipped = []
    budget = current_app.config["ATTACHMENTS_PER_MESSAGE_MAX_BYTES"]
    for item in inbound.attachments:
        name = files.clean_filename(item.filename)
        reason = files.refusal(name, len(item.data))
        if reason is None and len(item.data) > budget:
            reason = "over the per-message limit"
        if reason:
            skipped.append({"filename": name, "size": len(item.data), "reason": reason})
            continue
        budget -= len(item.data)
        digest = files.store(item.data)
        db.session.add(
            Attachment(
                message_id=message.id,
                sha256=digest,
                size=len(item.data),
                filename=name,
                content_type=files.guess_type(name, item.content_type),
                content_id=(item.content_id or None) and item.content_id.strip("<>")[:255],
                inline=item.inline,
            )
        )
    db.session.flush()
    return skipped


def add_participant(ticket: Ticket, address: str, name: str = "") -> None:
    """Someone copied in; they may thread replies onto this ticket."""
    from portal.customers.identities import normalize_email

    key = normalize_email(address)
    if not key or key == (ticket.customer.email or ""):
        return
    exists = db.session.get(TicketParticipant, (ticket.id, key))
    if exists is None:
        db.session.add(TicketParticipant(ticket_id=ticket.id, address=key, name=(name or "")[:200]))


def _record(ticket: Ticket, message: Message, customer: Customer, created: bool) -> None:
    summary = ticket.subject if created else _snippet(message.text)
    customers.record(
        customer.id,
        "ticket" if created else "message",
        summary,
        channel=message.channel,
        ticket_id=ticket.id,
        ticket_ref=str(ticket.ref),
        subject_type="message",
        subject_id=message.id,
        url=f"/desk/tickets/{ticket.ref}#m{message.id}",
        at=message.created_at,
    )


def _snippet(text: str) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= SUMMARY_CHARS else flat[: SUMMARY_CHARS - 1] + "…"

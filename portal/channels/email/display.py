"""What the desk shows of email: formatted HTML with inline images in place, and the ticket's mail facts."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import url_for
from markupsafe import Markup

from portal.channels.email.htmltext import rewrite_cids
from portal.core.html import sanitize_html
from portal.customers.models import Identity
from portal.extensions import db
from portal.tickets.models import Message, Ticket, TicketEvent, TicketParticipant


def email_html(message: Message) -> Markup:
    """The message's HTML, sanitized again, with cid: images pointing at its attachments."""
    by_cid = {a.content_id: a for a in message.attachments if a.content_id}

    def url(cid: str) -> str | None:
        found = by_cid.get(cid)
        return (
            url_for("portal.attachment", attachment_id=found.id, filename=found.filename) if found else None
        )

    # Sanitize first (cid: is an allowed scheme), then point the images at our own URLs.
    return Markup(rewrite_cids(sanitize_html(message.html), url))  # noqa: S704 - sanitized just above


def ticket_mail_panel(ticket: Ticket) -> dict[str, Any]:
    """Bouncing addresses, people copied in, and tickets a mail pointed at that the sender may not join."""
    participants = db.session.scalars(
        sa.select(TicketParticipant)
        .where(TicketParticipant.ticket_id == ticket.id)
        .order_by(TicketParticipant.address)
    ).all()
    addresses = [p.address for p in participants] + ([ticket.customer.email] if ticket.customer.email else [])
    bouncing = db.session.execute(
        sa.select(Identity.value, Identity.bouncing_at).where(
            Identity.kind == "email", Identity.value.in_(addresses), Identity.bouncing_at.is_not(None)
        )
    ).all()
    created = (
        db.session.scalar(
            sa.select(TicketEvent.data)
            .where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "created")
            .limit(1)
        )
        or {}
    )
    return {
        "participants": participants,
        "bouncing": bouncing,
        "suggested": created.get("suggested_ticket"),
        "follow_up_of": created.get("follow_up_of"),
        "is_email": ticket.channel == "email" or bool(participants),
    }

"""Adapters by channel name, and the glue that hands agents' replies and acknowledgements to them."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from flask import current_app

from portal.channels.base import ChannelAdapter, Outbound
from portal.core import signals
from portal.customers.models import Customer
from portal.extensions import db
from portal.tickets import attachments as files
from portal.tickets.inbound import Inbound
from portal.tickets.models import Message, Ticket

log = logging.getLogger(__name__)
_adapters: dict[str, ChannelAdapter] = {}
FALLBACK = "web"  # channels without an outgoing side of their own notify by mail with a portal link


def register(adapter: ChannelAdapter) -> None:
    """Make `adapter` deliver for its channel (the last registration wins)."""
    _adapters[adapter.name] = adapter


def adapter_for(channel: str) -> ChannelAdapter:
    """The adapter that delivers on this channel."""
    return _adapters.get(channel) or _adapters[FALLBACK]


def customer_locale(customer: Customer) -> str:
    """The language to write to this customer in."""
    from portal.accounts.models import User

    if customer.locale:
        return customer.locale
    if customer.user_id:
        locale = db.session.scalar(sa.select(User.locale).where(User.id == customer.user_id))
        if locale:
            return locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def portal_link(ticket: Ticket, customer: Customer) -> str:
    """Where the customer follows this ticket: their request page, or a signed link for a guest."""
    from portal.core.links import external_url
    from portal.tickets.guest import guest_url

    if customer.user_id:
        return external_url("portal.request", ref=ticket.ref)
    return guest_url(ticket)


def thread_ids(ticket: Ticket) -> list[str]:
    """External ids of the ticket's messages, oldest first (mail threads on these)."""
    rows = db.session.scalars(
        sa.select(Message.external_id)
        .where(
            Message.ticket_id == ticket.id, Message.external_id.is_not(None), Message.direction != "internal"
        )
        .order_by(Message.id)
    ).all()
    return [r for r in rows if r][-20:]


def outbound_for(
    ticket: Ticket,
    kind: str,
    *,
    text: str,
    message: Message | None = None,
    author_name: str = "",
    html: str | None = None,
) -> Outbound:
    """The Outbound value for a ticket's customer."""
    customer = ticket.customer
    attachments = []
    if message is not None:
        attachments = [
            {"path": str(files.path_for(a.sha256)), "filename": a.filename, "content_type": a.content_type}
            for a in message.attachments
        ]
    return Outbound(
        kind=kind,
        ticket_id=ticket.id,
        ticket_ref=ticket.ref,
        customer_id=customer.id,
        to_email=customer.email,
        to_name=customer.name,
        locale=customer_locale(customer),
        subject=ticket.subject,
        text=text,
        html=html,
        message_id=message.id if message else None,
        author_name=author_name,
        portal_url=portal_link(ticket, customer),
        attachments=attachments,
        thread_ids=thread_ids(ticket),
    )


@signals.ticket_created.connect
def _acknowledge(
    ticket: Ticket, *, message: Message, inbound: Inbound | None = None, split_from: Any = None, **_: Any
) -> None:
    if split_from is not None:  # an agent split a message off: the customer hears nothing new
        return
    if inbound is not None and (not inbound.notify or inbound.author_kind != "customer"):
        return
    adapter_for(ticket.channel).deliver(outbound_for(ticket, "acknowledgement", text=message.text))


@signals.message_posted.connect
def _deliver_reply(message: Message, *, ticket: Ticket, **_: Any) -> None:
    if message.direction != "outbound":
        return
    adapter_for(message.channel).deliver(
        outbound_for(
            ticket,
            "reply",
            text=message.text,
            message=message,
            author_name=message.author_name,
            html=message.html,
        )
    )


@signals.mail_sent.connect
def _mark_sent(payload: dict, **_: Any) -> None:
    message_id = (payload.get("meta") or {}).get("message_id")
    if message_id:
        db.session.execute(sa.update(Message).where(Message.id == message_id).values(delivery="sent"))


@signals.outbox_gave_up.connect
def _mark_failed(event: Any, **_: Any) -> None:
    message_id = ((event.payload or {}).get("meta") or {}).get("message_id")
    if message_id:
        db.session.execute(sa.update(Message).where(Message.id == message_id).values(delivery="failed"))

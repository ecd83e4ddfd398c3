"""The contract's JSON shapes for tickets, messages, customers and timeline entries."""

from __future__ import annotations

from typing import Any

from flask import url_for

from portal.core.api import iso
from portal.core.html import sanitize_html
from portal.customers.models import Customer, TimelineEntry
from portal.tickets.models import Message, Ticket


def customer_ref(customer: Customer) -> dict[str, Any]:
    """The short customer object inside a ticket."""
    return {"id": customer.id, "name": customer.name, "email": customer.email}


def ticket(t: Ticket) -> dict[str, Any]:
    """A ticket as the API answers it."""
    return {
        "ref": str(t.ref),
        "subject": t.subject,
        "status": t.status,
        "priority": t.priority,
        "channel": t.channel,
        "customer": customer_ref(t.customer),
        "group": t.group.name if t.group else None,
        "assignee": t.assignee.email if t.assignee else None,
        "tags": t.tags,
        "created_at": iso(t.created_at),
        "updated_at": iso(t.updated_at),
        "first_response_at": iso(t.first_response_at),
        "solved_at": iso(t.solved_at),
    }


def message(m: Message) -> dict[str, Any]:
    """A message as the API answers it (HTML sanitized again on the way out)."""
    return {
        "id": m.id,
        "channel": m.channel,
        "direction": m.direction,
        "author": {"kind": m.author_kind, "name": m.author_name},
        "text": m.text,
        "quoted_text": m.quoted_text,
        "html": sanitize_html(m.html) if m.html else None,
        "attachments": [
            {
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "inline": a.inline,
                "url": url_for("portal.attachment", attachment_id=a.id, filename=a.filename, _external=True),
            }
            for a in m.attachments
        ],
        "created_at": iso(m.created_at),
    }


def customer(c: Customer) -> dict[str, Any]:
    """A customer with identities."""
    return {
        "id": c.id,
        "name": c.name,
        "email": c.email,
        "identities": [{"kind": i.kind, "value": i.value} for i in c.identities],
        "tier": c.tier,
    }


def timeline_entry(e: TimelineEntry) -> dict[str, Any]:
    """One entry of a customer's timeline."""
    return {
        "at": iso(e.at),
        "kind": e.kind,
        "channel": e.channel,
        "ticket": e.ticket_ref,
        "summary": e.summary,
    }

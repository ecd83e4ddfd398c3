"""Attribution: which touchpoint served the customer (a person, the bot, an article, a catalog automation)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.feedback.models import Touch
from portal.tickets.models import Message, Ticket


def attribute(ticket: Ticket | None, trigger: str, *, automatic: bool = False, actor: Any = None) -> Touch:
    """Who served this ticket: the last public answer decides (agent or bot); failing that, what the customer
    used by themselves (an article read before filing) or the catalog automation that fulfilled the request."""
    if ticket is None:
        return Touch("catalog" if automatic else "other", None, None, None)
    if trigger == "request_fulfilled" and automatic:
        return Touch("catalog", None, ticket.group_id, ticket.channel)
    last = db.session.execute(
        sa.select(Message.author_kind, Message.author_user_id, Message.channel)
        .where(
            Message.ticket_id == ticket.id,
            Message.direction == "outbound",
            Message.author_kind.in_(("agent", "bot")),
        )
        .order_by(Message.id.desc())
        .limit(1)
    ).first()
    if last is not None and last.author_kind == "agent":
        return Touch("agent", last.author_user_id or ticket.assignee_id, ticket.group_id, last.channel)
    if last is not None:
        return Touch("bot", None, ticket.group_id, last.channel)
    if (ticket.context or {}).get("articles"):
        return Touch("article", None, ticket.group_id, ticket.channel)
    if trigger == "chat_ended":
        return Touch("bot", None, ticket.group_id, ticket.channel)
    if getattr(actor, "is_staff", False) or ticket.assignee_id:  # answered outside the portal (a phone call)
        staff_id = actor.id if getattr(actor, "is_staff", False) else None
        return Touch("agent", ticket.assignee_id or staff_id, ticket.group_id, ticket.channel)
    return Touch("other", None, ticket.group_id, ticket.channel)

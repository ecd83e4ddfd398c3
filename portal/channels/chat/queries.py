"""Read-side selects for chats: events after a number, the agents' lists, live chats by ticket, availability."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.channels.chat.models import LIVE_STATUSES, Chat, ChatEvent
from portal.core.db import utcnow


def events_after(chat_id: int, after: int, *, include_notes: bool, limit: int = 200) -> sa.Select:
    """The chat's events numbered above `after`, oldest first (notes only for agents)."""
    stmt = sa.select(ChatEvent).where(ChatEvent.chat_id == chat_id, ChatEvent.seq > after)
    if not include_notes:
        stmt = stmt.where(ChatEvent.kind != "note")
    return stmt.order_by(ChatEvent.seq).limit(limit)


def by_client_id(chat_id: int, client_id: str) -> sa.Select:
    """The event a client id already names in this chat."""
    return sa.select(ChatEvent).where(ChatEvent.chat_id == chat_id, ChatEvent.client_id == client_id)


def waiting() -> sa.Select:
    """Chats waiting for a person, longest waiting first (with their customer and group)."""
    return (
        sa.select(Chat)
        .options(joinedload(Chat.customer), joinedload(Chat.group))
        .where(Chat.status == "waiting")
        .order_by(Chat.waiting_since, Chat.id)
        .limit(100)
    )


def assigned_to(user_id: int) -> sa.Select:
    """The chats an agent is in right now (with their customer and group)."""
    return (
        sa.select(Chat)
        .options(joinedload(Chat.customer), joinedload(Chat.group))
        .where(Chat.assignee_id == user_id, Chat.status == "active")
        .order_by(Chat.accepted_at, Chat.id)
    )


def waiting_ahead(chat: Chat) -> sa.Select:
    """How many chats wait longer than this one (its place in line is that plus one)."""
    return (
        sa.select(sa.func.count())
        .select_from(Chat)
        .where(Chat.status == "waiting", Chat.waiting_since < chat.waiting_since)
    )


def live_for_ticket(ticket_id: int) -> sa.Select:
    """The chat of a ticket that someone is still in (waiting or with an agent)."""
    return (
        sa.select(Chat)
        .where(Chat.ticket_id == ticket_id, Chat.status.in_(("waiting", "active")))
        .order_by(Chat.id.desc())
        .limit(1)
    )


def live_ticket_statuses() -> sa.Select:
    """(ticket id, chat status) of every chat with a person waiting or talking: the queue's badges."""
    return sa.select(Chat.ticket_id, Chat.status).where(
        Chat.status.in_(("waiting", "active")), Chat.ticket_id.is_not(None)
    )


def live_count(customer_id: int) -> sa.Select:
    """How many chats of this customer are not over."""
    return (
        sa.select(sa.func.count())
        .select_from(Chat)
        .where(Chat.customer_id == customer_id, Chat.status.in_(LIVE_STATUSES))
    )


def live_of_customer(customer_id: int) -> sa.Select:
    """The customer's newest chat that is not over."""
    return (
        sa.select(Chat)
        .where(Chat.customer_id == customer_id, Chat.status.in_(LIVE_STATUSES))
        .order_by(Chat.id.desc())
        .limit(1)
    )


def online_agents(timeout_seconds: int, now: datetime | None = None) -> sa.Select:
    """Agents who set themselves online and whose console was heard from recently."""
    since = (now or utcnow()) - timedelta(seconds=timeout_seconds)
    return sa.select(User).where(
        User.role.in_(("agent", "admin")),
        User.active.is_(True),
        User.presence == "online",
        User.presence_at >= since,
    )


def stale(status: str, column: sa.orm.InstrumentedAttribute, before: datetime) -> sa.Select:
    """Chats in `status` whose `column` is older than `before` (for ending idle chats)."""
    return sa.select(Chat).where(Chat.status == status, column < before).order_by(Chat.id).limit(200)


def agent_name(user_id: int) -> sa.Select:
    """An agent's name alone (what the customer sees)."""
    return sa.select(User.name).where(User.id == user_id)

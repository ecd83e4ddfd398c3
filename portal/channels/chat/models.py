"""Chats, their numbered events, and the chat settings an admin keeps (allowed origins, business hours)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Group, User
from portal.core.db import Model, utcnow
from portal.customers.models import Customer

STATUSES = ("bot", "waiting", "active", "ended")
LIVE_STATUSES = ("bot", "waiting", "active")
EVENT_KINDS = ("message", "bot", "note", "system")
AUTHOR_KINDS = ("customer", "agent", "bot", "system")


class Chat(Model):
    """One conversation in the widget, from the first words to its end."""

    __tablename__ = "chats"
    __table_args__ = (
        sa.Index("ix_chats_status_waiting", "status", "waiting_since", "id"),
        sa.Index("ix_chats_assignee_status", "assignee_id", "status"),
        sa.Index("ix_chats_customer_status", "customer_id", "status"),
        sa.Index("ix_chats_status_activity", "status", "last_activity_at"),
        sa.Index("ix_chats_status_seen", "status", "customer_seen_at"),
        sa.Index("ix_chats_status_created", "status", "created_at"),
        sa.Index("ix_chats_ticket_id", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(10), default="bot")
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id", ondelete="SET NULL"))
    # What the person gave when starting (a guest's name and address; a signed-in customer's own).
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    email: Mapped[str | None] = mapped_column(sa.String(320))
    locale: Mapped[str] = mapped_column(sa.String(10), default="ko")
    token_hash: Mapped[str] = mapped_column(sa.String(64))  # sha256 of the access key the widget keeps
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("groups.id", ondelete="SET NULL"))
    last_seq: Mapped[int] = mapped_column(default=0)  # the newest event's number (a row lock orders writers)
    origin: Mapped[str] = mapped_column(sa.String(300), default="")  # the site the widget ran on
    page_url: Mapped[str] = mapped_column(sa.String(500), default="")
    offline: Mapped[bool] = mapped_column(default=False)  # handed over while nobody could answer
    outcome: Mapped[str | None] = mapped_column(sa.String(20))  # bot_resolved, message_left, idle, …
    ended_by: Mapped[str | None] = mapped_column(sa.String(10))  # customer, agent, system
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    waiting_since: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    customer_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Loaded when asked for (lists join them explicitly): a long-poll touches none of them.
    customer: Mapped[Customer] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    group: Mapped[Group | None] = relationship()

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    def __repr__(self) -> str:
        return f"<Chat {self.id} {self.status}>"


class ChatEvent(Model):
    """One numbered thing that happened in a chat; clients ask for everything after the number they hold."""

    __tablename__ = "chat_events"
    __table_args__ = (
        sa.Index("uq_chat_events_seq", "chat_id", "seq", unique=True),
        # A client id names one message of one chat: a retry finds the first one instead of adding another.
        sa.Index("uq_chat_events_client_id", "chat_id", "client_id", unique=True),
        sa.Index("ix_chat_events_rate", "chat_id", "author_kind", "created_at"),
        sa.Index("ix_chat_events_message_id", "message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(sa.ForeignKey("chats.id", ondelete="CASCADE"))
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(10))  # message, bot, note (agents only), system
    author_kind: Mapped[str] = mapped_column(sa.String(10))
    author_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(sa.String(200), default="")
    text: Mapped[str] = mapped_column(sa.Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)  # suggestions offered, system event name, …
    client_id: Mapped[str | None] = mapped_column(sa.String(64))
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("messages.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_public(self) -> bool:
        return self.kind != "note"


class ChatSettings(Model):
    """What an admin sets for chat: sites that may embed the widget, and business hours (one row)."""

    __tablename__ = "chat_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    allowed_origins: Mapped[list[Any]] = mapped_column(default=list)
    business_hours: Mapped[str] = mapped_column(sa.String(300), default="")  # "" = always open
    closed_on_holidays: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

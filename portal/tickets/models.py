"""Tickets and their conversation: messages, attachments, tags, participants and the change history."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Group, User
from portal.core.db import Model, utcnow
from portal.customers.models import Customer

STATUSES = ("new", "open", "pending", "solved", "closed")
OPEN_STATUSES = ("new", "open", "pending")
PRIORITIES = ("low", "normal", "high", "urgent")
CHANNELS = ("email", "chat", "web", "api", "catalog", "phone", "community")
DIRECTIONS = ("inbound", "outbound", "internal")
AUTHOR_KINDS = ("customer", "agent", "bot", "system")
# SLA (automation domain): the due time of a ticket with no running target, so that "time left" sorts them last
# on every database and keyset pagination never meets a NULL.
NO_DUE = datetime(9999, 12, 31, tzinfo=UTC)


class Ticket(Model):
    """One conversation about one matter, in one customer's history."""

    __tablename__ = "tickets"
    __table_args__ = (
        sa.Index("ix_tickets_status_updated", "status", "updated_at", "id"),
        sa.Index("ix_tickets_assignee_status_updated", "assignee_id", "status", "updated_at", "id"),
        sa.Index("ix_tickets_group_status_updated", "group_id", "status", "updated_at", "id"),
        sa.Index("ix_tickets_customer_created", "customer_id", "created_at", "id"),
        sa.Index("ix_tickets_channel_status_updated", "channel", "status", "updated_at", "id"),
        sa.Index("ix_tickets_priority_status_updated", "priority", "status", "updated_at", "id"),
        sa.Index("ix_tickets_status_created", "status", "created_at", "id"),
        sa.Index("ix_tickets_customer_subject", "customer_id", "subject_key"),
        # SLA (automation domain): the queue's "time left" sort in each view (solved tickets sort last: NO_DUE).
        sa.Index("ix_tickets_due", "due_at", "id"),
        sa.Index("ix_tickets_status_due", "status", "due_at", "id"),
        sa.Index("ix_tickets_assignee_status_due", "assignee_id", "status", "due_at", "id"),
        sa.Index("ix_tickets_group_status_due", "group_id", "status", "due_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[int] = mapped_column(unique=True)  # what people see: #1042
    subject: Mapped[str] = mapped_column(sa.String(300), default="")
    subject_key: Mapped[str] = mapped_column(
        sa.String(300), default=""
    )  # without Re:/Fwd:/회신: for threading
    status: Mapped[str] = mapped_column(sa.String(10), default="new")
    priority: Mapped[str] = mapped_column(sa.String(10), default="normal")
    channel: Mapped[str] = mapped_column(sa.String(12))
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"))
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("groups.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_response_at: Mapped[datetime | None]
    solved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    last_inbound_at: Mapped[datetime | None]
    last_message_at: Mapped[datetime | None]
    message_count: Mapped[int] = mapped_column(default=0)
    # Bumped by every change a replying agent should see first (collision detection).
    version: Mapped[int] = mapped_column(default=1)
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id"))
    flagged: Mapped[str | None] = mapped_column(
        sa.String(200)
    )  # why it needs a person's look (unparseable, …)
    # What the customer did just before filing: searches, articles read, the page they came from.
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # SLA (automation domain, kept up to date by portal.sla): the next running target's due time (NO_DUE when
    # none runs), which target that is (None: no SLA), and when its warning starts.
    due_at: Mapped[datetime] = mapped_column(default=lambda: NO_DUE)
    sla_metric: Mapped[str | None] = mapped_column(sa.String(20))
    sla_warn_at: Mapped[datetime | None]

    customer: Mapped[Customer] = relationship(lazy="joined", innerjoin=True)
    group: Mapped[Group | None] = relationship(lazy="joined")
    assignee: Mapped[User | None] = relationship(lazy="joined")
    tag_rows: Mapped[list[TicketTag]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="TicketTag.name"
    )

    @property
    def tags(self) -> list[str]:
        return [t.name for t in self.tag_rows]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def __repr__(self) -> str:
        return f"<Ticket #{self.ref} {self.status}>"


class TicketTag(Model):
    """A tag on a ticket."""

    __tablename__ = "ticket_tags"
    __table_args__ = (sa.Index("ix_ticket_tags_name", "name", "ticket_id"),)

    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50), primary_key=True)


class TicketParticipant(Model):
    """Someone besides the customer who takes part by email (Cc), and may thread replies onto the ticket."""

    __tablename__ = "ticket_participants"

    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    address: Mapped[str] = mapped_column(sa.String(320), primary_key=True, index=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")


class Message(Model):
    """One message of a conversation: from the customer (inbound), to them (outbound) or between agents."""

    __tablename__ = "messages"
    __table_args__ = (
        sa.Index("ix_messages_ticket_id", "ticket_id", "id"),
        # The same external message (Message-ID, chat client id) with the same content is stored once.
        sa.Index("uq_messages_external", "channel", "external_id", "content_hash", unique=True),
        sa.Index("ix_messages_external_id", "external_id"),
        sa.Index("ix_messages_author_customer", "author_customer_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(sa.String(12))
    direction: Mapped[str] = mapped_column(sa.String(10))
    author_kind: Mapped[str] = mapped_column(sa.String(10))
    author_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    author_customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(sa.String(200), default="")
    text: Mapped[str] = mapped_column(sa.Text, default="")
    quoted_text: Mapped[str | None] = mapped_column(sa.Text)
    html: Mapped[str | None] = mapped_column(sa.Text)  # sanitized before storage, and again when shown
    external_id: Mapped[str | None] = mapped_column(sa.String(500))
    content_hash: Mapped[str | None] = mapped_column(sa.String(64))
    thread_reason: Mapped[str | None] = mapped_column(sa.String(20))  # channel, header, subject_token, …
    delivery: Mapped[str | None] = mapped_column(sa.String(10))  # outbound: queued, sent, failed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)

    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="message", lazy="selectin", order_by="Attachment.id", cascade="all, delete-orphan"
    )
    author_user: Mapped[User | None] = relationship(lazy="joined")

    @property
    def is_public(self) -> bool:
        return self.direction != "internal"


class Attachment(Model):
    """A file of a message; the bytes live content-addressed under <instance>/attachments/."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int]
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    content_id: Mapped[str | None] = mapped_column(sa.String(255))  # for inline images referenced by cid:
    inline: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    message: Mapped[Message] = relationship(back_populates="attachments")


class TicketEvent(Model):
    """One change of a ticket (status, assignment, merge, split, rule applied, …): its history."""

    __tablename__ = "ticket_events"
    __table_args__ = (
        sa.Index("ix_ticket_events_ticket_at", "ticket_id", "at"),
        sa.Index("ix_ticket_events_kind_at", "kind", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    actor_kind: Mapped[str] = mapped_column(sa.String(10), default="agent")  # agent, customer, system, rule
    kind: Mapped[str] = mapped_column(sa.String(30))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)

    actor: Mapped[User | None] = relationship(lazy="joined")


class TicketViewer(Model):
    """Who has a ticket open right now, and whether they are typing a reply (collision detection)."""

    __tablename__ = "ticket_viewers"

    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    replying: Mapped[bool] = mapped_column(default=False)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    user: Mapped[User] = relationship(lazy="joined")


class Macro(Model):
    """A saved reply with placeholders that may also set status, priority and tags.

    Personal when owner_id is set, shared with a group when group_id is set, shared with everyone otherwise.
    """

    __tablename__ = "macros"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    internal: Mapped[bool] = mapped_column(default=False)  # inserts an internal note rather than a reply
    set_status: Mapped[str | None] = mapped_column(sa.String(10))
    set_priority: Mapped[str | None] = mapped_column(sa.String(10))
    add_tags: Mapped[list[Any]] = mapped_column(default=list)
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

"""A customer is one person with many identities; the timeline is their history on every channel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import Model, TimestampMixin, utcnow

IDENTITY_KINDS = ("email", "phone", "chat", "portal")
TIERS = ("standard", "silver", "gold", "vip")


class Customer(TimestampMixin, Model):
    """One person or account holder, whatever channel they used."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    # Lower-cased name without spaces: finds likely duplicates ("김 민준" and "김민준").
    name_key: Mapped[str] = mapped_column(sa.String(200), default="", index=True)
    email: Mapped[str | None] = mapped_column(sa.String(320))  # the primary address, for display and replies
    phone: Mapped[str | None] = mapped_column(sa.String(32))  # the primary number (E.164)
    tier: Mapped[str] = mapped_column(sa.String(20), default="standard")
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    address: Mapped[str] = mapped_column(sa.Text, default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), unique=True)
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id"), index=True)

    identities: Mapped[list[Identity]] = relationship(
        back_populates="customer", order_by="Identity.id", lazy="selectin", passive_deletes=True
    )

    @property
    def is_vip(self) -> bool:
        return self.tier == "vip"

    @property
    def display_name(self) -> str:
        return self.name or self.email or f"#{self.id}"

    def __repr__(self) -> str:
        return f"<Customer {self.id} {self.name!r}>"


class Identity(Model):
    """An address a customer reaches us from: email, phone (E.164), chat handle or portal account."""

    __tablename__ = "identities"
    __table_args__ = (
        # Email, chat and portal identities belong to one customer; a phone may be shared (a family line).
        sa.Index(
            "uq_identities_kind_value",
            "kind",
            "value",
            unique=True,
            sqlite_where=sa.text("kind != 'phone'"),
            postgresql_where=sa.text("kind != 'phone'"),
        ),
        sa.Index("ix_identities_value", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    value: Mapped[str] = mapped_column(sa.String(320))
    verified: Mapped[bool] = mapped_column(default=False)
    bouncing_at: Mapped[datetime | None]  # mail to this address bounced (set by the email channel)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="identities")


class CustomerMerge(Model):
    """One merge of `other` into `survivor`, with what moved, so that it can be undone exactly."""

    __tablename__ = "customer_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    other_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    undone_at: Mapped[datetime | None]
    undone_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # {"other": {field: value before}, "survivor": {...}, "moved": {"identities": [ids], "tickets": [ids], …}}
    snapshot: Mapped[dict[str, Any]] = mapped_column(default=dict)

    survivor: Mapped[Customer] = relationship(foreign_keys=[survivor_id])
    other: Mapped[Customer] = relationship(foreign_keys=[other_id])


class TimelineEntry(Model):
    """One event in a customer's history: a message, a ticket, a chat, a request, a post, a survey, …

    Written by each domain as things happen, so that the customer panel is one indexed read, newest first.
    """

    __tablename__ = "timeline"
    __table_args__ = (sa.Index("ix_timeline_customer_at", "customer_id", "at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(sa.String(20))  # message, ticket, chat, request, post, survey, merge, …
    channel: Mapped[str | None] = mapped_column(sa.String(12))
    ticket_id: Mapped[int | None] = mapped_column(index=True)  # no foreign key: customers sits below tickets
    ticket_ref: Mapped[str | None] = mapped_column(sa.String(20))
    summary: Mapped[str] = mapped_column(sa.String(300), default="")
    subject_type: Mapped[str | None] = mapped_column(
        sa.String(20)
    )  # what the entry points at (message, chat…)
    subject_id: Mapped[int | None]
    url: Mapped[str | None] = mapped_column(sa.String(300))  # where an agent opens it (a path in the portal)

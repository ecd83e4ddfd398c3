"""Incidents declared by admins, the tickets linked to them and the customers told about them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import Model, utcnow

STATES = ("active", "resolved")


class Incident(Model):
    """A known problem affecting customers (an outage, a billing error …), told in Korean and English.

    Affected customers: by tier, by tag or product (customers with a ticket tagged so, or from that catalog item,
    in the last AUDIENCE_DAYS days) and by a list of addresses. Incoming tickets whose subject or message
    contains one of `keywords`, or that carry one of `tags`, are linked to it.
    """

    __tablename__ = "incidents"
    __table_args__ = (sa.Index("ix_incidents_state_declared", "state", "declared_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title_ko: Mapped[str] = mapped_column(sa.String(200), default="")
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    description_ko: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[str] = mapped_column(sa.String(10), default="active")
    banner: Mapped[bool] = mapped_column(default=True)  # shown in the portal and the chat widget
    tiers: Mapped[list[Any]] = mapped_column(default=list)
    tags: Mapped[list[Any]] = mapped_column(default=list)
    products: Mapped[list[Any]] = mapped_column(default=list)
    emails: Mapped[list[Any]] = mapped_column(default=list)
    keywords: Mapped[list[Any]] = mapped_column(default=list)
    declared_at: Mapped[datetime] = mapped_column(default=utcnow)
    declared_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    resolution_ko: Mapped[str] = mapped_column(sa.Text, default="")
    resolution_en: Mapped[str] = mapped_column(sa.Text, default="")
    credit: Mapped[str] = mapped_column(sa.String(300), default="")  # goodwill credit offered, as told

    declared_by: Mapped[User | None] = relationship(foreign_keys=[declared_by_id], lazy="joined")
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id], lazy="joined")

    def title(self, locale: str) -> str:
        """The title in a language (the other one when it is missing)."""
        return (self.title_en or self.title_ko) if locale == "en" else (self.title_ko or self.title_en)

    def description(self, locale: str) -> str:
        """The description in a language (the other one when it is missing)."""
        if locale == "en":
            return self.description_en or self.description_ko
        return self.description_ko or self.description_en

    def resolution(self, locale: str) -> str:
        """The closing message in a language (the other one when it is missing)."""
        return (
            (self.resolution_en or self.resolution_ko)
            if locale == "en"
            else (self.resolution_ko or self.resolution_en)
        )


class IncidentTicket(Model):
    """A ticket about an incident (matched at intake, or linked by an agent)."""

    __tablename__ = "incident_tickets"

    incident_id: Mapped[int] = mapped_column(
        sa.ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    ticket_id: Mapped[int] = mapped_column(
        sa.ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    how: Mapped[str] = mapped_column(sa.String(10), default="words")  # words, tags, manual
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]  # when the closing message answered and solved it


class IncidentRecipient(Model):
    """Someone told about an incident by mail, once when declared and once when resolved."""

    __tablename__ = "incident_recipients"
    __table_args__ = (sa.UniqueConstraint("incident_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id", ondelete="CASCADE"))
    customer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    email: Mapped[str] = mapped_column(sa.String(320))
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    locale: Mapped[str] = mapped_column(sa.String(10), default="ko")
    notified_at: Mapped[datetime | None]
    resolved_notified_at: Mapped[datetime | None]

"""Service catalog: items (a form and a way to fulfil it), requests with their history, and checklist tasks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Group, User
from portal.core.db import Model, utcnow
from portal.customers.models import Customer
from portal.tickets.models import Ticket

AUDIENCES = ("everyone", "customers", "tier")
FULFILMENTS = ("auto", "approval", "manual")
STATES = ("submitted", "awaiting_approval", "in_progress", "fulfilled", "failed", "rejected", "cancelled")
OPEN_STATES = ("submitted", "awaiting_approval", "in_progress")
FINAL_STATES = ("fulfilled", "rejected", "cancelled")


class CatalogItem(Model):
    """Something customers can request: texts in Korean and English, who may ask, a form, and its fulfilment."""

    __tablename__ = "catalog_items"
    __table_args__ = (sa.Index("ix_catalog_items_active_position", "active", "position", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name_ko: Mapped[str] = mapped_column(sa.String(200), default="")
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    description_ko: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    category_ko: Mapped[str] = mapped_column(sa.String(80), default="")
    category_en: Mapped[str] = mapped_column(sa.String(80), default="")
    icon: Mapped[str] = mapped_column(sa.String(40), default="grid")
    audience: Mapped[str] = mapped_column(sa.String(12), default="everyone")
    tier: Mapped[str | None] = mapped_column(sa.String(20))  # the lowest tier that may request it
    fields: Mapped[list[Any]] = mapped_column(default=list)  # the form definition (see definition.py)
    fulfilment: Mapped[str] = mapped_column(sa.String(10), default="manual")
    action: Mapped[str | None] = mapped_column(sa.String(40))
    action_config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("groups.id", ondelete="SET NULL"))
    approver_group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("groups.id", ondelete="SET NULL"))
    approver_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    checklist: Mapped[list[Any]] = mapped_column(default=list)  # task titles for people to tick off
    done_message_ko: Mapped[str] = mapped_column(sa.Text, default="")
    done_message_en: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    group: Mapped[Group | None] = relationship(foreign_keys=[group_id], lazy="joined")
    approver_group: Mapped[Group | None] = relationship(foreign_keys=[approver_group_id], lazy="joined")
    approver_user: Mapped[User | None] = relationship(foreign_keys=[approver_user_id], lazy="joined")

    def text(self, attr: str, locale: str) -> str:
        """A translated attribute (name, description, category, done_message) in `locale`, else in the other language."""
        first, second = (f"{attr}_en", f"{attr}_ko") if locale == "en" else (f"{attr}_ko", f"{attr}_en")
        return getattr(self, first) or getattr(self, second) or ""

    def __repr__(self) -> str:
        return f"<CatalogItem {self.slug}>"


class CatalogRequest(Model):
    """One customer's request for an item: the answers, where it stands, what the action returned."""

    __tablename__ = "catalog_requests"
    __table_args__ = (
        sa.Index("ix_catalog_requests_customer_created", "customer_id", "created_at", "id"),
        sa.Index("ix_catalog_requests_state_updated", "state", "updated_at", "id"),
        sa.Index("ix_catalog_requests_item_created", "item_id", "created_at"),
        sa.Index("ix_catalog_requests_created", "created_at", "id"),
        sa.Index("ix_catalog_requests_updated", "updated_at", "id"),
        sa.Index("ix_catalog_requests_ticket", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(32), unique=True)  # sent as the webhook's idempotency key
    # A digest of who sent it and the key their client sent: the same submission twice is one request.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("catalog_items.id"))
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"))
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(sa.String(20), default="submitted")
    locale: Mapped[str] = mapped_column(sa.String(10), default="ko")
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    error: Mapped[str | None] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(default=0)
    automatic: Mapped[bool] = mapped_column(default=False)  # fulfilled by the action, no person involved
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    decision_comment: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    fulfilled_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]  # the action gave up (kept when a person fulfils it afterwards)

    item: Mapped[CatalogItem] = relationship(lazy="joined", innerjoin=True)
    customer: Mapped[Customer] = relationship(lazy="joined", innerjoin=True)
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    ticket: Mapped[Ticket | None] = relationship(lazy="joined")

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def __repr__(self) -> str:
        return f"<CatalogRequest {self.id} {self.state}>"


class RequestEvent(Model):
    """One step in a request's history: submitted, approved, an attempt that failed, fulfilled, …"""

    __tablename__ = "catalog_request_events"
    __table_args__ = (sa.Index("ix_catalog_request_events_request_id", "request_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("catalog_requests.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(sa.String(30))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    actor_kind: Mapped[str] = mapped_column(sa.String(10), default="system")  # customer, agent, system
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)

    actor: Mapped[User | None] = relationship(lazy="joined")


class RequestTask(Model):
    """A checklist task of a request that people fulfil by hand."""

    __tablename__ = "catalog_request_tasks"
    __table_args__ = (sa.Index("ix_catalog_request_tasks_request_id", "request_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("catalog_requests.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(300))
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    done_by: Mapped[User | None] = relationship(lazy="joined")


class DemoCardReport(Model):
    """The demo card system's own record of lost-card reports (it stands in for the card company's system)."""

    __tablename__ = "demo_card_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    report_no: Mapped[str] = mapped_column(sa.String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

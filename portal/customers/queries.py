"""Read-side selects for customers: lookups, the timeline (keyset), and the agent's customer panel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.customers import identities
from portal.customers.models import Customer, CustomerMerge, Identity, TimelineEntry


def by_identity(kind: str, raw: str) -> sa.Select:
    """Customers holding an identity (normalized first)."""
    value = identities.normalize(kind, raw) or ""
    return (
        sa.select(Customer)
        .join(Identity, Identity.customer_id == Customer.id)
        .where(Identity.kind == kind, Identity.value == value)
        .order_by(Customer.id)
    )


def timeline(customer_id: int, *, after: list[Any] | None = None, limit: int = 30) -> sa.Select:
    """A customer's history, newest first (keyset on at, id)."""
    stmt = sa.select(TimelineEntry).where(TimelineEntry.customer_id == customer_id)
    if after:
        at, last_id = datetime.fromisoformat(after[0]), after[1]
        stmt = stmt.where(
            sa.or_(TimelineEntry.at < at, sa.and_(TimelineEntry.at == at, TimelineEntry.id < last_id))
        )
    return stmt.order_by(TimelineEntry.at.desc(), TimelineEntry.id.desc()).limit(limit)


def merges(customer_id: int) -> sa.Select:
    """Merges into this customer that are still in effect, newest first."""
    return (
        sa.select(CustomerMerge)
        .where(CustomerMerge.survivor_id == customer_id, CustomerMerge.undone_at.is_(None))
        .order_by(CustomerMerge.id.desc())
    )


def search(text: str, limit: int = 20) -> sa.Select:
    """Customers whose name or an identity starts with / contains the text (agents' picker)."""
    text = (text or "").strip()
    like = f"%{text.casefold()}%"
    by_identity_ids = sa.select(Identity.customer_id).where(Identity.value.like(like))
    return (
        sa.select(Customer)
        .where(
            Customer.merged_into_id.is_(None),
            sa.or_(
                Customer.name_key.like(f"%{identities.name_key(text)}%"), Customer.id.in_(by_identity_ids)
            ),
        )
        .order_by(Customer.name)
        .limit(limit)
    )

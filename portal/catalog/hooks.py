"""The catalog's answers to other domains' signals: requests follow customer and ticket merges."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from portal.catalog.models import CatalogRequest
from portal.core import signals
from portal.customers import service as customers
from portal.extensions import db


def _move(merge: Any, survivor: Any, other: Any, **_: Any) -> None:
    ids = db.session.scalars(sa.select(CatalogRequest.id).where(CatalogRequest.customer_id == other.id)).all()
    if ids:
        db.session.execute(
            sa.update(CatalogRequest).where(CatalogRequest.id.in_(ids)).values(customer_id=survivor.id)
        )
        customers.note_moved(merge, "catalog_requests", list(ids))


def _restore(merge: Any, survivor: Any, other: Any, **_: Any) -> None:
    ids = customers.moved_ids(merge, "catalog_requests")
    if ids:
        db.session.execute(
            sa.update(CatalogRequest)
            .where(CatalogRequest.id.in_(ids), CatalogRequest.customer_id == survivor.id)
            .values(customer_id=other.id)
        )


def _ticket_merged(survivor: Any, other: Any, **_: Any) -> None:
    """A request's conversation merged into another ticket: the request follows its messages."""
    db.session.execute(
        sa.update(CatalogRequest).where(CatalogRequest.ticket_id == other.id).values(ticket_id=survivor.id)
    )


signals.customers_merging.connect(_move)
signals.customers_unmerging.connect(_restore)
signals.tickets_merged.connect(_ticket_merged)

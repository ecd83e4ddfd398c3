"""The catalog's answers to other domains' signals: requests follow customer merges (and un-merges)."""

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
        db.session.execute(sa.update(CatalogRequest).where(CatalogRequest.id.in_(ids)).values(customer_id=survivor.id))
        customers.note_moved(merge, "catalog_requests", list(ids))


def _restore(merge: Any, survivor: Any, other: Any, **_: Any) -> None:
    ids = customers.moved_ids(merge, "catalog_requests")
    if ids:
        db.session.execute(
            sa.update(CatalogRequest)
            .where(CatalogRequest.id.in_(ids), CatalogRequest.customer_id == survivor.id)
            .values(customer_id=other.id)
        )


signals.customers_merging.connect(_move)
signals.customers_unmerging.connect(_restore)

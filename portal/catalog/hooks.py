"""The catalog's answers to other domains' signals: requests follow customer and ticket merges."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from portal.catalog.models import CatalogRequest
from portal.core import signals
from portal.customers import service as customers
from portal.extensions import db


def _ticket_merged(survivor: Any, other: Any, **_: Any) -> None:
    """A request's conversation merged into another ticket: the request follows its messages."""
    db.session.execute(
        sa.update(CatalogRequest).where(CatalogRequest.ticket_id == other.id).values(ticket_id=survivor.id)
    )


customers.follows_merges(CatalogRequest, "catalog_requests")
signals.tickets_merged.connect(_ticket_merged)

"""Figures reports read by name (portal.core.measures): requests by item, automatic resolution, time to fulfil,
failure rate. Each covers requests filed in [start, end); `group_id` keeps the items of that group."""

from __future__ import annotations

from datetime import datetime
from statistics import median
from typing import Any

import sqlalchemy as sa

from portal.catalog.models import CatalogItem, CatalogRequest
from portal.core.measures import measure, rate_part
from portal.extensions import db


def _filed(start: datetime, end: datetime, group_id: int | None) -> list[Any]:
    clauses = [CatalogRequest.created_at >= start, CatalogRequest.created_at < end]
    if group_id is not None:
        clauses.append(CatalogItem.group_id == group_id)
    return clauses


@measure("requests_by_item")
def requests_by_item(start: datetime, end: datetime, *, group_id: int | None = None) -> dict[str, int]:
    """How many requests each item got (by slug)."""
    rows = db.session.execute(
        sa.select(CatalogItem.slug, sa.func.count(CatalogRequest.id))
        .join(CatalogItem, CatalogItem.id == CatalogRequest.item_id)
        .where(*_filed(start, end, group_id))
        .group_by(CatalogItem.slug)
        .order_by(sa.func.count(CatalogRequest.id).desc())
    ).all()
    return {slug: count for slug, count in rows}


def _counts(start: datetime, end: datetime, group_id: int | None) -> Any:
    return db.session.execute(
        sa.select(
            sa.func.count(CatalogRequest.id),
            sa.func.count(CatalogRequest.id).filter(CatalogRequest.automatic.is_(True)),
            sa.func.count(CatalogRequest.id).filter(CatalogRequest.failed_at.is_not(None)),
            sa.func.count(CatalogRequest.id).filter(
                sa.or_(CatalogRequest.attempts > 0, CatalogRequest.failed_at.is_not(None))
            ),
            sa.func.count(CatalogRequest.id).filter(CatalogRequest.state == "cancelled"),
        )
        .join(CatalogItem, CatalogItem.id == CatalogRequest.item_id)
        .where(*_filed(start, end, group_id))
    ).one()


@rate_part("auto_resolution_rate")
def auto_resolved_requests(start: datetime, end: datetime, *, group_id: int | None = None) -> tuple[int, int]:
    """Requests (not cancelled) fulfilled by their action alone, with no person involved, of all requests."""
    total, automatic, _failed, _ran, cancelled = _counts(start, end, group_id)
    return automatic, total - cancelled


@measure("catalog_auto_resolution_rate")
def catalog_auto_resolution_rate(
    start: datetime, end: datetime, *, group_id: int | None = None
) -> float | None:
    """Share of requests (not cancelled) fulfilled by their action alone."""
    automatic, considered = auto_resolved_requests(start, end, group_id=group_id)
    return round(automatic / considered, 4) if considered else None


@measure("request_failure_rate")
def request_failure_rate(start: datetime, end: datetime, *, group_id: int | None = None) -> float | None:
    """Share of requests whose action ran and gave up (handed to a person)."""
    _total, _automatic, failed, ran, _cancelled = _counts(start, end, group_id)
    return round(failed / ran, 4) if ran else None


@measure("time_to_fulfil_median_s")
def time_to_fulfil_median_s(start: datetime, end: datetime, *, group_id: int | None = None) -> float | None:
    """Median seconds from filing to fulfilment, over fulfilled requests filed in the range."""
    rows = db.session.execute(
        sa.select(CatalogRequest.created_at, CatalogRequest.fulfilled_at)
        .join(CatalogItem, CatalogItem.id == CatalogRequest.item_id)
        .where(*_filed(start, end, group_id), CatalogRequest.fulfilled_at.is_not(None))
    ).all()
    durations = [(done - filed).total_seconds() for filed, done in rows]
    return round(median(durations), 3) if durations else None

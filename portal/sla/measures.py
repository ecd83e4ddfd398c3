"""SLA figures for reports (portal.core.measures), over [start, end) and optionally one group.

Each target counts once, at its outcome: missed at its due time (breached_at), or met when fulfilled without a
breach (fulfilled_at). A target cancelled before its outcome (policy removed, ticket merged) does not count.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.core.measures import measure
from portal.extensions import db
from portal.sla.models import SlaClock
from portal.tickets.models import Ticket


def _count(where: list[Any], group_id: int | None) -> int:
    stmt = sa.select(sa.func.count()).select_from(SlaClock).where(*where)
    if group_id is not None:
        stmt = stmt.join(Ticket, Ticket.id == SlaClock.ticket_id).where(Ticket.group_id == group_id)
    return int(db.session.scalar(stmt) or 0)


def breaches(
    start: datetime, end: datetime, *, group_id: int | None = None, metric: str | None = None
) -> int:
    """Targets missed in the range."""
    where = [SlaClock.breached_at >= start, SlaClock.breached_at < end]
    if metric:
        where.append(SlaClock.metric == metric)
    return _count(where, group_id)


def met(start: datetime, end: datetime, *, group_id: int | None = None, metric: str | None = None) -> int:
    """Targets fulfilled in time in the range."""
    where = [SlaClock.fulfilled_at >= start, SlaClock.fulfilled_at < end, SlaClock.breached_at.is_(None)]
    if metric:
        where.append(SlaClock.metric == metric)
    return _count(where, group_id)


def attainment(
    start: datetime, end: datetime, *, group_id: int | None = None, metric: str | None = None
) -> float | None:
    """Share of targets met among those decided in the range (None when none was)."""
    good = met(start, end, group_id=group_id, metric=metric)
    bad = breaches(start, end, group_id=group_id, metric=metric)
    return None if good + bad == 0 else good / (good + bad)


@measure("sla_breaches")
def sla_breaches(start: datetime, end: datetime, *, group_id: int | None = None) -> int:
    """SLA targets (first response and resolution) missed in the range."""
    return breaches(start, end, group_id=group_id)


@measure("sla_attainment")
def sla_attainment(start: datetime, end: datetime, *, group_id: int | None = None) -> float | None:
    """Share (0–1) of SLA targets met among those decided in the range."""
    return attainment(start, end, group_id=group_id)


@measure("sla_first_response_attainment")
def sla_first_response_attainment(
    start: datetime, end: datetime, *, group_id: int | None = None
) -> float | None:
    """Share (0–1) of first-response targets met."""
    return attainment(start, end, group_id=group_id, metric="first_response")


@measure("sla_resolution_attainment")
def sla_resolution_attainment(start: datetime, end: datetime, *, group_id: int | None = None) -> float | None:
    """Share (0–1) of resolution targets met."""
    return attainment(start, end, group_id=group_id, metric="resolution")


@measure("sla_first_response_breaches")
def sla_first_response_breaches(start: datetime, end: datetime, *, group_id: int | None = None) -> int:
    """First-response targets missed in the range."""
    return breaches(start, end, group_id=group_id, metric="first_response")


@measure("sla_resolution_breaches")
def sla_resolution_breaches(start: datetime, end: datetime, *, group_id: int | None = None) -> int:
    """Resolution targets missed in the range."""
    return breaches(start, end, group_id=group_id, metric="resolution")

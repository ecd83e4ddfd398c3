"""Read-side selects for surveys."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.feedback.models import Survey


def for_ticket(ticket_id: int) -> sa.Select:
    """The surveys about one ticket, in the order they were made."""
    return sa.select(Survey).where(Survey.ticket_id == ticket_id).order_by(Survey.id)


def companions(survey: Survey, now: datetime) -> sa.Select:
    """Other questions of the same resolution still open (CES after CSAT)."""
    return (
        sa.select(Survey)
        .where(
            Survey.ticket_id == survey.ticket_id,
            Survey.ticket_id.is_not(None),
            Survey.id != survey.id,
            Survey.closes_at > now,
        )
        .order_by(Survey.id)
    )


def pending_for_customer(customer_id: int, now: datetime, limit: int = 3) -> sa.Select:
    """Open, unanswered surveys of a customer, newest first (the portal asks them)."""
    return (
        sa.select(Survey)
        .where(Survey.customer_id == customer_id, Survey.score.is_(None), Survey.closes_at > now)
        .options(selectinload(Survey.ticket))
        .order_by(Survey.id.desc())
        .limit(limit)
    )


def page(
    *,
    ticket_id: int | None = None,
    customer_id: int | None = None,
    kind: str | None = None,
    before_id: int | None = None,
    limit: int = 25,
) -> sa.Select:
    """Surveys newest first, keyset by id, filtered by ticket, customer and kind."""
    stmt = sa.select(Survey)
    if ticket_id is not None:
        stmt = stmt.where(Survey.ticket_id == ticket_id)
    if customer_id is not None:
        stmt = stmt.where(Survey.customer_id == customer_id)
    if kind is not None:
        stmt = stmt.where(Survey.kind == kind)
    if before_id is not None:
        stmt = stmt.where(Survey.id < before_id)
    return stmt.order_by(Survey.id.desc()).limit(limit)

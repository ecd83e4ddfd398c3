"""Deflection: a customer who was shown answers while typing a request, opened one, and did not file.

The request form's script gives each visit a random key. Suggestions shown for that key start an attempt; opening a
suggestion records what was opened; a request filed with the key (sent in the form's context) marks it filed.
After DEFLECTION_WINDOW_SECONDS (default 30 minutes) without a request, an opened attempt counts as deflected
and one where nothing was opened as abandoned. deflection_rate = deflected / (deflected + filed).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from portal.core import measures, signals
from portal.core.db import utcnow
from portal.extensions import db
from portal.search.models import DeflectionAttempt

KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def valid_key(key: Any) -> bool:
    """Keys are random tokens made by the page; anything else is ignored."""
    return isinstance(key, str) and bool(KEY_RE.match(key))


def _attempt(key: str, customer: Any, channel: str) -> DeflectionAttempt:
    attempt = db.session.scalar(sa.select(DeflectionAttempt).where(DeflectionAttempt.key == key))
    if attempt is None:
        attempt = DeflectionAttempt(key=key, channel=channel, customer_id=getattr(customer, "id", None))
        try:
            with db.session.begin_nested():
                db.session.add(attempt)
        except sa.exc.IntegrityError:  # two type-ahead calls at once
            attempt = db.session.scalar(sa.select(DeflectionAttempt).where(DeflectionAttempt.key == key))
            assert attempt is not None
    return attempt


def record_shown(
    key: str, query: str, shown: int, customer: Any, channel: str = "web"
) -> DeflectionAttempt | None:
    """Suggestions were shown for this visit (the first time starts the attempt)."""
    if not valid_key(key) or shown <= 0:
        return None
    attempt = _attempt(key, customer, channel)
    if attempt.outcome == "pending":
        attempt.query = query[:300]
        attempt.shown = shown
    return attempt


def record_opened(
    key: str, kind: str, item_id: int, title: str, customer: Any, channel: str = "web"
) -> DeflectionAttempt | None:
    """The customer opened a suggestion."""
    if not valid_key(key):
        return None
    attempt = _attempt(key, customer, channel)
    if attempt.outcome == "pending":
        attempt.opened_kind = kind[:20]
        attempt.opened_id = item_id
        attempt.opened_title = (title or "")[:300]
        attempt.opened_at = utcnow()
    return attempt


def record_filed(key: str, ticket: Any) -> None:
    """A request was filed from the visit with this key: not a deflection, whatever was opened before."""
    if not valid_key(key):
        return
    attempt = db.session.scalar(sa.select(DeflectionAttempt).where(DeflectionAttempt.key == key))
    if attempt is None or attempt.outcome == "filed":
        return
    attempt.outcome = "filed"
    attempt.ticket_id = ticket.id
    attempt.settled_at = utcnow()


def settle_attempts(now: datetime | None = None) -> int:
    """Close pending attempts older than the window: opened → deflected, otherwise abandoned."""
    now = now or utcnow()
    cutoff = now - timedelta(seconds=current_app.config.get("DEFLECTION_WINDOW_SECONDS", 1800))
    pending = db.session.scalars(
        sa.select(DeflectionAttempt)
        .where(DeflectionAttempt.outcome == "pending", DeflectionAttempt.created_at <= cutoff)
        .limit(5000)
    ).all()
    for attempt in pending:
        last = attempt.opened_at or attempt.created_at
        if last > cutoff:
            continue
        attempt.outcome = "deflected" if attempt.opened_at else "abandoned"
        attempt.settled_at = now
        if attempt.outcome == "deflected":
            signals.deflection_recorded.send(attempt, customer_id=attempt.customer_id)
    return len(pending)


def _on_ticket_created(ticket: Any, inbound: Any = None, **_: Any) -> None:
    context = getattr(inbound, "context", None) or {}
    for item in context.get("searches") or []:
        if isinstance(item, dict) and valid_key(item.get("attempt")):
            record_filed(item["attempt"], ticket)


signals.ticket_created.connect(_on_ticket_created)


def _counts(start: datetime, end: datetime) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(DeflectionAttempt.outcome, sa.func.count())
        .where(DeflectionAttempt.created_at >= start, DeflectionAttempt.created_at < end)
        .group_by(DeflectionAttempt.outcome)
    ).all()
    return {outcome: count for outcome, count in rows}


@measures.measure("deflection_rate")
def deflection_rate(start: datetime, end: datetime, *, group_id: int | None = None) -> float | None:
    """Share of self-service attempts that ended in an opened answer and no request (None without any)."""
    counts = _counts(start, end)
    decided = counts.get("deflected", 0) + counts.get("filed", 0)
    return round(counts.get("deflected", 0) / decided, 4) if decided else None


@measures.measure("deflections")
def deflections(start: datetime, end: datetime, *, group_id: int | None = None) -> int:
    """Requests avoided: attempts settled as deflected."""
    return _counts(start, end).get("deflected", 0)


@measures.measure("self_service_attempts")
def attempts(start: datetime, end: datetime, *, group_id: int | None = None) -> dict[str, int]:
    """Attempts by outcome (pending, deflected, filed, abandoned)."""
    counts = _counts(start, end)
    return {outcome: counts.get(outcome, 0) for outcome in ("pending", "deflected", "filed", "abandoned")}

"""Background work of the SLA domain: the minute-by-minute watch, and recomputing clocks after a set-up change."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from huey import crontab

from portal.core import outbox
from portal.core.jobs import periodic_job
from portal.extensions import db
from portal.sla import clock, service, watch
from portal.tickets.models import OPEN_STATUSES, Ticket

RECOMPUTE_BATCH = 500


@periodic_job(crontab(minute="*"), name="sla.watch")
def watch_clocks() -> dict[str, int]:
    """Warn before breaches and record breaches (every minute)."""
    return watch.check_due()


def recompute(after_id: int = 0, limit: int = RECOMPUTE_BATCH) -> int | None:
    """Refresh the clocks of open tickets with id > after_id; returns the last id done, or None when finished."""
    tickets = db.session.scalars(
        sa.select(Ticket)
        .where(Ticket.id > after_id, Ticket.status.in_(OPEN_STATUSES), Ticket.merged_into_id.is_(None))
        .order_by(Ticket.id)
        .limit(limit)
    ).all()
    if not tickets:
        return None
    by_ticket = clock.clocks_of(t.id for t in tickets)
    for ticket in tickets:
        clock.refresh(ticket, clocks=by_ticket.get(ticket.id, {}))
    return tickets[-1].id if len(tickets) == limit else None


@outbox.handler(service.RECOMPUTE)
def _recompute(payload: dict[str, Any]) -> None:
    last = recompute(int(payload.get("after_id") or 0))
    if last is not None:  # more to do: continue in a fresh run (each run is short and commits on its own)
        outbox.enqueue(db.session, service.RECOMPUTE, {"after_id": last})

"""Transactional outbox: side effects (mail, index writes, webhooks) written as rows in the same transaction as
the change, and run by the worker only after that transaction committed.

A row is delivered right after commit through the task queue; the periodic sweep picks up anything whose
delivery was lost (a crash between commit and enqueue) and retries failures with backoff.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from huey import crontab
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.core import signals
from portal.core.db import Model, utcnow
from portal.core.jobs import job, periodic_job

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], None]
_handlers: dict[str, Handler] = {}

MAX_ATTEMPTS = 8
STALE_RUNNING = timedelta(minutes=10)


class OutboxEvent(Model):
    """One side effect waiting to run after its transaction committed."""

    __tablename__ = "outbox"
    __table_args__ = (sa.Index("ix_outbox_state_run_after", "state", "run_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[str] = mapped_column(sa.String(12), default="pending")  # pending, running, done, failed
    attempts: Mapped[int] = mapped_column(default=0)
    run_after: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that performs events of this kind (it must be safe to run twice)."""

    def register(fn: Handler) -> Handler:
        _handlers[kind] = fn
        return fn

    return register


def has_handler(kind: str) -> bool:
    """Whether some domain performs events of this kind."""
    return kind in _handlers


def enqueue(session: Session, kind: str, payload: dict[str, Any], *, delay: float = 0) -> OutboxEvent:
    """Add a side effect to the current transaction; it runs after the commit, or never if it rolls back."""
    event = OutboxEvent(kind=kind, payload=payload, run_after=utcnow() + timedelta(seconds=delay))
    session.add(event)
    session.info.setdefault("outbox_new", []).append(event)
    return event


def after_commit(session: Session) -> None:
    """Session hook: hand the rows this transaction wrote to the task queue."""
    if session.in_nested_transaction():
        return  # a SAVEPOINT was released: the rows are not committed until the outer transaction is
    events = session.info.pop("outbox_new", None)
    if not events:
        return
    for event in events:
        delay = max(0.0, (event.run_after - utcnow()).total_seconds())
        try:
            if delay:
                deliver.schedule((event.id,), delay=delay)
            else:
                deliver(event.id)
        except Exception:  # the queue is down: the sweep delivers it later
            log.exception("could not enqueue outbox event %s", event.id)


def after_rollback(session: Session) -> None:
    """Session hook: rows of a rolled-back transaction (or SAVEPOINT) never existed; the others still wait."""
    events = session.info.pop("outbox_new", None)
    if events and session.in_transaction():
        kept = [e for e in events if e in session]
        if kept:
            session.info["outbox_new"] = kept


def install(session_class: type[Session]) -> None:
    """Connect the commit and rollback hooks to every session of the app."""
    sa.event.listen(session_class, "after_commit", after_commit)
    sa.event.listen(session_class, "after_soft_rollback", lambda s, _t: after_rollback(s))


def claim(event_id: int) -> OutboxEvent | None:
    """Take the event for this run if nobody else holds it (one UPDATE, safe across processes)."""
    from portal.extensions import db

    table = OutboxEvent.__table__
    now = utcnow()
    claimed = db.session.execute(
        sa.update(table)
        .where(table.c.id == event_id, table.c.state == "pending", table.c.run_after <= now)
        .values(state="running", run_after=now, attempts=table.c.attempts + 1)
    ).rowcount
    db.session.commit()
    return db.session.get(OutboxEvent, event_id) if claimed else None


@job(retries=0, name="outbox.deliver")
def deliver(event_id: int) -> None:
    """Run one event's handler; on failure record the error and schedule a retry with backoff."""
    from portal.extensions import db

    event = claim(event_id)
    if event is None:
        return
    run = _handlers.get(event.kind)
    try:
        if run is None:
            raise LookupError(f"no handler for outbox kind {event.kind!r}")
        run(dict(event.payload))
    except Exception as error:
        db.session.rollback()
        event = db.session.get(OutboxEvent, event_id)
        assert event is not None
        retry_or_fail(event, error)
        db.session.commit()
        if event.state == "pending":
            deliver.schedule((event.id,), delay=(event.run_after - utcnow()).total_seconds())
        return
    event.state = "done"
    event.done_at = utcnow()
    event.last_error = None


def retry_or_fail(event: OutboxEvent, error: BaseException) -> None:
    """Back off exponentially (5 s, 10 s, 20 s, … capped at an hour); give up after MAX_ATTEMPTS."""
    event.last_error = "".join(traceback.format_exception_only(type(error), error)).strip()[:2000]
    log.warning("outbox event %s (%s) failed, attempt %s: %s", event.id, event.kind, event.attempts, error)
    if event.attempts >= MAX_ATTEMPTS:
        event.state = "failed"
        signals.outbox_gave_up.send(event)
        return
    event.state = "pending"
    event.run_after = utcnow() + timedelta(seconds=min(3600, 5 * 2 ** (event.attempts - 1)))


@periodic_job(crontab(minute="*"), name="outbox.sweep")
def sweep() -> int:
    """Re-deliver events whose delivery was lost and release runs that died mid-way."""
    from portal.extensions import db

    now = utcnow()
    table = OutboxEvent.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.state == "running", table.c.run_after < now - STALE_RUNNING)
        .values(state="pending")
    )
    due = db.session.scalars(
        sa.select(table.c.id).where(table.c.state == "pending", table.c.run_after <= now).limit(500)
    ).all()
    db.session.commit()
    for event_id in due:
        deliver(event_id)
    return len(due)


def retry_now(session: Session, event: OutboxEvent) -> None:
    """An admin asked to try a failed event again."""
    event.state = "pending"
    event.attempts = 0
    event.run_after = utcnow()
    session.info.setdefault("outbox_new", []).append(event)

"""Keeping report facts and daily counts in step with tickets, incrementally.

Each ticket change recomputes that ticket's fact row; the daily counts move by the difference between what the
old and the new row contributed (a reopened ticket takes its "solved" back, a regrouped one moves its counts).
A periodic job re-syncs recently updated tickets, and `reports rebuild` recomputes everything from tickets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from portal.core.db import utcnow
from portal.extensions import db
from portal.feedback.days import company_day
from portal.reports.models import NO_GROUP, DailyCount, TicketFact
from portal.tickets.models import STATUSES, Ticket

Key = tuple[date, int, str]
FIELDS = (
    "channel",
    "group_id",
    "assignee_id",
    "created_day",
    "first_response_day",
    "first_response_s",
    "solved_day",
    "resolution_s",
)


def _seconds(start: datetime, end: datetime | None) -> int | None:
    return None if end is None else max(0, int((end - start).total_seconds()))


def fact_values(ticket: Any) -> dict[str, Any]:
    """What reports need of a ticket (works on a Ticket or on a row with the same columns)."""
    return {
        "channel": ticket.channel,
        "group_id": ticket.group_id,
        "assignee_id": ticket.assignee_id,
        "created_day": company_day(ticket.created_at),
        "first_response_day": company_day(ticket.first_response_at) if ticket.first_response_at else None,
        "first_response_s": _seconds(ticket.created_at, ticket.first_response_at),
        "solved_day": company_day(ticket.solved_at) if ticket.solved_at else None,
        "resolution_s": _seconds(ticket.created_at, ticket.solved_at),
    }


def contributions(values: dict[str, Any] | None) -> Counter[tuple[Key, str]]:
    """The daily counts one ticket adds: created on its day, solved on its solved day."""
    counts: Counter[tuple[Key, str]] = Counter()
    if values is None:
        return counts
    group = values["group_id"] or NO_GROUP
    counts[((values["created_day"], group, values["channel"]), "created")] += 1
    if values["solved_day"] is not None:
        counts[((values["solved_day"], group, values["channel"]), "solved")] += 1
    return counts


def sync_ticket(ticket: Ticket) -> None:
    """Bring one ticket's fact row and the daily counts it feeds up to date (flushes)."""
    new = fact_values(ticket)
    fact = db.session.get(TicketFact, ticket.id)
    old = {name: getattr(fact, name) for name in FIELDS} if fact is not None else None
    if old == new:
        return
    if fact is None:
        db.session.add(TicketFact(ticket_id=ticket.id, **new))
    else:
        for name, value in new.items():
            setattr(fact, name, value)
    delta = contributions(new)
    delta.subtract(contributions(old))
    bump({key: n for key, n in delta.items() if n})
    db.session.flush()


def bump(delta: dict[tuple[Key, str], int]) -> None:
    """Add to the daily counts (one upsert per day, group and channel touched)."""
    rows: dict[Key, dict[str, int]] = {}
    for (key, measure), n in delta.items():
        rows.setdefault(key, {"created": 0, "solved": 0})[measure] += n
    if not rows:
        return
    table = DailyCount.__table__
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    for (day, group, channel), counts in rows.items():
        stmt = insert(table).values(day=day, group_key=group, channel=channel, **counts)
        stmt = stmt.on_conflict_do_update(
            index_elements=["day", "group_key", "channel"],
            set_={
                "created": table.c.created + stmt.excluded.created,
                "solved": table.c.solved + stmt.excluded.solved,
            },
        )
        db.session.execute(stmt)


def sync_recent(since: datetime) -> int:
    """Re-sync tickets updated since then (catches changes made without a signal); returns how many."""
    count = 0
    for status in STATUSES:  # one indexed range per status: ix_tickets_status_updated
        ids = db.session.scalars(
            sa.select(Ticket.id).where(Ticket.status == status, Ticket.updated_at >= since)
        ).all()
        for start in range(0, len(ids), 500):
            for ticket in db.session.scalars(
                sa.select(Ticket).where(Ticket.id.in_(ids[start : start + 500]))
            ):
                sync_ticket(ticket)
                count += 1
    return count


COLUMNS = (
    Ticket.id,
    Ticket.channel,
    Ticket.group_id,
    Ticket.assignee_id,
    Ticket.created_at,
    Ticket.first_response_at,
    Ticket.solved_at,
)


def rebuild(batch: int = 5000, progress: Any = None) -> int:
    """Recompute every fact row and every daily count from the tickets (the `reports rebuild` command)."""
    db.session.execute(sa.delete(TicketFact))
    db.session.execute(sa.delete(DailyCount))
    totals: Counter[tuple[Key, str]] = Counter()
    last_id, done = 0, 0
    while True:
        rows = db.session.execute(
            sa.select(*COLUMNS).where(Ticket.id > last_id).order_by(Ticket.id).limit(batch)
        ).all()
        if not rows:
            break
        facts = []
        for row in rows:
            values = fact_values(row)
            totals.update(contributions(values))
            facts.append({"ticket_id": row.id, **values})
        db.session.execute(sa.insert(TicketFact), facts)
        last_id, done = rows[-1].id, done + len(rows)
        if progress is not None:
            progress(len(rows))
    _insert_daily(totals)
    db.session.flush()
    return done


def _insert_daily(totals: Counter[tuple[Key, str]]) -> None:
    rows: dict[Key, dict[str, Any]] = {}
    for ((day, group, channel), measure), n in totals.items():
        row = rows.setdefault((day, group, channel), {"day": day, "group_key": group, "channel": channel})
        row[measure] = n
    payload = [{"created": 0, "solved": 0, **row} for row in rows.values()]
    for start in range(0, len(payload), 5000):
        db.session.execute(sa.insert(DailyCount), payload[start : start + 5000])


def recent_window(minutes: int = 30) -> datetime:
    """The start of the window the periodic re-sync covers."""
    return utcnow() - timedelta(minutes=minutes)


def sync_many(tickets: Iterable[Ticket]) -> None:
    """Sync several tickets (after a bulk change)."""
    for ticket in tickets:
        sync_ticket(ticket)

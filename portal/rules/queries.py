"""Read-side selects of the rules domain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.rules.models import Rule, RuleFiring, RuleLoop
from portal.tickets.models import Ticket, TicketEvent


def rules(kind: str, group_id: int | None = None) -> sa.Select:
    """Rules of a kind in the order they run; with a group, that department's rules and the global ones."""
    stmt = sa.select(Rule).where(Rule.kind == kind)
    if group_id:
        stmt = stmt.where(sa.or_(Rule.group_id == group_id, Rule.group_id.is_(None)))
    return stmt.order_by(Rule.position, Rule.id)


def fired_counts(since: datetime) -> sa.Select:
    """(rule id, times fired) since a moment."""
    return (
        sa.select(RuleFiring.rule_id, sa.func.count())
        .where(RuleFiring.at >= since)
        .group_by(RuleFiring.rule_id)
    )


def recent_loops(since: datetime, limit: int = 20) -> list[dict[str, Any]]:
    """Loops stopped since a moment, newest first, with rule names and ticket refs (two queries)."""
    loops = db.session.scalars(
        sa.select(RuleLoop).where(RuleLoop.at >= since).order_by(RuleLoop.at.desc()).limit(limit)
    ).all()
    if not loops:
        return []
    rule_ids = {i for loop in loops for i in loop.rule_ids}
    names = dict(db.session.execute(sa.select(Rule.id, Rule.name).where(Rule.id.in_(rule_ids))).all())
    refs = dict(
        db.session.execute(
            sa.select(Ticket.id, Ticket.ref).where(
                Ticket.id.in_({loop.ticket_id for loop in loops if loop.ticket_id})
            )
        ).all()
    )
    return [
        {
            "at": loop.at,
            "rules": [(i, names.get(i, f"#{i}")) for i in loop.rule_ids],
            "ref": refs.get(loop.ticket_id or -1),
            "passes": loop.passes,
            "fields": loop.fields,
        }
        for loop in loops
    ]


def ticket_rule_events(ticket_id: int, limit: int = 30) -> sa.Select:
    """Which rule did what on a ticket (and loops stopped there), oldest first."""
    return (
        sa.select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket_id, TicketEvent.kind.in_(("rule", "rule_loop")))
        .order_by(TicketEvent.at, TicketEvent.id)
        .limit(limit)
    )

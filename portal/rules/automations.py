"""Automations: rules on time since an event ("pending for 72 hours → remind, then close"), run by the worker.

Each active automation scans the tickets its time conditions can match (an indexed range on the event's column,
except "since the status was set", read from the history in one query per batch), fires at most once per
occurrence of the event (RuleFiring.anchor_at), and then lets the update triggers react to what it changed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from portal.core.db import utcnow
from portal.extensions import db
from portal.rules import conditions, engine
from portal.rules.actions import Outcome, apply_all
from portal.rules.conditions import TIME_FIELDS, Facts
from portal.rules.models import Rule, RuleFiring
from portal.tickets.models import Ticket, TicketEvent

BATCH = 200
MAX_PER_RULE = 5000  # tickets looked at per automation per run; the next run continues

COLUMNS = {
    "hours_since_created": Ticket.created_at,
    "hours_since_updated": Ticket.updated_at,
    "hours_since_customer_message": Ticket.last_inbound_at,
    "hours_since_solved": Ticket.solved_at,
}


def run_automations(now: datetime | None = None) -> int:
    """Run every active automation once; returns how many times they fired."""
    now = now or utcnow()
    return sum(run_automation(rule, now) for rule in engine.active_rules("automation"))


def _prefilter(rule: Rule, now: datetime) -> list[Any]:
    where: list[Any] = [Ticket.status != "closed", Ticket.merged_into_id.is_(None)]
    if rule.group_id is not None:
        where.append(Ticket.group_id == rule.group_id)
    if rule.match == "any":
        return where
    for condition in rule.conditions:
        name, op, value = condition.get("field"), condition.get("op"), condition.get("value")
        column = COLUMNS.get(name or "")
        if column is not None:
            edge = now - timedelta(hours=float(value or 0))
            where.append(column < edge if op == "gt" else column > edge)
        elif name == "status" and op == "is":
            where.append(Ticket.status == value)
    return where


def status_since(ticket_ids: list[int]) -> dict[int, datetime]:
    """When each ticket's current status was set (its latest status change)."""
    rows = db.session.execute(
        sa.select(TicketEvent.ticket_id, sa.func.max(TicketEvent.at))
        .where(TicketEvent.ticket_id.in_(ticket_ids), TicketEvent.kind == "status")
        .group_by(TicketEvent.ticket_id)
    ).all()
    return {ticket_id: at for ticket_id, at in rows}


def _anchor_field(rule: Rule) -> str | None:
    return next((c["field"] for c in rule.conditions if c.get("field") in TIME_FIELDS), None)


def run_automation(rule: Rule, now: datetime) -> int:
    """Fire one automation on the tickets it matches now."""
    anchor_field = _anchor_field(rule)
    if anchor_field is None:
        return 0
    where = _prefilter(rule, now)
    fired, last_id, seen = 0, 0, 0
    while seen < MAX_PER_RULE:
        batch = db.session.scalars(
            sa.select(Ticket).where(*where, Ticket.id > last_id).order_by(Ticket.id).limit(BATCH)
        ).all()
        if not batch:
            break
        seen += len(batch)
        last_id = batch[-1].id
        fired += _fire_batch(rule, batch, anchor_field, now)
    return fired


def _fire_batch(rule: Rule, batch: list[Ticket], anchor_field: str, now: datetime) -> int:
    ids = [t.id for t in batch]
    since = status_since(ids)
    done = set(
        db.session.execute(
            sa.select(RuleFiring.ticket_id, RuleFiring.anchor_at).where(
                RuleFiring.rule_id == rule.id, RuleFiring.ticket_id.in_(ids)
            )
        ).all()
    )
    fired = 0
    for ticket in batch:
        facts = Facts(
            ticket, "time", now=now, anchors={"hours_since_status": since.get(ticket.id, ticket.created_at)}
        )
        if not conditions.matches(rule.conditions, rule.match, facts):
            continue
        anchor = conditions.anchor_of(anchor_field, facts)
        if anchor is None or (ticket.id, anchor) in done:
            continue
        fire(rule, ticket, facts, anchor)
        fired += 1
    return fired


def fire(rule: Rule, ticket: Ticket, facts: Facts, anchor: datetime) -> Outcome:
    """Apply an automation's actions, record it once for this anchor, then run the update triggers."""
    outcome = Outcome()
    with engine.quietly(ticket):
        apply_all(rule, rule.actions, ticket, outcome)
        engine.record(rule, ticket, outcome, facts, 1, anchor=anchor)
    if outcome.changes:
        engine.run_triggers(
            ticket, Facts(ticket, "updated", "system", changes=dict(outcome.changes), now=facts.now)
        )
    return outcome

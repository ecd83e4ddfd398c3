"""The SLA set-up as the clock reads it: active policies in order and calendars per group.

Loaded once per application context (a request or a job) in a handful of queries, and dropped when an admin
saves a change, so that refreshing many tickets costs one query per ticket, not one per policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import g

from portal.extensions import db
from portal.sla.calendar import BusinessCalendar
from portal.sla.models import Calendar, GroupCalendar, SlaPolicy
from portal.tickets.models import Ticket


@dataclass
class Setup:
    """Policies (ordered) and calendars (by id, by group, and the default)."""

    policies: list[SlaPolicy] = field(default_factory=list)
    calendars: dict[int, BusinessCalendar] = field(default_factory=dict)
    by_group: dict[int, int] = field(default_factory=dict)
    default_id: int | None = None

    def calendar_id_for(self, group_id: int | None) -> int | None:
        """The calendar a group works by (the default calendar when it has none of its own)."""
        if group_id is not None and group_id in self.by_group:
            return self.by_group[group_id]
        return self.default_id

    def match(self, ticket: Ticket) -> SlaPolicy | None:
        """The first active policy whose group, tiers and channels fit the ticket."""
        for policy in self.policies:
            if policy.group_id is not None and policy.group_id != ticket.group_id:
                continue
            if policy.tiers and ticket.customer.tier not in policy.tiers:
                continue
            if policy.channels and ticket.channel not in policy.channels:
                continue
            return policy
        return None


def to_business_calendar(row: Calendar) -> BusinessCalendar:
    """The pure calendar value of a stored calendar."""
    hours = tuple(
        tuple((int(b), int(e)) for b, e in (row.hours[i] if i < len(row.hours or []) else []))
        for i in range(7)
    )
    return BusinessCalendar(
        timezone=row.timezone,
        hours=hours,
        korean_holidays=row.korean_holidays,
        closed_days=frozenset(d.day for d in row.days if d.kind == "closed"),
        open_days=frozenset(d.day for d in row.days if d.kind == "open"),
    )


def load() -> Setup:
    """The set-up for this application context."""
    cached = g.get("_sla_setup")
    if cached is not None:
        return cached
    setup = Setup()
    setup.policies = list(
        db.session.scalars(
            sa.select(SlaPolicy).where(SlaPolicy.active.is_(True)).order_by(SlaPolicy.position, SlaPolicy.id)
        )
    )
    for row in db.session.scalars(sa.select(Calendar).order_by(Calendar.id)):
        setup.calendars[row.id] = to_business_calendar(row)
        if row.is_default and setup.default_id is None:
            setup.default_id = row.id
    setup.by_group = dict(
        db.session.execute(sa.select(GroupCalendar.group_id, GroupCalendar.calendar_id)).all()
    )
    g._sla_setup = setup
    return setup


def invalidate() -> None:
    """Forget the cached set-up (after an admin changed policies or calendars)."""
    g.pop("_sla_setup", None)

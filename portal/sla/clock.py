"""The SLA clock on each ticket: started by the matching policy, paused while the ticket waits on the customer,
fulfilled by the first public reply (first response) or by solving it (resolution), breached when it runs out.

`refresh(ticket)` is idempotent: it reconciles the ticket's clocks with its current state, so every signal that
may change an SLA simply calls it. Flushes, never commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from portal.core.db import utcnow
from portal.extensions import db
from portal.sla import config
from portal.sla.calendar import BusinessCalendar, add_business_seconds, business_seconds
from portal.sla.models import METRICS, SlaClock, SlaPolicy
from portal.tickets.models import NO_DUE, Ticket, TicketEvent

# Used when a policy counts business hours and no calendar was set up yet: Monday to Friday, 9 to 6, Seoul.
BUILT_IN = BusinessCalendar(hours=(((540, 1080),),) * 5 + ((), ()))


def calendar_of(clock: SlaClock) -> BusinessCalendar | None:
    """The calendar a clock counts on (None: around the clock)."""
    if not clock.business_hours:
        return None
    setup = config.load()
    return setup.calendars.get(clock.calendar_id or -1, BUILT_IN)


def clocks_of(ticket_ids: Iterable[int]) -> dict[int, dict[str, SlaClock]]:
    """The clocks of several tickets, by ticket and metric (one query)."""
    found: dict[int, dict[str, SlaClock]] = {}
    ids = list(ticket_ids)
    if not ids:
        return found
    for clock in db.session.scalars(sa.select(SlaClock).where(SlaClock.ticket_id.in_(ids))):
        found.setdefault(clock.ticket_id, {})[clock.metric] = clock
    return found


def desired_state(metric: str, ticket: Ticket, now: datetime) -> tuple[str, datetime | None]:
    """Where the clock should be given the ticket: (state, when it was fulfilled)."""
    if metric == "first_response" and ticket.first_response_at is not None:
        return "fulfilled", ticket.first_response_at
    if ticket.merged_into_id is not None:
        return "cancelled", None
    if ticket.status in ("solved", "closed"):
        if metric == "resolution":
            return "fulfilled", ticket.solved_at or ticket.closed_at or now
        return "cancelled", None  # solved without any reply: the first-response target no longer applies
    if ticket.status == "pending":
        return "paused", None
    return "running", None


def refresh(
    ticket: Ticket, *, now: datetime | None = None, clocks: dict[str, SlaClock] | None = None
) -> None:
    """Bring the ticket's clocks and its due time in line with its policy and state."""
    now = now or utcnow()
    setup = config.load()
    policy = setup.match(ticket)
    if clocks is None:
        clocks = clocks_of([ticket.id]).get(ticket.id, {})
    for metric in METRICS:
        minutes = policy.target(metric, ticket.priority) if policy else None
        clock = clocks.get(metric)
        if minutes is None:
            if clock is not None and clock.state in ("running", "paused"):
                _move(clock, ticket, "cancelled", None, now)
            continue
        if clock is None:
            clock = SlaClock(
                ticket_id=ticket.id,
                metric=metric,
                state="running",
                elapsed_s=0.0,
                started_at=ticket.created_at,
            )
            db.session.add(clock)
            clocks[metric] = clock
        assert policy is not None
        _configure(clock, policy, minutes, setup.calendar_id_for(ticket.group_id))
        state, at = desired_state(metric, ticket, now)
        _move(clock, ticket, state, at, now)
        _schedule(clock)
    summarize(ticket, clocks.values())
    db.session.flush()


def _configure(clock: SlaClock, policy: SlaPolicy, minutes: int, calendar_id: int | None) -> None:
    clock.policy_id = policy.id
    clock.policy = policy
    clock.target_s = int(minutes) * 60
    clock.business_hours = policy.business_hours
    clock.calendar_id = calendar_id
    clock.warn_s = int(policy.warn_minutes or 0) * 60


def _move(clock: SlaClock, ticket: Ticket, state: str, at: datetime | None, now: datetime) -> None:
    """Take the clock to `state`, closing or opening a running segment as needed."""
    if clock.state == state:
        return
    if clock.state == "fulfilled" and (clock.metric == "first_response" or state == "cancelled"):
        return  # a first response stays given; a resolution is only undone by reopening
    if clock.state == "running":
        end = max(at or now, clock.started_at or now)
        _schedule(clock)
        if clock.due_at is not None and end > clock.due_at and clock.breached_at is None:
            record_breach(clock, ticket)
        clock.elapsed_s += business_seconds(calendar_of(clock), clock.started_at or end, end)
        clock.started_at = None
    clock.state = state
    clock.fulfilled_at = at if state == "fulfilled" else None
    if state == "running":
        clock.started_at = now


def _schedule(clock: SlaClock) -> None:
    """The due and warning times of a running clock; none otherwise."""
    if clock.state != "running" or clock.started_at is None:
        clock.due_at = clock.warn_at = None
        return
    remaining = clock.target_s - clock.elapsed_s
    if remaining > 0:
        clock.due_at = add_business_seconds(calendar_of(clock), clock.started_at, remaining)
    else:
        clock.due_at = clock.breached_at or clock.started_at
    clock.warn_at = clock.due_at - timedelta(seconds=clock.warn_s)


def remaining_seconds(clock: SlaClock, now: datetime | None = None) -> float:
    """Business seconds left on a clock (negative once breached)."""
    now = now or utcnow()
    used = clock.elapsed_s
    if clock.state == "running" and clock.started_at is not None:
        used += business_seconds(calendar_of(clock), clock.started_at, now)
    return clock.target_s - used


def summarize(ticket: Ticket, clocks: Iterable[SlaClock]) -> None:
    """Copy the most urgent running target onto the ticket (what the queue shows and sorts by)."""
    clocks = list(clocks)
    running = sorted((c for c in clocks if c.state == "running" and c.due_at), key=lambda c: c.due_at)
    if running:
        ticket.due_at, ticket.sla_metric, ticket.sla_warn_at = (
            running[0].due_at,
            running[0].metric,
            running[0].warn_at,
        )
        return
    paused = sorted((c for c in clocks if c.state == "paused"), key=lambda c: METRICS.index(c.metric))
    ticket.due_at = NO_DUE
    ticket.sla_metric = paused[0].metric if paused else None
    ticket.sla_warn_at = None


def record_breach(clock: SlaClock, ticket: Ticket | None = None) -> None:
    """The target was missed at its due time: keep it on the clock and in the ticket's history."""
    at = clock.due_at or utcnow()
    clock.breached_at = at
    data: dict[str, Any] = {
        "metric": clock.metric,
        "due": at.isoformat(),
        "target_minutes": clock.target_s // 60,
    }
    if clock.policy is not None:
        data["policy"] = clock.policy.name
    db.session.add(
        TicketEvent(ticket_id=clock.ticket_id, actor_kind="system", kind="sla_breach", data=data, at=at)
    )

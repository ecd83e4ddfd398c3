"""How SLA time left reads in the queue and on the ticket page (from ticket columns only: no query per row)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from portal.core.db import utcnow
from portal.core.i18n import when
from portal.extensions import db
from portal.sla.clock import remaining_seconds
from portal.sla.models import METRICS, SlaClock
from portal.tickets.models import NO_DUE, OPEN_STATUSES, Ticket


def compact(seconds: float) -> str:
    """A short length of time: '45m', '3h 20m', '2d 4h' (in the viewer's language)."""
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)dd %(h)dh", d=days, h=hours) if hours else _("%(d)dd", d=days)
    if hours:
        return _("%(h)dh %(m)dm", h=hours, m=mins) if mins else _("%(h)dh", h=hours)
    return _("%(m)dm", m=mins)


def metric_name(metric: str | None) -> str:
    """The name of a target."""
    return _("First response") if metric == "first_response" else _("Resolution")


def sla_badge(ticket: Ticket, now: datetime | None = None) -> dict[str, Any] | None:
    """Text, style and tooltip of the ticket's time-left badge; None when no SLA applies."""
    if not ticket.sla_metric or ticket.status not in OPEN_STATUSES:
        return None
    now = now or utcnow()
    metric = metric_name(ticket.sla_metric)
    if ticket.due_at >= NO_DUE:
        return {"text": _("SLA paused"), "css": "bg-secondary-subtle text-secondary-emphasis", "icon": "pause-circle",
                "title": _("%(metric)s: paused while waiting on the customer", metric=metric)}  # fmt: skip
    left = (ticket.due_at - now).total_seconds()
    title = _("%(metric)s due %(due)s", metric=metric, due=when(ticket.due_at))
    if left <= 0:
        return {"text": _("overdue %(time)s", time=compact(left)), "css": "text-bg-danger", "icon": "alarm",
                "title": title, "overdue": True}  # fmt: skip
    warning = ticket.sla_warn_at is not None and now >= ticket.sla_warn_at
    return {"text": _("%(time)s left", time=compact(left)), "css": "text-bg-warning" if warning else "bg-success-subtle text-success-emphasis",
            "icon": "stopwatch", "title": title}  # fmt: skip


def ticket_clocks(ticket: Ticket) -> list[dict[str, Any]]:
    """The ticket's targets for its page: state, due time, business time left (one query)."""
    rows = {
        c.metric: c for c in db.session.scalars(sa.select(SlaClock).where(SlaClock.ticket_id == ticket.id))
    }
    now = utcnow()
    result = []
    for metric in METRICS:
        clock = rows.get(metric)
        if clock is None or clock.state == "cancelled":
            continue
        result.append(
            {
                "metric": metric_name(metric),
                "state": clock.state,
                "policy": clock.policy.name if clock.policy else "",
                "due_at": clock.due_at,
                "left": compact(remaining_seconds(clock, now))
                if clock.state in ("running", "paused")
                else "",
                "breached_at": clock.breached_at,
                "fulfilled_at": clock.fulfilled_at,
                "target": compact(clock.target_s),
            }
        )
    return result

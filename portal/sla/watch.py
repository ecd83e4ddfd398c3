"""Warnings before a breach and breaches as they happen: run by the worker every minute.

A warning or a breach leaves an internal note on the ticket (agents see it in the conversation), an event in its
history, and a mail to the assignee when there is one. Each is done once per clock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from portal.core import mail
from portal.core.db import utcnow
from portal.core.i18n import when
from portal.core.links import external_url
from portal.extensions import db
from portal.sla.clock import record_breach
from portal.sla.models import SlaClock
from portal.tickets import service as tickets
from portal.tickets.models import Ticket, TicketEvent

BATCH = 500


def check_due(now: datetime | None = None) -> dict[str, int]:
    """Warn about clocks entering their warning window and record those that ran out; flushes."""
    now = now or utcnow()
    warned = db.session.scalars(
        sa.select(SlaClock)
        .where(
            SlaClock.state == "running",
            SlaClock.warn_at <= now,
            SlaClock.warned_at.is_(None),
            SlaClock.due_at > now,
        )
        .options(selectinload(SlaClock.ticket))
        .limit(BATCH)
    ).all()
    for clock in warned:
        clock.warned_at = now
        _tell(clock, "sla_warning", now)
    breached = db.session.scalars(
        sa.select(SlaClock)
        .where(SlaClock.state == "running", SlaClock.due_at <= now, SlaClock.breached_at.is_(None))
        .options(selectinload(SlaClock.ticket))
        .limit(BATCH)
    ).all()
    for clock in breached:
        record_breach(clock, clock.ticket)
        _tell(clock, "sla_breached", now)
    db.session.flush()
    return {"warned": len(warned), "breached": len(breached)}


def metric_label(metric: str) -> str:
    """The name of a target in the current language."""
    return _("First response") if metric == "first_response" else _("Resolution")


def _tell(clock: SlaClock, kind: str, now: datetime) -> None:
    ticket = clock.ticket
    due = clock.due_at or now
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        if kind == "sla_warning":
            text = _(
                "SLA warning: %(metric)s is due %(due)s (%(policy)s).",
                metric=metric_label(clock.metric),
                due=when(due),
                policy=clock.policy.name if clock.policy else "-",
            )
        else:
            text = _(
                "SLA breached: %(metric)s was due %(due)s (%(policy)s).",
                metric=metric_label(clock.metric),
                due=when(due),
                policy=clock.policy.name if clock.policy else "-",
            )
    note = tickets.add_reply(ticket, None, text, internal=True, author_kind="system")  # type: ignore[arg-type]
    note.author_name = "SLA"
    if kind == "sla_warning":
        db.session.add(
            TicketEvent(
                ticket_id=ticket.id,
                actor_kind="system",
                kind="sla_warning",
                data={"metric": clock.metric, "due": due.isoformat()},
                at=now,
            )
        )
    _mail_assignee(ticket, clock, kind)


def _mail_assignee(ticket: Ticket, clock: SlaClock, kind: str) -> None:
    user = ticket.assignee
    if user is None or not user.active:
        return
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    context: dict[str, Any] = {
        "ticket": ticket,
        "kind": kind,
        "metric": clock.metric,
        "due": clock.due_at,
        "url": external_url("desk.ticket_page", ref=ticket.ref),
    }
    subject, text, html = mail.compose("sla_notice", locale, **context)
    mail.queue(db.session, user.email, subject, text, html, to_name=user.name, meta={"ticket_id": ticket.id})

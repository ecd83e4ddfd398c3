"""Read-side selects of the incidents domain, and the banner as the portal and the chat widget show it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import g

from portal.core.links import external_url
from portal.extensions import db
from portal.incidents.models import Incident, IncidentRecipient, IncidentTicket
from portal.tickets.models import Ticket


def incidents(state: str | None = None, limit: int = 100) -> sa.Select:
    """Incidents, active first, newest first."""
    stmt = sa.select(Incident)
    if state:
        stmt = stmt.where(Incident.state == state)
    return stmt.order_by(Incident.state, Incident.declared_at.desc()).limit(limit)


def linked_tickets(incident_id: int, limit: int = 200) -> sa.Select:
    """Tickets linked to an incident, newest first."""
    return (
        sa.select(Ticket)
        .join(IncidentTicket, IncidentTicket.ticket_id == Ticket.id)
        .where(IncidentTicket.incident_id == incident_id)
        .order_by(Ticket.id.desc())
        .limit(limit)
    )


def counts(incident_id: int) -> dict[str, int]:
    """Linked tickets (all, still open, answered by the closing message) and people told (notice, all-clear)."""
    linked = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count().filter(Ticket.status.in_(("new", "open", "pending"))),
            sa.func.count(IncidentTicket.answered_at),
        )
        .select_from(IncidentTicket)
        .join(Ticket, Ticket.id == IncidentTicket.ticket_id)
        .where(IncidentTicket.incident_id == incident_id)
    ).one()
    told = db.session.execute(
        sa.select(
            sa.func.count(IncidentRecipient.notified_at),
            sa.func.count(IncidentRecipient.resolved_notified_at),
        ).where(IncidentRecipient.incident_id == incident_id)
    ).one()
    return {
        "linked": linked[0],
        "open": linked[1],
        "answered": linked[2],
        "notified": told[0],
        "all_clear": told[1],
    }


def for_ticket(ticket_id: int) -> list[Incident]:
    """Incidents a ticket is linked to."""
    return list(
        db.session.scalars(
            sa.select(Incident)
            .join(IncidentTicket, IncidentTicket.incident_id == Incident.id)
            .where(IncidentTicket.ticket_id == ticket_id)
            .order_by(Incident.declared_at.desc())
        )
    )


def banner(locale: str) -> list[dict[str, Any]]:
    """Active incidents to announce, in a language: what the portal's banner and the chat widget show.

    The chat widget calls this function (or GET /api/v1/incidents/active?locale=ko for the same JSON).
    Cached for the request: the page shell asks once per page.
    """
    cache = g.setdefault("_incident_banner", {})
    if locale not in cache:
        rows = db.session.scalars(
            sa.select(Incident)
            .where(Incident.state == "active", Incident.banner.is_(True))
            .order_by(Incident.declared_at.desc())
            .limit(5)
        ).all()
        cache[locale] = [
            {
                "id": row.id,
                "title": row.title(locale),
                "description": row.description(locale),
                "url": external_url("incidents.notice", incident_id=row.id),
                "declared_at": row.declared_at.isoformat(),
            }
            for row in rows
        ]
    return cache[locale]

"""Declaring, linking and resolving incidents. Flushes, never commits; mail and mass updates go to the outbox.

Declaring queues the notice to the affected customers (portal.incidents.notify, in batches). Incoming tickets
that match an active incident are linked at intake, before the rules run. Resolving queues one message to every
linked ticket (which also solves it) and the all-clear to everyone else who was told.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.accounts.models import User
from portal.core import outbox
from portal.core.db import utcnow
from portal.core.errors import DomainError, ValidationFailed
from portal.customers.identities import normalize_email
from portal.customers.models import TIERS
from portal.extensions import db
from portal.incidents.models import Incident, IncidentTicket
from portal.rules.conditions import normalize, words
from portal.tickets import service as tickets
from portal.tickets.models import Message, Ticket, TicketEvent
from portal.tickets.tags import parse_tags

NOTIFY = "incidents.notify"  # outbox: mail the affected customers (declared) in batches
RESOLVE = "incidents.resolve"  # outbox: answer and solve the linked tickets, then mail the all-clear
MAX_LIST = 2000


def tag_for(incident: Incident) -> str:
    """The tag every linked ticket carries."""
    return f"incident-{incident.id}"


def _addresses(text: str, errors: list[tuple[str | None, Any]]) -> list[str]:
    found: list[str] = []
    for raw in filter(None, re.split(r"[\s,;]+", text or "")):
        address = normalize_email(raw)
        if address is None:
            errors.append(("emails", _l("%(address)s is not a valid email address.", address=raw[:80])))
            break
        if address not in found:
            found.append(address)
    if len(found) > MAX_LIST:
        errors.append(("emails", _l("At most %(n)d addresses; use a tier or a tag for more.", n=MAX_LIST)))
    return found


def declare(
    actor: User,
    *,
    title_ko: str,
    title_en: str = "",
    description_ko: str = "",
    description_en: str = "",
    tiers: Iterable[str] = (),
    tags: str = "",
    products: str = "",
    emails: str = "",
    keywords: str = "",
    banner: bool = True,
    notify: bool = True,
) -> Incident:
    """Declare an incident: banner, notice to the affected customers, and linking of matching tickets."""
    errors: list[tuple[str | None, Any]] = []
    if not (title_ko or "").strip() and not (title_en or "").strip():
        errors.append(("title_ko", _l("Give the incident a title (Korean, English or both).")))
    if not (description_ko or "").strip() and not (description_en or "").strip():
        errors.append(("description_ko", _l("Describe what customers see and what you are doing about it.")))
    tiers = [t for t in tiers if t]
    if any(t not in TIERS for t in tiers):
        errors.append(("tiers", _l("Choose tiers from the list.")))
    addresses = _addresses(emails, errors)
    if errors:
        raise ValidationFailed(errors)
    incident = Incident(
        title_ko=title_ko.strip()[:200],
        title_en=(title_en or "").strip()[:200],
        description_ko=(description_ko or "").strip(),
        description_en=(description_en or "").strip(),
        tiers=tiers,
        tags=parse_tags(tags),
        products=parse_tags(products),
        emails=addresses,
        keywords=words(keywords),
        banner=bool(banner),
        declared_by_id=actor.id,
    )
    db.session.add(incident)
    db.session.flush()
    if notify and (incident.tiers or incident.tags or incident.products or incident.emails):
        outbox.enqueue(db.session, NOTIFY, {"incident_id": incident.id, "after": 0})
    return incident


def active() -> list[Incident]:
    """Incidents in progress, newest first."""
    return list(
        db.session.scalars(
            sa.select(Incident).where(Incident.state == "active").order_by(Incident.declared_at.desc())
        )
    )


def matches(incident: Incident, ticket: Ticket, text: str) -> str | None:
    """How a ticket matches an incident ('tags', 'words') or None."""
    if incident.tags and set(incident.tags) & set(ticket.tags):
        return "tags"
    if incident.keywords and any(k in text for k in incident.keywords):
        return "words"
    return None


def link(incident: Incident, ticket: Ticket, how: str = "manual") -> bool:
    """Tie a ticket to an incident (tag, history, and solved with it later); False if it already was."""
    if incident.state != "active":
        raise DomainError(str(_l("This incident is already resolved.")))
    if db.session.get(IncidentTicket, (incident.id, ticket.id)) is not None:
        return False
    db.session.add(IncidentTicket(incident_id=incident.id, ticket_id=ticket.id, how=how))
    tickets.update_ticket(ticket, None, add_tags=[tag_for(incident)])
    db.session.add(
        TicketEvent(
            ticket_id=ticket.id,
            actor_kind="system",
            kind="incident_linked",
            data={"incident_id": incident.id, "title": incident.title("ko"), "how": how},
        )
    )
    db.session.flush()
    return True


def link_incoming(ticket: Ticket, *, message: Message, **_: Any) -> None:
    """At intake: link a new ticket to every active incident it matches (rules.engine.before_routing)."""
    incidents = [i for i in active() if i.keywords or i.tags]
    if not incidents:
        return
    text = normalize(f"{ticket.subject}\n{message.text or ''}")
    for incident in incidents:
        how = matches(incident, ticket, text)
        if how:
            link(incident, ticket, how)


def resolve(
    incident: Incident,
    actor: User,
    *,
    resolution_ko: str,
    resolution_en: str = "",
    credit: str = "",
    solve_tickets: bool = True,
) -> None:
    """Close an incident: one message solves every linked ticket; everyone told gets the all-clear."""
    if incident.state != "active":
        raise DomainError(str(_l("This incident is already resolved.")))
    if not (resolution_ko or "").strip() and not (resolution_en or "").strip():
        raise ValidationFailed([("resolution_ko", _l("Write the message customers will receive."))])
    incident.state = "resolved"
    incident.resolved_at = utcnow()
    incident.resolved_by_id = actor.id
    incident.resolution_ko = (resolution_ko or "").strip()
    incident.resolution_en = (resolution_en or "").strip()
    incident.credit = (credit or "").strip()[:300]
    db.session.flush()
    outbox.enqueue(
        db.session, RESOLVE, {"incident_id": incident.id, "after": 0, "solve": bool(solve_tickets)}
    )


def set_banner(incident: Incident, shown: bool) -> None:
    """Show or hide the incident's banner."""
    incident.banner = bool(shown)
    db.session.flush()

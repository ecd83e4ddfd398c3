"""Telling customers, in their language and in batches run by the worker (outbox handlers).

- NOTIFY: the affected customers (tiers, tagged tickets, products, then the list of addresses) get the notice;
  each address once per incident (IncidentRecipient), each known customer also on their timeline.
- RESOLVE: every open linked ticket gets the closing message as a public reply (sent on its channel) and is
  solved; then everyone told before, except customers who just got that reply, gets the all-clear.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.accounts.models import User
from portal.channels.registry import customer_locale
from portal.core import mail, outbox
from portal.core.db import utcnow
from portal.core.links import external_url
from portal.customers import service as customers
from portal.customers.models import Customer, Identity
from portal.extensions import db
from portal.incidents.models import Incident, IncidentRecipient, IncidentTicket
from portal.incidents.service import NOTIFY, RESOLVE
from portal.tickets import service as tickets
from portal.tickets.models import OPEN_STATUSES, Ticket, TicketEvent, TicketTag

BATCH = 200
AUDIENCE_DAYS = 90  # "customers with a ticket tagged …" looks this far back


def audience(incident: Incident, after: int, limit: int = BATCH) -> list[tuple[Customer, str | None]]:
    """The next affected customers (id > after) with an address, and their account's language."""
    segments: list[Any] = []
    if incident.tiers:
        segments.append(Customer.tier.in_(incident.tiers))
    wanted = list(incident.tags) + [t for p in incident.products for t in (p, f"catalog-{p}")]
    if wanted:
        since = utcnow() - timedelta(days=AUDIENCE_DAYS)
        segments.append(
            Customer.id.in_(
                sa.select(Ticket.customer_id)
                .join(TicketTag, TicketTag.ticket_id == Ticket.id)
                .where(TicketTag.name.in_(wanted), Ticket.created_at >= since)
            )
        )
    if not segments:
        return []
    rows = db.session.execute(
        sa.select(Customer, User.locale)
        .outerjoin(User, User.id == Customer.user_id)
        .where(
            sa.or_(*segments),
            Customer.merged_into_id.is_(None),
            Customer.email.is_not(None),
            Customer.id > after,
        )
        .order_by(Customer.id)
        .limit(limit)
    ).all()
    return [(customer, locale) for customer, locale in rows]


def _listed(incident: Incident) -> list[tuple[str, Customer | None]]:
    """The explicit addresses, with the customer holding each (if any)."""
    owners = dict(
        db.session.execute(
            sa.select(Identity.value, Customer)
            .join(Customer, Customer.id == Identity.customer_id)
            .where(Identity.kind == "email", Identity.value.in_(incident.emails or []))
        ).all()
    )
    return [(address, owners.get(address)) for address in incident.emails or []]


def _tell(
    incident: Incident, email: str, name: str, locale: str, customer_id: int | None, existing: set[str]
) -> None:
    if email in existing:
        return
    existing.add(email)
    db.session.add(
        IncidentRecipient(
            incident_id=incident.id,
            customer_id=customer_id,
            email=email,
            name=name,
            locale=locale,
            notified_at=utcnow(),
        )
    )
    _mail(incident, "incident_notice", email, name, locale)
    if customer_id:
        customers.record(
            customer_id,
            "notice",
            incident.title(locale),
            url=external_url("incidents.notice", incident_id=incident.id),
        )


def _mail(incident: Incident, template: str, email: str, name: str, locale: str) -> None:
    url = external_url("incidents.notice", incident_id=incident.id)
    subject, text, html = mail.compose(template, locale, incident=incident, lang=locale, name=name, url=url)
    mail.queue(
        db.session, email, subject, text, html, to_name=name or None,
        headers={"Auto-Submitted": "auto-generated"}, meta={"incident_id": incident.id},
    )  # fmt: skip


def _existing(incident: Incident, emails: list[str]) -> set[str]:
    if not emails:
        return set()
    return set(
        db.session.scalars(
            sa.select(IncidentRecipient.email).where(
                IncidentRecipient.incident_id == incident.id, IncidentRecipient.email.in_(emails)
            )
        )
    )


@outbox.handler(NOTIFY)
def notify(payload: dict[str, Any]) -> None:
    """One batch of the notice; queues the next batch, then the listed addresses."""
    incident = db.session.get(Incident, payload["incident_id"])
    if incident is None or incident.state != "active":
        return
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if payload.get("phase") == "list":
        listed = _listed(incident)
        existing = _existing(incident, [a for a, _ in listed])
        for address, customer in listed:
            locale = customer_locale(customer) if customer else default
            _tell(
                incident,
                address,
                customer.display_name if customer else "",
                locale,
                customer.id if customer else None,
                existing,
            )
        return
    batch = audience(incident, int(payload.get("after") or 0))
    existing = _existing(incident, [c.email for c, _ in batch if c.email])
    for customer, user_locale in batch:
        locale = customer.locale or user_locale or default
        _tell(incident, customer.email or "", customer.display_name, locale, customer.id, existing)
    if len(batch) == BATCH:
        outbox.enqueue(db.session, NOTIFY, {"incident_id": incident.id, "after": batch[-1][0].id})
    elif incident.emails:
        outbox.enqueue(db.session, NOTIFY, {"incident_id": incident.id, "phase": "list"})


def _closing_text(incident: Incident, locale: str) -> str:
    text = incident.resolution(locale)
    if incident.credit:
        with force_locale(locale):
            text += "\n\n" + _("Goodwill credit: %(credit)s", credit=incident.credit)
    return text


@outbox.handler(RESOLVE)
def resolve(payload: dict[str, Any]) -> None:
    """One batch of closing: answer and solve linked tickets, then the all-clear mails (in batches)."""
    incident = db.session.get(Incident, payload["incident_id"])
    if incident is None or incident.state != "resolved":
        return
    if payload.get("solve") and payload.get("phase", "solve") == "solve":
        _solve_batch(incident, payload)
    else:
        _all_clear_batch(incident, int(payload.get("after") or 0))


def _solve_batch(incident: Incident, payload: dict[str, Any]) -> None:
    resolver = db.session.get(User, incident.resolved_by_id) if incident.resolved_by_id else None
    linked = db.session.scalars(
        sa.select(Ticket)
        .join(IncidentTicket, IncidentTicket.ticket_id == Ticket.id)
        .where(
            IncidentTicket.incident_id == incident.id,
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.merged_into_id.is_(None),
        )
        .order_by(Ticket.id)
        .limit(BATCH)
    ).all()
    for ticket in linked:
        locale = customer_locale(ticket.customer)
        tickets.add_reply(ticket, resolver, _closing_text(incident, locale))  # type: ignore[arg-type]
        tickets.update_ticket(ticket, resolver, status="solved")
        data = {"incident_id": incident.id}
        if incident.credit:
            data["credit"] = incident.credit
        db.session.add(
            TicketEvent(
                ticket_id=ticket.id, actor_id=incident.resolved_by_id, kind="incident_resolved", data=data
            )
        )
    following = (
        {**payload, "phase": "solve"}
        if len(linked) == BATCH
        else {"incident_id": incident.id, "phase": "all_clear", "after": 0}
    )
    outbox.enqueue(db.session, RESOLVE, following)


def _all_clear_batch(incident: Incident, after: int) -> None:
    answered = (
        sa.select(Ticket.customer_id)
        .join(IncidentTicket, IncidentTicket.ticket_id == Ticket.id)
        .where(IncidentTicket.incident_id == incident.id)
    )
    rows = db.session.scalars(
        sa.select(IncidentRecipient)
        .where(
            IncidentRecipient.incident_id == incident.id,
            IncidentRecipient.id > after,
            IncidentRecipient.resolved_notified_at.is_(None),
            sa.or_(IncidentRecipient.customer_id.is_(None), IncidentRecipient.customer_id.not_in(answered)),
        )
        .order_by(IncidentRecipient.id)
        .limit(BATCH)
    ).all()
    for row in rows:
        row.resolved_notified_at = utcnow()
        _mail(incident, "incident_resolved", row.email, row.name, row.locale)
        if row.customer_id:
            customers.record(
                row.customer_id,
                "notice",
                incident.title(row.locale),
                url=external_url("incidents.notice", incident_id=incident.id),
            )
    if len(rows) == BATCH:
        outbox.enqueue(
            db.session, RESOLVE, {"incident_id": incident.id, "phase": "all_clear", "after": rows[-1].id}
        )


# ---------------------------------------------------------------- customer merges


customers.follows_merges(IncidentRecipient, "incident_recipients")  # notices follow a merged customer

"""Agents open a ticket for a customer (a phone call, a walk-in, a forwarded note) through the one door."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from portal.accounts.models import Group, User
from portal.core.errors import ValidationFailed
from portal.customers import identities
from portal.customers import service as customers
from portal.customers.models import Customer
from portal.customers.service import Hints
from portal.extensions import db
from portal.tickets import service
from portal.tickets.inbound import Inbound, IntakeResult
from portal.tickets.intake import receive
from portal.tickets.models import PRIORITIES, TicketEvent

AGENT_CHANNELS = ("phone", "email", "web")


def hints_for(customer: Customer) -> Hints:
    """Identity hints that lead intake back to this very customer."""
    chat = next((i.value for i in customer.identities if i.kind == "chat"), None)
    return Hints(
        user_id=customer.user_id,
        email=customer.email,
        chat=chat,
        phone=customer.phone,
        name=customer.name or None,
    )


def _check(
    *,
    channel: str,
    subject: str,
    text: str,
    customer: Customer | None,
    email: str | None,
    phone: str | None,
    priority: str | None,
) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    if channel not in AGENT_CHANNELS:
        errors.append(("channel", str(_l("Choose phone, email or web."))))
    if not subject.strip():
        errors.append(("subject", str(_l("Write a subject."))))
    if not text.strip():
        errors.append(("text", str(_l("Write what the customer asked."))))
    if priority and priority not in PRIORITIES:
        errors.append(("priority", str(_l("Unknown priority."))))
    if customer is None:
        if email and not identities.normalize_email(email):
            errors.append(("email", str(_l("This email address is not valid."))))
        if phone and not identities.normalize_phone(phone):
            errors.append(("phone", str(_l("This phone number is not valid."))))
        if not email and not phone:
            errors.append(("email", str(_l("Pick a customer, or enter an email address or a phone number."))))
    elif customers.resolve_customer(hints_for(customer), create=False)[0] is not customer:
        errors.append(
            (
                "customer_id",
                str(
                    _l(
                        "This customer has no email address or own phone number yet: add one on their page first."
                    )
                ),
            )
        )
    return errors


def open_for_customer(
    actor: User,
    *,
    channel: str,
    subject: str,
    text: str,
    customer: Customer | None = None,
    email: str | None = None,
    phone: str | None = None,
    name: str | None = None,
    priority: str | None = None,
    group: Group | None = None,
    assign_to_me: bool = False,
    notify: bool = False,
) -> IntakeResult:
    """A new ticket in the customer's own words, entered by an agent; it goes through intake like any other."""
    errors = _check(
        channel=channel,
        subject=subject or "",
        text=text or "",
        customer=customer,
        email=(email or "").strip(),
        phone=(phone or "").strip(),
        priority=priority,
    )
    if errors:
        raise ValidationFailed(errors)
    hints = (
        hints_for(customer)
        if customer is not None
        else Hints(
            email=(email or "").strip() or None, phone=(phone or "").strip() or None, name=name or None
        )
    )
    inbound = Inbound(
        channel=channel,
        sender=hints,
        subject=subject.strip(),
        text=text.strip(),
        priority=priority or None,
        group_id=group.id if group is not None else None,
        meta={"entered_by": actor.id, "entered_by_name": actor.name},
        notify=notify,
    )
    result = receive(inbound, actor=actor)
    _note(result, actor)
    if assign_to_me:
        service.update_ticket(result.ticket, actor, assignee=actor)
    return result


def _note(result: IntakeResult, actor: Any) -> None:
    db.session.add(
        TicketEvent(
            ticket_id=result.ticket.id,
            actor_id=actor.id,
            actor_kind="agent",
            kind="entered_by_agent",
            data={"channel": result.ticket.channel, "name": actor.name},
        )
    )
    db.session.flush()

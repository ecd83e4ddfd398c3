"""Guests follow a request through a signed link sent to their address; no account needed."""

from __future__ import annotations

from flask import current_app

from portal.accounts import tokens
from portal.core.links import external_url
from portal.customers.models import Customer
from portal.customers.service import live
from portal.extensions import db
from portal.tickets.models import Ticket

PURPOSE = "guest-ticket"


def guest_token(ticket: Ticket) -> str:
    """A token naming this ticket and its customer."""
    return tokens.sign(PURPOSE, {"t": ticket.id, "c": ticket.customer_id})


def guest_url(ticket: Ticket) -> str:
    """The absolute link a guest receives by mail."""
    return external_url("portal.guest_request", token=guest_token(ticket))


def ticket_for_token(token: str) -> Ticket | None:
    """The ticket a genuine, unexpired token names, if its customer still owns it (merges followed)."""
    data = tokens.unsign(PURPOSE, token, current_app.config["SIGNED_LINK_MAX_AGE"])
    if not isinstance(data, dict):
        return None
    ticket = db.session.get(Ticket, data.get("t"))
    if ticket is None:
        return None
    customer = live(db.session.get(Customer, data.get("c")))
    if customer is None or customer.id != ticket.customer_id:
        return None
    return ticket

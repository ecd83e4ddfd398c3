"""The customer panel beside every ticket: identities, tier, the one timeline, other tickets, merge hints."""

from __future__ import annotations

from typing import Any

from portal.customers import queries as customer_queries
from portal.customers.models import Customer
from portal.customers.service import suggest_duplicates
from portal.extensions import db
from portal.tickets import queries


def panel(
    customer: Customer, *, exclude_ticket_id: int | None = None, timeline_limit: int = 30
) -> dict[str, Any]:
    """Everything the panel shows, in a fixed number of queries whatever the history's length."""
    entries = db.session.scalars(customer_queries.timeline(customer.id, limit=timeline_limit + 1)).all()
    tickets = db.session.scalars(queries.customer_tickets(customer.id, limit=11)).all()
    return {
        "customer": customer,
        "identities": customer.identities,
        "timeline": entries[:timeline_limit],
        "timeline_more": len(entries) > timeline_limit,
        "tickets": [t for t in tickets if t.id != exclude_ticket_id][:10],
        "suggestions": suggest_duplicates(customer),
        "merges": db.session.scalars(customer_queries.merges(customer.id)).all(),
    }

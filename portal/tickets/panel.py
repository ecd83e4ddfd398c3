"""The customer panel beside every ticket: identities, tier, the one timeline, other tickets, merge hints."""

from __future__ import annotations

from typing import Any

from portal.core.api import encode_cursor
from portal.customers import queries as customer_queries
from portal.customers.models import Customer
from portal.customers.service import suggest_duplicates
from portal.extensions import db
from portal.tickets import queries


def timeline_page(customer_id: int, *, after: list[Any] | None = None, limit: int = 30) -> dict[str, Any]:
    """One page of a customer's timeline, newest first, with the cursor of the next page (or None)."""
    entries = db.session.scalars(customer_queries.timeline(customer_id, after=after, limit=limit + 1)).all()
    page = entries[:limit]
    more = len(entries) > limit
    return {"entries": page, "next": encode_cursor([page[-1].at, page[-1].id]) if more and page else None}


def panel(
    customer: Customer,
    *,
    exclude_ticket_id: int | None = None,
    timeline_limit: int = 30,
    tickets_limit: int = 10,
    after: list[Any] | None = None,
) -> dict[str, Any]:
    """Everything the panel shows, in a fixed number of queries whatever the history's length."""
    timeline = timeline_page(customer.id, after=after, limit=timeline_limit)
    tickets = db.session.scalars(queries.customer_tickets(customer.id, limit=tickets_limit + 2)).all()
    others = [t for t in tickets if t.id != exclude_ticket_id]
    return {
        "customer": customer,
        "identities": customer.identities,
        "timeline": timeline["entries"],
        "timeline_next": timeline["next"],
        "timeline_more": timeline["next"] is not None,
        "tickets": others[:tickets_limit],
        "tickets_more": len(others) > tickets_limit,
        "suggestions": suggest_duplicates(customer),
        "merges": db.session.scalars(customer_queries.merges(customer.id)).all(),
    }

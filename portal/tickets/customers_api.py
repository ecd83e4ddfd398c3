"""JSON API v1: customers with their identities, tickets and timeline; merge and un-merge.

Lives with tickets because a customer's answer lists their tickets (customers/ sits below tickets/).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import request

from portal.core.api import api_blueprint, field, iso, json_body, require_user
from portal.core.errors import DomainError, NotFound, ValidationFailed
from portal.customers import queries as customer_queries
from portal.customers import service as customers
from portal.customers.models import Customer, CustomerMerge
from portal.extensions import db
from portal.tickets import queries, serialize

bp = api_blueprint("customers_api", __name__)


def _visible(customer_id: int) -> Customer:
    user = require_user()
    customer = db.session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("No such customer.")
    if not user.is_staff:
        own = customers.customer_for_user(user)
        if own is None or own.id != customer.id:
            raise NotFound("No such customer.")
    return customer


def _staff() -> Any:
    user = require_user()
    if not user.is_staff:
        raise DomainError("Only agents do this.", code="forbidden", status=403)
    return user


def detail(customer: Customer) -> dict[str, Any]:
    """A customer with tickets, timeline and merges in effect."""
    tickets = db.session.scalars(queries.customer_tickets(customer.id, limit=100)).all()
    entries = db.session.scalars(customer_queries.timeline(customer.id, limit=100)).all()
    merges = db.session.scalars(customer_queries.merges(customer.id)).all()
    return {
        **serialize.customer(customer),
        "tickets": [serialize.ticket(t) for t in tickets],
        "timeline": [serialize.timeline_entry(e) for e in entries],
        "merges": [{"id": m.id, "other_id": m.other_id, "at": iso(m.at)} for m in merges],
    }


@bp.get("/customers")
def find_customers() -> Any:
    """Customers having this email identity (a customer's token sees only itself)."""
    user = require_user()
    email = (request.args.get("email") or "").strip()
    if not email:
        raise ValidationFailed([("email", "is required")])
    rows = db.session.scalars(customer_queries.by_identity("email", email)).all()
    if not user.is_staff:
        own = customers.customer_for_user(user)
        rows = [c for c in rows if own is not None and c.id == own.id]
    return {"items": [serialize.customer(c) for c in rows], "next": None}


@bp.get("/customers/<int:customer_id>")
def get_customer(customer_id: int) -> Any:
    """One customer with identities, tickets and timeline."""
    return detail(_visible(customer_id))


@bp.post("/customers/<int:customer_id>/merge")
def merge(customer_id: int) -> Any:
    """Merge `other_id` into this customer; answers the survivor with its merges."""
    user = _staff()
    survivor = _visible(customer_id)
    other_id = field(json_body(), "other_id", int, required=True)
    other = db.session.get(Customer, other_id)
    if other is None:
        raise ValidationFailed([("other_id", "no such customer")])
    customers.merge_customers(survivor, other, actor=user)
    db.session.commit()
    return detail(survivor)


@bp.post("/customers/<int:customer_id>/unmerge")
def unmerge(customer_id: int) -> Any:
    """Undo one merge into this customer; answers both customers as they were."""
    user = _staff()
    survivor = _visible(customer_id)
    merge_id = field(json_body(), "merge_id", int, required=True)
    record = db.session.scalar(
        sa.select(CustomerMerge).where(CustomerMerge.id == merge_id, CustomerMerge.survivor_id == survivor.id)
    )
    if record is None:
        raise ValidationFailed([("merge_id", "no such merge of this customer")])
    survivor, other = customers.unmerge(record, actor=user)
    db.session.commit()
    both = [detail(survivor), detail(other)]
    return {"customer": both[0], "other": both[1], "items": both}

"""Agents' customer pages: find a customer, see their whole history, edit, merge and un-merge."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.core import ui
from portal.core.auth import staff_required
from portal.core.errors import DomainError
from portal.customers import queries as customer_queries
from portal.customers import service as customers
from portal.customers.models import TIERS, Customer, CustomerMerge, Identity
from portal.extensions import db
from portal.tickets.panel import panel

bp = Blueprint("desk_customers", __name__, url_prefix="/desk/customers")
ui.nav_item("desk", _l("Customers"), "desk_customers.index", icon="people", order=30)


def _customer(customer_id: int) -> Customer:
    customer = db.session.get(Customer, customer_id)
    if customer is None:
        abort(404)
    return customer


@bp.get("/")
@staff_required
def index() -> Any:
    """Find a customer by name, email, phone or chat handle."""
    q = (request.args.get("q") or "").strip()[:200]
    rows = db.session.scalars(customer_queries.search(q)).all() if q else []
    return render_template("desk/customers.html", q=q, customers=rows)


@bp.get("/<int:customer_id>")
@staff_required
def show(customer_id: int) -> Any:
    """The customer with identities, tier, timeline on every channel, tickets and merge suggestions."""
    customer = _customer(customer_id)
    if customer.merged_into_id:
        flash(_("This customer was merged; showing the customer that holds the history now."), "info")
        return redirect(url_for("desk_customers.show", customer_id=customers.live(customer).id))
    return render_template("desk/customer.html", panel=panel(customer, timeline_limit=100), tiers=TIERS)


@bp.post("/<int:customer_id>")
@staff_required
def edit(customer_id: int) -> Any:
    """Name, tier, language, address and notes."""
    customer = _customer(customer_id)
    try:
        customers.update_customer(
            customer,
            name=request.form.get("name"),
            tier=request.form.get("tier"),
            locale=request.form.get("locale") or None,
            address=request.form.get("address"),
            notes=request.form.get("notes"),
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("desk_customers.show", customer_id=customer_id))


@bp.post("/<int:customer_id>/identities")
@staff_required
def add_identity(customer_id: int) -> Any:
    """Add an email address, phone number or chat handle."""
    customer = _customer(customer_id)
    try:
        customers.add_identity(customer, request.form.get("kind", ""), request.form.get("value", ""))
    except (DomainError, ValueError) as error:
        db.session.rollback()
        flash(getattr(error, "message", str(error)), "danger")
    else:
        db.session.commit()
        flash(_("Identity added."), "success")
    return redirect(url_for("desk_customers.show", customer_id=customer_id))


@bp.post("/<int:customer_id>/identities/<int:identity_id>/delete")
@staff_required
def remove_identity(customer_id: int, identity_id: int) -> Any:
    """Remove an identity from this customer."""
    customer = _customer(customer_id)
    identity = db.session.get(Identity, identity_id)
    if identity is None or identity.customer_id != customer.id:
        abort(404)
    customers.remove_identity(customer, identity)
    db.session.commit()
    return redirect(url_for("desk_customers.show", customer_id=customer_id))


@bp.post("/<int:customer_id>/merge")
@staff_required
def merge(customer_id: int) -> Any:
    """Merge another customer into this one (all history moves; it can be undone)."""
    survivor = _customer(customer_id)
    other_id = request.form.get("other_id", "")
    other = db.session.get(Customer, int(other_id)) if other_id.isdigit() else None
    if other is None:
        flash(_("Choose the customer to merge."), "danger")
        return redirect(url_for("desk_customers.show", customer_id=customer_id))
    try:
        customers.merge_customers(survivor, other, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(_("%(name)s was merged into this customer.", name=other.display_name), "success")
    return redirect(url_for("desk_customers.show", customer_id=customer_id))


@bp.post("/<int:customer_id>/unmerge/<int:merge_id>")
@staff_required
def unmerge(customer_id: int, merge_id: int) -> Any:
    """Undo a merge: both customers as they were."""
    record = db.session.scalar(
        sa.select(CustomerMerge).where(CustomerMerge.id == merge_id, CustomerMerge.survivor_id == customer_id)
    )
    if record is None:
        abort(404)
    try:
        _, other = customers.unmerge(record, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("desk_customers.show", customer_id=customer_id))
    db.session.commit()
    flash(_("The merge was undone."), "success")
    return redirect(url_for("desk_customers.show", customer_id=customer_id))

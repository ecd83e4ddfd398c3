"""Agents' customer pages: find a customer, see their whole history, edit, merge and un-merge."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.core import ui
from portal.core.api import decode_cursor
from portal.core.auth import staff_required
from portal.core.errors import DomainError
from portal.customers import queries as customer_queries
from portal.customers import service as customers
from portal.customers.models import TIERS, Customer, CustomerMerge, Identity
from portal.extensions import db
from portal.tickets.panel import panel, timeline_page
from portal.tickets.views.desk_shared import safe_next

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
    try:
        after = decode_cursor(request.args.get("after"))
    except DomainError:
        after = None
    return render_template(
        "desk/customer.html",
        panel=panel(customer, timeline_limit=50, tickets_limit=20, after=after),
        tiers=TIERS,
        paged=after is not None,
    )


@bp.get("/<int:customer_id>/timeline")
@staff_required
def timeline(customer_id: int) -> Any:
    """The next page of a customer's history (the "load more" of the panel and the customer page)."""
    customer = _customer(customer_id)
    try:
        after = decode_cursor(request.args.get("after"))
    except DomainError:
        abort(400)
    page = timeline_page(customer.id, after=after, limit=50)
    return render_template(
        "desk/_timeline_entries.html", entries=page["entries"], next_cursor=page["next"], c=customer
    )


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
    back = safe_next(url_for("desk_customers.show", customer_id=customer_id))
    other_id = request.form.get("other_id", "").strip().lstrip("#")
    other = db.session.get(Customer, int(other_id)) if other_id.isdigit() and len(other_id) < 12 else None
    if other is None:
        flash(_("Choose the customer to merge."), "danger")
        return redirect(back)
    try:
        record = customers.merge_customers(survivor, other, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(back)
    db.session.commit()
    return redirect(_with_arg(back, "merged", record.id))


def _with_arg(url: str, name: str, value: Any) -> str:
    """The address with one query argument set (the merged customer's undo notice reads it)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != name] + [(name, str(value))]
    return urlunsplit(parts._replace(query=urlencode(query)))


@bp.post("/<int:customer_id>/unmerge/<int:merge_id>")
@staff_required
def unmerge(customer_id: int, merge_id: int) -> Any:
    """Undo a merge: both customers as they were."""
    record = db.session.scalar(
        sa.select(CustomerMerge).where(CustomerMerge.id == merge_id, CustomerMerge.survivor_id == customer_id)
    )
    if record is None:
        abort(404)
    back = safe_next(url_for("desk_customers.show", customer_id=customer_id))
    try:
        _survivor, other = customers.unmerge(record, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(back)
    db.session.commit()
    flash(
        _("The merge was undone: %(name)s is a customer of their own again.", name=other.display_name),
        "success",
    )
    return redirect(_with_arg(back, "merged", 0))

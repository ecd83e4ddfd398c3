"""Agents open a ticket for a customer (a phone call, a walk-in): pick the customer or enter who they are."""

from __future__ import annotations

from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import Group
from portal.core.auth import staff_required
from portal.core.errors import ValidationFailed
from portal.core.forms import choices
from portal.customers import queries as customer_queries
from portal.customers.models import Customer
from portal.extensions import db
from portal.tickets import on_behalf
from portal.tickets.desk_forms import NewTicketForm
from portal.tickets.views.desk_shared import bp, groups, int_arg


def _form(formdata: Any = None) -> NewTicketForm:
    form = NewTicketForm(formdata=formdata)
    form.group_id.choices = choices([("", _("(no group)"))] + [(str(g.id), g.name) for g in groups()])
    return form


def _render(form: NewTicketForm, status: int = 200) -> Any:
    customer = db.session.get(Customer, int_arg(form.customer_id.data) or -1)
    query = (form.query.data or "").strip()
    found = (
        list(db.session.scalars(customer_queries.search(query, limit=10))) if query and not customer else []
    )
    return render_template("desk/new_ticket.html", form=form, customer=customer, found=found), status


@bp.get("/tickets/new")
@staff_required
def new_ticket() -> Any:
    """The form; ?customer=ID starts from that customer, ?query=… lists matching customers to pick."""
    form = _form(formdata=request.args if request.args.get("query") else None)
    if request.args.get("customer"):
        form.customer_id.data = request.args["customer"]
    return _render(form)


@bp.post("/tickets/new")
@staff_required
def create_ticket() -> Any:
    """Open the ticket through intake, in the customer's words, noting which agent entered it."""
    form = _form(formdata=request.form)
    if not form.validate_on_submit():
        return _render(form, 422)
    customer = db.session.get(Customer, int_arg(form.customer_id.data) or -1)
    group = db.session.get(Group, int_arg(form.group_id.data) or -1)
    try:
        result = on_behalf.open_for_customer(
            current_user,
            channel=form.channel.data,
            subject=form.subject.data or "",
            text=form.text.data or "",
            customer=customer,
            email=form.email.data,
            phone=form.phone.data,
            name=form.name.data,
            priority=form.priority.data,
            group=group,
            assign_to_me=form.assign_to_me.data,
            notify=form.notify.data,
        )
    except ValidationFailed as failed:
        db.session.rollback()
        form.apply(failed)
        return _render(form, 422)
    db.session.commit()
    if result.outcome == "created":
        flash(
            _(
                "Ticket #%(ref)s opened for %(name)s.",
                ref=result.ticket.ref,
                name=result.customer.display_name,
            ),
            "success",
        )
    else:
        flash(_("Added to the existing ticket #%(ref)s.", ref=result.ticket.ref), "info")
    return redirect(url_for("desk.ticket_page", ref=result.ticket.ref))


@bp.get("/customer-lookup")
@staff_required
def customer_lookup() -> Any:
    """Customers matching a name, email, phone or chat handle, for the type-ahead picker."""
    query = (request.args.get("q") or "").strip()[:200]
    rows = list(db.session.scalars(customer_queries.search(query, limit=8))) if len(query) >= 2 else []
    return jsonify(
        [
            {
                "id": c.id,
                "name": c.display_name,
                "email": c.email or "",
                "phone": c.phone or "",
                "tier": c.tier,
            }
            for c in rows
        ]
    )

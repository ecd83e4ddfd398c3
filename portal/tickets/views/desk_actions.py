"""Reshaping conversations: merge a ticket into another of the same customer, split a message off into a new
ticket, move a wrongly threaded message onto another ticket. Each is recorded in both tickets' histories."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.auth import staff_required
from portal.core.errors import DomainError, ValidationFailed
from portal.extensions import db
from portal.tickets import queries, service
from portal.tickets.models import Message, Ticket
from portal.tickets.views.desk_shared import bp, load_ticket


def _message(message_id: int) -> Message:
    message = db.session.get(Message, message_id)
    if message is None:
        abort(404)
    return message


def _candidates(ticket: Ticket) -> list[Ticket]:
    """The customer's other tickets that are not merged away, newest first (the likely targets)."""
    rows = db.session.scalars(queries.customer_tickets(ticket.customer_id, limit=21)).all()
    return [t for t in rows if t.id != ticket.id][:20]


def _target() -> Ticket | None:
    """The ticket named in the form: a reference typed in (with or without #), else the one picked."""
    raw = (request.form.get("target_ref") or request.form.get("target") or "").strip().lstrip("#")
    return db.session.scalar(queries.ticket_by_ref(raw)) if raw.isdigit() else None


def _refusal(error: DomainError) -> str:
    if isinstance(error, ValidationFailed):
        return " ".join(reason for _field, reason in error.errors)
    return error.message


@bp.get("/tickets/<int:ref>/merge")
@staff_required
def merge_form(ref: int) -> Any:
    """Pick the ticket of the same customer that this one should be merged into."""
    ticket = load_ticket(ref)
    return render_template(
        "desk/merge_ticket.html", ticket=ticket, candidates=_candidates(ticket), error=None
    )


@bp.post("/tickets/<int:ref>/merge")
@staff_required
def merge(ref: int) -> Any:
    """Merge this ticket into the chosen one: its messages move there; both histories record it."""
    ticket = load_ticket(ref)
    target = _target()
    error = None
    if target is None:
        error = _("Choose the ticket to merge into.")
    else:
        try:
            service.merge_tickets(target, ticket, current_user)
        except DomainError as failed:
            db.session.rollback()
            error = _refusal(failed)
    if error:
        page = render_template(
            "desk/merge_ticket.html", ticket=ticket, candidates=_candidates(ticket), error=error
        )
        return page, 422
    db.session.commit()
    flash(_("Ticket #%(source)s was merged into this ticket.", source=ref), "success")
    return redirect(url_for("desk.ticket_page", ref=target.ref))


@bp.post("/messages/<int:message_id>/split")
@staff_required
def split(message_id: int) -> Any:
    """Take a message off its ticket into a new ticket of the same customer."""
    message = _message(message_id)
    source = db.session.get(Ticket, message.ticket_id)
    try:
        ticket = service.split_message(message, current_user)
    except DomainError as failed:
        db.session.rollback()
        flash(_refusal(failed), "danger")
        return redirect(url_for("desk.ticket_page", ref=source.ref if source else 0))
    db.session.commit()
    flash(_("The message is now ticket #%(ref)s.", ref=ticket.ref), "success")
    return redirect(url_for("desk.ticket_page", ref=ticket.ref))


@bp.get("/messages/<int:message_id>/move")
@staff_required
def move_form(message_id: int) -> Any:
    """Choose the ticket a wrongly threaded message belongs to."""
    message = _message(message_id)
    ticket = db.session.get(Ticket, message.ticket_id)
    assert ticket is not None
    return render_template(
        "desk/move_message.html", message=message, ticket=ticket, candidates=_candidates(ticket), error=None
    )


@bp.post("/messages/<int:message_id>/move")
@staff_required
def move(message_id: int) -> Any:
    """Move the message onto the chosen ticket (both tickets record it)."""
    message = _message(message_id)
    ticket = db.session.get(Ticket, message.ticket_id)
    assert ticket is not None
    target = _target()
    error = None
    if target is None or target.merged_into_id:
        error = _("Choose the ticket to move the message to.")
    elif target.id == ticket.id:
        error = _("The message is already on this ticket.")
    else:
        try:
            service.move_message(message, target, current_user)
        except DomainError as failed:
            db.session.rollback()
            error = _refusal(failed)
    if error:
        page = render_template(
            "desk/move_message.html",
            message=message,
            ticket=ticket,
            candidates=_candidates(ticket),
            error=error,
        )
        return page, 422
    db.session.commit()
    flash(_("The message was moved to ticket #%(ref)s.", ref=target.ref), "success")
    return redirect(url_for("desk.ticket_page", ref=ticket.ref))

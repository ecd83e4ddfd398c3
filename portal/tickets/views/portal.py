"""Customers' pages: home, my requests (every channel), one request, and files; guests through signed links."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from portal.core import ui
from portal.core.api import decode_cursor, encode_cursor
from portal.core.errors import DomainError
from portal.customers.service import customer_for_user
from portal.extensions import db
from portal.tickets import attachments as files
from portal.tickets import guest, policy, queries, service
from portal.tickets.models import Attachment, Message, Ticket

bp = Blueprint("portal", __name__)
PAGE = 25
ui.nav_item(
    "portal",
    _l("My requests"),
    "portal.requests",
    icon="card-list",
    order=80,
    visible=lambda user: user.is_authenticated,
)


@bp.get("/")
def home() -> Any:
    """Greets a returning customer by name with their open requests; everyone gets search and the ways in."""
    customer = customer_for_user(current_user)
    open_tickets = []
    if customer is not None:
        open_tickets = db.session.scalars(
            queries.customer_tickets(customer.id, open_only=True, limit=5)
        ).all()
    return render_template("portal/home.html", customer=customer, open_tickets=open_tickets)


@bp.get("/requests")
@login_required
def requests() -> Any:
    """Everything the customer asked us, from every channel, newest first."""
    customer = customer_for_user(current_user)
    if customer is None:
        return redirect(url_for("desk.queue")) if current_user.is_staff else abort(404)
    after = decode_cursor(request.args.get("after"))
    rows = db.session.scalars(queries.customer_tickets(customer.id, after=after, limit=PAGE + 1)).all()
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    next_cursor = encode_cursor([rows[-1].created_at, rows[-1].id]) if more else None
    return render_template("portal/requests.html", tickets=rows, next_cursor=next_cursor)


def _load_own(ref: int) -> Ticket:
    ticket = db.session.scalar(queries.ticket_by_ref(ref))
    if not policy.can_view_ticket(current_user, ticket):
        abort(404)
    return ticket  # type: ignore[return-value]


def _render_request(
    ticket: Ticket,
    *,
    token: str | None = None,
    draft: str = "",
    errors: list[str] | None = None,
    status: int = 200,
) -> Any:
    messages = db.session.scalars(queries.conversation(ticket.id, include_internal=False)).all()
    return render_template(
        "portal/request.html",
        ticket=ticket,
        messages=messages,
        token=token,
        draft=draft,
        errors=errors or [],
        can_reply=policy.can_customer_reply(ticket),
    ), status


@bp.get("/requests/<int:ref>", endpoint="request")
@login_required
def request_page(ref: int) -> Any:
    """The whole conversation of one request, with the reply box."""
    return _render_request(_load_own(ref))


@bp.get("/r/<token>")
def guest_request(token: str) -> Any:
    """A guest's request, opened from the signed link in their mail."""
    ticket = guest.ticket_for_token(token)
    if ticket is None:
        return render_template("portal/link_invalid.html"), 404
    g.guest_token = token
    return _render_request(ticket, token=token)


@bp.post("/requests/<int:ref>/status")
@login_required
def change_status(ref: int) -> Any:
    """Close a request that is resolved, or reopen a solved one."""
    return _change_status(_load_own(ref), request.form.get("status", ""), url_for("portal.request", ref=ref))


@bp.post("/r/<token>/status")
def guest_change_status(token: str) -> Any:
    """The same for a guest."""
    ticket = guest.ticket_for_token(token) or abort(404)
    return _change_status(
        ticket, request.form.get("status", ""), url_for("portal.guest_request", token=token)
    )


def _change_status(ticket: Ticket, wanted: str, back: str) -> Any:
    if wanted not in ("solved", "open"):
        abort(400)
    try:
        service.update_ticket(ticket, current_user if current_user.is_authenticated else None, status=wanted)
    except DomainError as error:
        flash(error.message, "warning")
        return redirect(back)
    db.session.commit()
    flash(_("Marked as resolved. Thank you!") if wanted == "solved" else _("Reopened."), "success")
    return redirect(back)


@bp.get("/attachments/<int:attachment_id>/<path:filename>")
def attachment(attachment_id: int, filename: str) -> Any:
    """A file of a message the viewer may see; never rendered as HTML from our origin."""
    item = db.session.get(Attachment, attachment_id)
    if item is None:
        abort(404)
    message = db.session.get(Message, item.message_id)
    ticket = db.session.get(Ticket, message.ticket_id) if message else None
    guest_ticket = guest.ticket_for_token(request.args.get("t", "")) if request.args.get("t") else None
    guest_ok = guest_ticket is not None and ticket is not None and guest_ticket.id == ticket.id
    if message is None or not (guest_ok or policy.can_view_ticket(current_user, ticket)):
        abort(404)
    if not policy.can_view_message(current_user, message):
        abort(404)
    inline = item.content_type in files.INLINE_TYPES and request.args.get("download") is None
    response = send_file(
        files.path_for(item.sha256),
        mimetype=item.content_type,
        as_attachment=not inline,
        download_name=item.filename,
        max_age=3600,
        conditional=True,
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.get("/r/<token>/claim")
def guest_claim(token: str) -> Any:
    """From a guest's link to creating an account that inherits every request of that address."""
    from portal.accounts.service import claim_token

    ticket = guest.ticket_for_token(token)
    if ticket is None or not ticket.customer.email:
        return render_template("portal/link_invalid.html"), 404
    return redirect(url_for("accounts.claim", token=claim_token(ticket.customer.email)))

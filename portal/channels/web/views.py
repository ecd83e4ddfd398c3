"""The portal form that files a request (signed in or as a guest) and the reply box on a request page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.channels.web import intake as web
from portal.channels.web.forms import GuestRequestForm, ReplyForm, RequestForm
from portal.core import ui
from portal.core.errors import ValidationFailed
from portal.customers.service import Hints, customer_for_user
from portal.extensions import db, limiter
from portal.tickets import attachments as files
from portal.tickets import guest, policy, queries
from portal.tickets.intake import receive
from portal.tickets.models import Ticket
from portal.tickets.views.portal import _render_request

bp = Blueprint("web", __name__)
ui.nav_item("portal", _l("New request"), "web.new_request", icon="pencil-square", order=90)


def _submit_rate() -> str:
    return current_app.config["RATELIMIT_SUBMIT"]


def _hints(form: Any) -> Hints:
    if current_user.is_authenticated:
        return Hints(
            user_id=current_user.id,
            email=current_user.email,
            name=current_user.name,
            locale=current_user.locale,
        )
    return Hints(
        email=form.email.data,
        name=form.name.data,
        phone=form.phone.data or None,
        locale=request.accept_languages.best_match(current_app.config["LOCALES"]),
    )


@bp.route("/requests/new", methods=["GET", "POST"])
@limiter.limit(_submit_rate, methods=["POST"])
def new_request() -> Any:
    """File a request: customers as themselves, guests with a name and an address to follow it by mail."""
    form = RequestForm() if current_user.is_authenticated else GuestRequestForm()
    if request.method == "GET":
        form.subject.data = form.subject.data or request.args.get("subject", "")
    if form.validate_on_submit():
        uploads = web.read_uploads(form.files.data)
        try:
            files.check_uploads([(u.filename, len(u.data)) for u in uploads])
            result = receive(
                web.new_request(
                    subject=form.subject.data,
                    text=form.text.data,
                    hints=_hints(form),
                    uploads=uploads,
                    context=web.parse_context(form.context.data, request.referrer),
                )
            )
        except ValidationFailed as failed:
            form.apply(failed)
        else:
            db.session.commit()
            if current_user.is_authenticated and customer_for_user(current_user) is not None:
                flash(
                    _(
                        "Thank you. Your request #%(ref)s is filed; we will answer here and by mail.",
                        ref=result.ticket.ref,
                    ),
                    "success",
                )
                return redirect(url_for("portal.request", ref=result.ticket.ref))
            return render_template(
                "portal/guest_sent.html",
                email=form.email.data if hasattr(form, "email") else "",
                ref=result.ticket.ref,
            )
    status = 422 if request.method == "POST" else 200
    return render_template("portal/new_request.html", form=form), status


@bp.post("/requests/<int:ref>/reply")
@limiter.limit(_submit_rate)
def reply(ref: int) -> Any:
    """A signed-in customer answers on their request."""
    ticket = db.session.scalar(queries.ticket_by_ref(ref))
    if (
        not current_user.is_authenticated
        or current_user.is_staff
        or not policy.can_view_ticket(current_user, ticket)
    ):
        abort(404)
    return _reply(ticket, None)  # type: ignore[arg-type]


@bp.post("/r/<token>/reply")
@limiter.limit(_submit_rate)
def guest_reply(token: str) -> Any:
    """A guest answers through their signed link."""
    ticket = guest.ticket_for_token(token)
    if ticket is None:
        abort(404)
    return _reply(ticket, token)


def _reply(ticket: Ticket, token: str | None) -> Any:
    form = ReplyForm()
    back = (
        url_for("portal.guest_request", token=token) if token else url_for("portal.request", ref=ticket.ref)
    )
    if not policy.can_customer_reply(ticket):
        flash(_("This request is closed. Please file a new one."), "warning")
        return redirect(back)
    uploads = web.read_uploads(form.files.data) if form.validate_on_submit() else []
    text = (form.text.data or "").strip()
    errors = [e for errs in form.errors.values() for e in errs]
    if not errors and not text and not uploads:
        errors.append(_("Write a message or attach a file."))
    if not errors:
        try:
            files.check_uploads([(u.filename, len(u.data)) for u in uploads])
            customer = ticket.customer
            hints = (
                Hints(user_id=current_user.id, email=current_user.email, name=current_user.name)
                if current_user.is_authenticated
                else Hints(email=customer.email, name=customer.name)
            )
            receive(web.reply(ref=ticket.ref, text=text, hints=hints, uploads=uploads))
        except ValidationFailed as failed:
            errors.extend(reason for _field, reason in failed.errors)
        else:
            db.session.commit()
            flash(_("Your reply was added."), "success")
            return redirect(back)
    db.session.rollback()
    return _render_request(ticket, token=token, draft=text, errors=errors, status=422)

"""Agents' side: requests by state (awaiting my approval, failed, open), a request's page with its actions,
and filing a request for a customer from their ticket with answers prefilled from what they wrote."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from portal.catalog import policy, prefill, queries, service
from portal.catalog.forms import build_form
from portal.catalog.models import CatalogRequest, RequestTask
from portal.catalog.views import KEY_RE, current_locale
from portal.core import ui
from portal.core.api import decode_cursor, encode_cursor
from portal.core.auth import staff_required
from portal.core.errors import DomainError, ValidationFailed
from portal.extensions import db
from portal.tickets import queries as ticket_queries
from portal.tickets.models import Ticket

bp = Blueprint("catalog_desk", __name__, url_prefix="/desk/catalog")


def _approvals_badge(user: Any) -> int | None:
    return db.session.scalar(queries.approvals_count(user)) or None


ui.nav_item("desk", _l("Requests"), "catalog_desk.requests", icon="grid", order=30, badge=_approvals_badge)
ui.slot("desk.ticket.sidebar", "catalog/_desk_sidebar.html", order=20)
VIEW_LABELS = {
    "approvals": _l("Awaiting my approval"),
    "failed": _l("Failed actions"),
    "open": _l("Open"),
    "all": _l("All"),
}
PAGE = 50


@bp.get("/requests")
@staff_required
def requests() -> Any:
    """Requests by view, most recently changed first (keyset pages)."""
    view = request.args.get("view")
    if view not in queries.DESK_VIEWS:
        view = "approvals" if db.session.scalar(queries.approvals_count(current_user)) else "open"
    after = decode_cursor(request.args.get("after"))
    rows = db.session.scalars(queries.desk_requests(view, current_user, after=after, limit=PAGE + 1)).all()
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    cursor = encode_cursor([rows[-1].updated_at, rows[-1].id]) if more else None
    return render_template(
        "catalog/desk_requests.html", rows=rows, view=view, views=VIEW_LABELS, next_cursor=cursor
    )


def _load(request_id: int) -> CatalogRequest:
    req = db.session.get(CatalogRequest, request_id)
    if req is None:
        abort(404)
    return req


@bp.get("/requests/<int:request_id>")
@staff_required
def request_page(request_id: int) -> Any:
    """Everything about one request, with approve/reject, tasks, retry and fulfil-by-hand."""
    req = _load(request_id)
    return render_template(
        "catalog/desk_request.html",
        req=req,
        events=db.session.scalars(queries.events(req.id)).all(),
        tasks=db.session.scalars(queries.tasks(req.id)).all(),
        can_approve=policy.can_approve(current_user, req),
        can_cancel=policy.can_cancel(current_user, req),
        locale=current_locale(),
    )


def _act(request_id: int, do: Any, done_message: Any) -> Any:
    req = _load(request_id)
    back = request.form.get("next") or ""
    if not back.startswith("/") or back.startswith("//"):
        back = url_for("catalog_desk.request_page", request_id=req.id)
    try:
        do(req)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "warning")
        return redirect(back)
    db.session.commit()
    flash(str(done_message), "success")
    return redirect(back)


def _comment() -> str:
    return (request.form.get("comment") or "").strip()[:2000]


@bp.post("/requests/<int:request_id>/approve")
@staff_required
def approve(request_id: int) -> Any:
    """Approve: the action or the tasks start."""
    return _act(request_id, lambda r: service.approve(r, current_user, _comment()), _l("Approved."))


@bp.post("/requests/<int:request_id>/reject")
@staff_required
def reject(request_id: int) -> Any:
    """Reject, with the reason the customer reads."""
    return _act(request_id, lambda r: service.reject(r, current_user, _comment()), _l("Rejected."))


@bp.post("/requests/<int:request_id>/cancel")
@staff_required
def cancel(request_id: int) -> Any:
    """Cancel an open request."""
    return _act(request_id, lambda r: service.cancel(r, current_user), _l("Cancelled."))


@bp.post("/requests/<int:request_id>/retry")
@staff_required
def retry(request_id: int) -> Any:
    """Run a failed action again."""
    return _act(request_id, lambda r: service.retry(r, current_user), _l("Trying again."))


@bp.post("/requests/<int:request_id>/fulfil")
@staff_required
def fulfil(request_id: int) -> Any:
    """The work was done by hand."""
    return _act(
        request_id, lambda r: service.fulfil_by_hand(r, current_user, _comment()), _l("Marked as fulfilled.")
    )


@bp.post("/requests/<int:request_id>/tasks/<int:task_id>")
@staff_required
def task(request_id: int, task_id: int) -> Any:
    """Tick or untick one task of the checklist."""
    row = db.session.get(RequestTask, task_id)
    if row is None or row.request_id != request_id:
        abort(404)
    done = request.form.get("done") == "1"
    return _act(request_id, lambda r: service.set_task(r, row, current_user, done), _l("Saved."))


@bp.route("/file", methods=["GET", "POST"])
@staff_required
def file_for_customer() -> Any:
    """Fill in an item's form for the customer of a ticket; the request joins that ticket."""
    ticket = db.session.scalar(ticket_queries.ticket_by_ref(request.values.get("ticket", type=int) or 0))
    if ticket is None:
        abort(404)
    item = db.session.scalar(queries.item_by_slug(request.values.get("item", "")))
    if item is None or not item.active:
        flash(_("Choose a service first."), "warning")
        return redirect(url_for("desk.ticket_page", ref=ticket.ref))
    locale = ticket.customer.locale or current_locale()
    guessed: dict[str, Any] = {}
    if request.method == "GET":
        guessed = prefill.guess(item, ticket)
        form = build_form(item, current_locale(), data=prefill.form_data(item, guessed))
        form.submission_key.data = request.args.get("key") or uuid.uuid4().hex
    else:
        form = build_form(item, current_locale())
    allowed = policy.can_request(current_user, item, ticket.customer)
    if request.method == "POST" and allowed and form.validate_on_submit():
        try:
            req = _file(item, form, ticket, locale)
        except ValidationFailed as failed:
            db.session.rollback()
            form.apply(failed)
        else:
            db.session.commit()
            flash(_("The request was filed for the customer."), "success")
            return redirect(url_for("catalog_desk.request_page", request_id=req.id))
    return render_template(
        "catalog/desk_file.html", item=item, ticket=ticket, form=form, guessed=guessed, allowed=allowed,
        locale=current_locale(),
    ), 422 if request.method == "POST" else 200  # fmt: skip


def _file(item: Any, form: Any, ticket: Ticket, locale: str) -> CatalogRequest:
    key = form.submission_key.data or ""
    dedupe = service.submission_key(f"desk:u{current_user.id}", key) if KEY_RE.match(key) else None
    try:
        req, _created = service.submit(
            item, form.answers(), customer=ticket.customer, actor=current_user, locale=locale,
            dedupe_key=dedupe, uploads=form.uploads(), ticket=ticket,
        )  # fmt: skip
    except IntegrityError:  # sent twice at once: the first one won
        db.session.rollback()
        req = service.find_duplicate(dedupe) or abort(409)
    return req

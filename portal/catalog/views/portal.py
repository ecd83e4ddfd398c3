"""Customers' side of the catalog: the list of services, an item's form, and a request's page (guests too)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

import portal.catalog.demo  # noqa: F401 - adds the demo items on demo_seeding
import portal.catalog.hooks  # noqa: F401 - requests follow customer merges
import portal.catalog.measures  # noqa: F401 - registers the catalog's measures
import portal.catalog.searchable  # noqa: F401 - declares items as searchable
from portal.accounts import tokens
from portal.catalog import answers as answer_text
from portal.catalog import policy, prefill, queries, service
from portal.catalog.forms import CatalogForm, build_form
from portal.catalog.fulfilment import done_text
from portal.catalog.labels import (
    EVENT_LABELS,
    FULFILMENT_LABELS,
    STAFF_EVENT_LABELS,
    STAFF_STATE_LABELS,
    STATE_CLASS,
    STATE_LABELS,
)
from portal.catalog.models import CatalogItem, CatalogRequest
from portal.catalog.views import KEY_RE, current_locale
from portal.core import ui
from portal.core.auth import is_staff
from portal.core.errors import DomainError, ValidationFailed
from portal.customers import service as customers
from portal.customers.service import Hints, customer_for_user
from portal.extensions import db, limiter, login_manager
from portal.tickets.guest import guest_token

bp = Blueprint("catalog", __name__, url_prefix="/catalog")
ui.nav_item("portal", _l("Services"), "catalog.index", icon="grid", order=20)
ui.slot("portal.home.cards", "catalog/_home_card.html", order=10)
ui.slot("portal.request.top", "catalog/_request_banner.html")
LINK_PURPOSE = "catalog-request"


def _submit_rate() -> str:
    return current_app.config["RATELIMIT_SUBMIT"]


def request_link(req: CatalogRequest) -> str:
    """Where the requester follows a request: their page, or a signed link for a visitor."""
    if current_user.is_authenticated:
        return url_for("catalog.request_page", request_id=req.id)
    return url_for("catalog.guest_request", token=tokens.sign(LINK_PURPOSE, {"r": req.id}))


@bp.app_context_processor
def catalog_helpers() -> dict[str, Any]:
    """What the catalog's templates (also those in other pages' slots) need."""
    return {
        "catalog_requests_for": lambda ticket: list(db.session.scalars(queries.for_ticket(ticket.id))),
        "catalog_items_for_staff": lambda: list(db.session.scalars(queries.active_items())),
        "catalog_can_approve": lambda req: policy.can_approve(current_user, req),
        "catalog_guest_link": lambda req: url_for(
            "catalog.guest_request", token=tokens.sign(LINK_PURPOSE, {"r": req.id})
        ),
        "catalog_guest_ticket_url": lambda ticket: url_for("portal.guest_request", token=guest_token(ticket)),
        "catalog_answer_lines": lambda item, answers, locale: answer_text.lines(
            item.fields or [], answers or {}, locale
        ),
        "catalog_done_text": done_text,
        "CATALOG_STATE_LABELS": STAFF_STATE_LABELS,
        "CATALOG_CUSTOMER_STATE_LABELS": STATE_LABELS,
        "CATALOG_STATE_CLASS": STATE_CLASS,
        "CATALOG_EVENT_LABELS": EVENT_LABELS,
        "CATALOG_STAFF_EVENT_LABELS": STAFF_EVENT_LABELS,
        "CATALOG_FULFILMENT_LABELS": FULFILMENT_LABELS,
    }


@bp.get("/")
def index() -> Any:
    """Every service this visitor may request, grouped by category."""
    items = policy.requestable(current_user, list(db.session.scalars(queries.active_items())))
    groups: dict[str, list[CatalogItem]] = {}
    for item in items:
        groups.setdefault(item.text("category", current_locale()) or _("Other"), []).append(item)
    return render_template("catalog/index.html", groups=groups, locale=current_locale())


def _item_or_404(slug: str) -> CatalogItem:
    item = db.session.scalar(queries.item_by_slug(slug))
    if item is None or not item.active:
        abort(404)
    return item


@bp.route("/<slug>", methods=["GET", "POST"])
@limiter.limit(_submit_rate, methods=["POST"])
def item_page(slug: str) -> Any:
    """An item's form in the visitor's language; filing it leads to the request's page."""
    item = _item_or_404(slug)
    if not policy.can_request(current_user, item):
        return login_manager.unauthorized() if not current_user.is_authenticated else abort(403)
    guest = not current_user.is_authenticated
    customer = None if guest else customer_for_user(current_user)
    defaults = prefill.from_customer(item, customer) if customer and request.method == "GET" else {}
    form = build_form(item, current_locale(), guest=guest, data=defaults)
    if request.method == "GET":
        form.submission_key.data = uuid.uuid4().hex
    elif is_staff(current_user):
        flash(_("Agents file requests for customers from the customer's ticket."), "info")
    elif form.validate_on_submit():
        try:
            req = _submit(item, form, guest)
        except ValidationFailed as failed:
            db.session.rollback()
            form.apply(failed)
        else:
            db.session.commit()
            return redirect(request_link(req))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "catalog/item.html", item=item, form=form, guest=guest, locale=current_locale()
    ), status


def _submit(item: CatalogItem, form: CatalogForm, guest: bool) -> CatalogRequest:
    key = form.submission_key.data or ""
    owner = f"form:u{current_user.id}" if not guest else f"form:guest:{form.requester_email.data}".casefold()
    dedupe = service.submission_key(owner, key) if KEY_RE.match(key) else None
    if guest:
        customer, _created = customers.resolve_customer(
            Hints(email=form.requester_email.data, name=form.requester_name.data, locale=current_locale())
        )
    else:
        customer = customer_for_user(current_user)
    if customer is None:
        raise ValidationFailed([(None, _("We could not tell who you are. Please sign in again."))])
    try:
        req, _created = service.submit(
            item,
            form.answers(),
            customer=customer,
            actor=None if guest else current_user,
            locale=current_locale(),
            dedupe_key=dedupe,
            uploads=form.uploads(),
        )
    except IntegrityError:  # the same submission, sent twice at the same moment: the first one won
        db.session.rollback()
        req = service.find_duplicate(dedupe) or abort(409)
    return req


def _own(request_id: int) -> CatalogRequest:
    req = db.session.get(CatalogRequest, request_id)
    if not current_user.is_authenticated or not policy.can_view_request(current_user, req):
        abort(404)
    return req  # type: ignore[return-value]


def _from_token(token: str) -> CatalogRequest:
    data = tokens.unsign(LINK_PURPOSE, token, current_app.config["SIGNED_LINK_MAX_AGE"])
    req = db.session.get(CatalogRequest, data.get("r")) if isinstance(data, dict) else None
    if req is None:
        abort(404)
    return req


def _render(req: CatalogRequest, token: str | None = None) -> Any:
    return render_template(
        "catalog/request.html",
        req=req,
        events=db.session.scalars(queries.events(req.id)).all(),
        tasks=db.session.scalars(queries.tasks(req.id)).all(),
        token=token,
        locale=current_locale(),
        can_cancel=policy.can_cancel(current_user, req) and not is_staff(current_user),
    )


@bp.get("/requests/<int:request_id>")
def request_page(request_id: int) -> Any:
    """Where a request stands, what happened so far, and what the customer answered."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return _render(_own(request_id))


@bp.get("/r/<token>")
def guest_request(token: str) -> Any:
    """The same for a visitor, from the signed link they got after filing."""
    return _render(_from_token(token), token)


def _state(req: CatalogRequest) -> dict[str, Any]:
    return {"state": req.state, "label": str(STATE_LABELS[req.state]), "open": req.is_open}


@bp.get("/requests/<int:request_id>/state")
def request_state(request_id: int) -> Any:
    """The request's state, for the page to follow it live."""
    return _state(_own(request_id))


@bp.get("/r/<token>/state")
def guest_request_state(token: str) -> Any:
    """The same through a signed link."""
    return _state(_from_token(token))


def _cancel(req: CatalogRequest, back: str) -> Any:
    try:
        service.cancel(req, current_user if current_user.is_authenticated else None)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "warning")
        return redirect(back)
    db.session.commit()
    flash(_("Your request was cancelled."), "success")
    return redirect(back)


@bp.post("/requests/<int:request_id>/cancel")
def cancel(request_id: int) -> Any:
    """Withdraw a request nobody has acted on yet."""
    req = _own(request_id)
    return _cancel(req, url_for("catalog.request_page", request_id=req.id))


@bp.post("/r/<token>/cancel")
def guest_cancel(token: str) -> Any:
    """The same through a signed link."""
    return _cancel(_from_token(token), url_for("catalog.guest_request", token=token))

"""JSON API v1 of the catalog (see ../shared/CONTRACT.md and /api/v1/openapi.json): items, requests, decisions."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from portal.catalog import policy, queries, service
from portal.catalog.api_spec import document_catalog_api
from portal.catalog.forms import PREFIX, build_form, formdata_from_json
from portal.catalog.models import CatalogItem, CatalogRequest
from portal.catalog.serialize import item_json, request_json
from portal.catalog.views import current_locale
from portal.core.api import api_blueprint, field, json_body, require_user
from portal.core.auth import is_admin, is_staff
from portal.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from portal.customers import service as customers
from portal.customers.service import Hints, customer_for_user
from portal.extensions import db, limiter

bp = api_blueprint("catalog_api", __name__)
document_catalog_api()


def _submit_rate() -> str:
    return current_app.config["RATELIMIT_SUBMIT"]


def _item(slug: str) -> CatalogItem:
    item = db.session.scalar(queries.item_by_slug(slug))
    if item is None or (not item.active and not is_admin(current_user)):
        raise NotFound("No such item.")
    return item


def _require_admin() -> Any:
    user = require_user()
    if not is_admin(user):
        raise Forbidden("Only admins configure the catalog.")
    return user


@bp.get("/catalog/items")
def list_items() -> Any:
    """Items the caller may request (admins: every item, with its settings)."""
    admin = is_admin(current_user)
    rows = db.session.scalars(queries.all_items() if admin else queries.active_items()).all()
    visible = list(rows) if admin else policy.requestable(current_user, list(rows))
    return {"items": [item_json(i, current_locale(), full=admin) for i in visible], "next": None}


@bp.post("/catalog/items")
def create_item() -> Any:
    """Create an item from its definition (admins)."""
    _require_admin()
    item = service.save_item(None, json_body())
    db.session.commit()
    return item_json(item, current_locale(), full=True), 201


@bp.get("/catalog/items/<slug>")
def get_item(slug: str) -> Any:
    """One item; 403 when the caller may not request it."""
    item = _item(slug)
    if not policy.can_request(current_user, item) and not is_admin(current_user):
        raise Forbidden("This item is not available to you.")
    return item_json(item, current_locale(), full=is_admin(current_user))


@bp.put("/catalog/items/<slug>")
def replace_item(slug: str) -> Any:
    """Replace an item's whole definition (admins)."""
    _require_admin()
    item = service.save_item(_item(slug), {"slug": slug, **json_body()})
    db.session.commit()
    return item_json(item, current_locale(), full=True)


def _answers(item: CatalogItem, raw: Any) -> tuple[dict[str, Any], list[Any]]:
    data, problems = formdata_from_json(item, raw)
    form = build_form(item, current_locale(), formdata=data, meta={"csrf": False})
    if not form.validate() or problems:
        errors = [
            (f"fields.{name.removeprefix(PREFIX)}", e) for name, errs in form.errors.items() for e in errs
        ]
        raise ValidationFailed(errors + problems)
    return form.answers(), form.uploads()


def _customer_for(user: Any, data: dict[str, Any]) -> Any:
    if not is_staff(user):
        customer = customer_for_user(user)
        if customer is None:
            raise Forbidden("This account has no customer record.")
        return customer
    email = field(data, "customer_email", str, required=True)
    customer, _created = customers.resolve_customer(
        Hints(email=email, name=field(data, "customer_name", str))
    )
    if customer is None:
        raise ValidationFailed([("customer_email", "is not a valid email address")])
    return customer


@bp.post("/catalog/items/<slug>/requests")
@limiter.limit(_submit_rate)
def create_request(slug: str) -> Any:
    """File a request; the same Idempotency-Key (or client_id) again answers 200 with the first one."""
    user = require_user()
    item = _item(slug)
    data = json_body()
    customer = _customer_for(user, data)
    if not policy.can_request(user, item, customer if is_staff(user) else None):
        raise Forbidden("This item is not available to this customer.")
    key = request.headers.get("Idempotency-Key") or field(data, "client_id", str)
    dedupe = service.submission_key(f"api:u{user.id}", key)
    existing = service.find_duplicate(dedupe)
    if existing is not None:
        return request_json(existing, staff=is_staff(user)), 200
    answers, uploads = _answers(item, data.get("fields", {}))
    try:
        req, created = service.submit(
            item, answers, customer=customer, actor=user, locale=current_locale(), dedupe_key=dedupe,
            uploads=uploads,
        )  # fmt: skip
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        req, created = service.find_duplicate(dedupe), False
        if req is None:
            raise DomainError("The request conflicts with another one.") from None
    db.session.refresh(req)
    return request_json(req, staff=is_staff(user)), 201 if created else 200


def _visible(request_id: int) -> CatalogRequest:
    user = require_user()
    req = db.session.get(CatalogRequest, request_id)
    if not policy.can_view_request(user, req):
        raise NotFound("No such request.")
    return req  # type: ignore[return-value]


@bp.get("/requests/<int:request_id>")
def get_request(request_id: int) -> Any:
    """A request with its history."""
    req = _visible(request_id)
    staff = is_staff(current_user)
    return request_json(req, db.session.scalars(queries.events(req.id)).all(), staff=staff)


def _decide(request_id: int, do: Any) -> Any:
    req = _visible(request_id)
    data = json_body() if request.data else {}
    comment = field(data, "comment", str, default="")
    if not policy.is_approver(current_user, req.item):
        raise Forbidden("Only the item's approvers decide this request.")
    do(req, current_user, comment)
    db.session.commit()
    return request_json(req, db.session.scalars(queries.events(req.id)).all(), staff=True)


@bp.post("/requests/<int:request_id>/approve")
def approve_request(request_id: int) -> Any:
    """Approve a request waiting for approval (approvers)."""
    return _decide(request_id, service.approve)


@bp.post("/requests/<int:request_id>/reject")
def reject_request(request_id: int) -> Any:
    """Reject a request waiting for approval (approvers)."""
    return _decide(request_id, service.reject)


@bp.post("/requests/<int:request_id>/cancel")
def cancel_request(request_id: int) -> Any:
    """Withdraw an open request (the customer before anyone acted; staff while it is open)."""
    req = _visible(request_id)
    service.cancel(req, current_user)
    db.session.commit()
    return request_json(req, db.session.scalars(queries.events(req.id)).all(), staff=is_staff(current_user))

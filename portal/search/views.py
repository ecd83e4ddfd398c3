"""The one query box: the results page, type-ahead suggestions, and the deflection beacons of the request form."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.core import ui
from portal.core.auth import is_staff
from portal.customers.service import customer_for_user
from portal.extensions import db, limiter
from portal.search import deflection, service, state
from portal.search import demo as _demo  # noqa: F401 - adds self-service history to the demo data
from portal.search import tasks as _tasks  # noqa: F401 - registers the outbox handler and jobs
from portal.tickets import queries as ticket_queries

bp = Blueprint("search", __name__)
ui.nav_item("desk", _l("Search"), "search.page", icon="search", order=35)
ui.slot("portal.home.search", "search/_home_box.html")
ui.slot("portal.new_request.suggestions", "search/_suggestions.html")
KIND_LABELS = {
    "article": _l("Help articles"),
    "post": _l("Community"),
    "catalog": _l("Services you can request"),
    "ticket": _l("Your requests"),
}


@bp.record_once
def _init(setup: Any) -> None:
    init_app(setup.app)


def init_app(app: Flask) -> None:
    """Index store, ticket search for the queue and the API, and the Korean model loaded before forking."""
    state.init_app(app)
    if app.config.get("SEARCH_ENABLED", True):
        ticket_queries.set_ticket_search(service.ticket_ids)
    modes = {
        app.config.get("SEARCH_ANALYZER", "mix"),
        *dict(app.config.get("SEARCH_ANALYZERS") or {}).values(),
    }
    if app.config.get("SEARCH_PRELOAD_KIWI", False) and modes & {"kiwi", "mix"}:
        from portal.search.analyzers import kiwi

        kiwi()


def _filters() -> service.Filters:
    kind = request.args.get("kind") or None
    return service.Filters(
        kinds=[kind] if kind in KIND_LABELS or kind in service.ordered_kinds() else None,
        locale=request.args.get("locale") if request.args.get("locale") in ("ko", "en") else None,
        category=(request.args.get("category") or "")[:80] or None,
        tag=(request.args.get("tag") or "")[:40] or None,
    )


@bp.get("/search")
def page() -> Any:
    """Results grouped by kind with highlighted snippets, filters and "did you mean"."""
    text = (request.args.get("q") or "")[:2000]
    filters = _filters()
    results = service.search(text, user=current_user, filters=filters, limit=20 if filters.kinds else 5)
    all_kinds = [k for k in service.ordered_kinds() if is_staff(current_user) or k != "ticket"]
    if not is_staff(current_user) and customer_for_user(current_user) is not None:
        all_kinds = service.ordered_kinds()
    if is_staff(current_user):  # agents open tickets in the desk, not in the customer's portal
        for hit in results.groups.get("ticket", []):
            if hit.extra.get("ref"):
                hit.url = url_for("desk.ticket_page", ref=hit.extra["ref"])
    template = "search/desk.html" if is_staff(current_user) else "search/results.html"
    return render_template(
        template,
        q=text,
        results=results,
        filters=filters,
        kinds=all_kinds,
        labels=KIND_LABELS,
        locale=str(get_locale() or "ko"),
    )


def _suggest_rate() -> str:
    return current_app.config.get("RATELIMIT_SUGGEST", "120 per minute")


@bp.get("/search/suggest")
@limiter.limit(_suggest_rate)
def suggest() -> Any:
    """Type-ahead: articles, answers and catalog items for the words typed so far (JSON)."""
    text = (request.args.get("q") or "")[:500]
    customer = customer_for_user(current_user)
    items: list[dict[str, Any]] = []
    if len(text.strip()) >= 2:
        items = service.suggest(text, str(get_locale() or "ko"), customer, limit=3)
    key = request.args.get("key")
    if key and items:
        deflection.record_shown(key, text, len(items), customer)
        db.session.commit()
    labels = {k: str(v) for k, v in KIND_LABELS.items()}
    return jsonify({"items": [{**i, "label": labels.get(i["kind"], i["kind"])} for i in items]})


@bp.post("/search/opened")
@limiter.limit(_suggest_rate)
def opened() -> Any:
    """The request form's beacon: a suggestion was opened (the start of a possible deflection)."""
    data = request.get_json(silent=True) or request.form
    try:
        item_id = int(data.get("id", ""))
    except (TypeError, ValueError):
        return jsonify({"ok": False}), 400
    recorded = deflection.record_opened(
        str(data.get("key", "")),
        str(data.get("kind", ""))[:20],
        item_id,
        str(data.get("title", ""))[:300],
        customer_for_user(current_user),
    )
    db.session.commit()
    return jsonify({"ok": recorded is not None}), 200 if recorded is not None else 400

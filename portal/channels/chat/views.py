"""The widget's side of the portal: its settings and words (JSON), CORS for the sites an admin allowed, and the
slots that put the widget on every customer page and live-chat badges in the agents' queue."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, request, url_for
from flask_babel import force_locale, get_locale
from flask_login import current_user
from flask_sqlalchemy.session import Session as FlaskSession

from portal.channels.chat import config, fanout, queries, service, settings_store
from portal.channels.chat import demo as _demo  # noqa: F401 - adds chat to the demo data
from portal.channels.chat import measures as _measures  # noqa: F401 - registers the chat's measures
from portal.channels.chat import merges as _merges  # noqa: F401 - moves chats when customers merge
from portal.channels.chat import tasks as _tasks  # noqa: F401 - registers the periodic clean-up
from portal.channels.chat.strings import widget_strings
from portal.core import ui
from portal.core.api import error_response
from portal.core.auth import is_staff
from portal.customers.service import customer_for_user
from portal.extensions import db
from portal.incidents.queries import banner as incident_banner
from portal.tickets import queries as ticket_queries

bp = Blueprint("chat", __name__)
ui.slot("page.bottom", "chat/_widget.html")
ui.slot("desk.queue.row", "chat/_queue_badge.html")
ui.slot("desk.ticket.sidebar", "chat/_ticket_sidebar.html", order=10)

CORS_PREFIXES = ("/api/v1/chats", "/chat/widget.json")


@bp.record_once
def _setup(state: Any) -> None:
    config.init_app(state.app)
    fanout.install(FlaskSession)


def _chat_path() -> bool:
    return request.path.startswith(CORS_PREFIXES)


def _own_origin(origin: str) -> bool:
    ours = {request.host_url.rstrip("/")}
    base = urlsplit(current_app.config["PORTAL_BASE_URL"])
    ours.add(f"{base.scheme}://{base.netloc}")
    return origin.rstrip("/") in ours


def _foreign_allowed(origin: str | None) -> bool:
    return bool(origin) and origin in settings_store.allowed_origins()


@bp.before_app_request
def _refuse_other_sites() -> Any:
    """Pages of other sites may reach the chat only if an admin allowed them (and never with cookies)."""
    origin = request.headers.get("Origin")
    if not _chat_path() or not origin or _own_origin(origin) or _foreign_allowed(origin):
        return None
    return error_response(403, "origin_not_allowed", "This site may not use the chat.")


@bp.after_app_request
def _cors(response: Any) -> Any:
    origin = request.headers.get("Origin")
    if _chat_path() and origin and not _own_origin(origin) and _foreign_allowed(origin):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, X-Chat-Token"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Max-Age"] = "600"
        response.headers.add("Vary", "Origin")
    return response


def _open_requests(customer: Any) -> list[dict[str, Any]]:
    rows = db.session.scalars(ticket_queries.customer_tickets(customer.id, open_only=True, limit=5)).all()
    return [
        {"ref": str(t.ref), "subject": t.subject, "url": url_for("portal.request", ref=t.ref)} for t in rows
    ]


@bp.get("/chat/widget.json")
def widget_config() -> Any:
    """What the widget needs before the first word: its texts, who is here, whether someone can answer."""
    locales = current_app.config["LOCALES"]
    locale = request.args.get("locale") if request.args.get("locale") in locales else str(get_locale())
    customer = None
    foreign = bool(request.headers.get("Origin")) and not _own_origin(request.headers.get("Origin", ""))
    if not foreign and current_user.is_authenticated and not is_staff(current_user):
        customer = customer_for_user(current_user)
    live = db.session.scalar(queries.live_of_customer(customer.id)) if customer else None
    state = service.availability()
    with force_locale(locale):
        strings = widget_strings(customer.display_name if customer else None)
    body = {
        "locale": locale,
        "company": current_app.config["COMPANY_NAME"],
        "strings": strings,
        "signed_in": customer is not None,
        "name": customer.display_name if customer else None,
        "open_requests": _open_requests(customer) if customer else [],
        "requests_url": url_for("portal.requests") if customer else url_for("accounts.login"),
        "live_chat": live.id if live else None,
        "available": state["available"],
        "open": state["open"],
        "hours": state["hours"],
        "max_chars": current_app.config["CHAT_MESSAGE_MAX_CHARS"],
        "incidents": incident_banner(locale),  # known outages, shown above the greeting
    }
    return body, 200, {"Cache-Control": "no-store"}


@bp.app_template_global("live_chat_status")
def live_chat_status(ticket: Any) -> str | None:
    """ "waiting" or "active" when someone is in this ticket's chat right now (one query per page)."""
    statuses = g.get("_chat_live_statuses")
    if statuses is None:
        statuses = dict(db.session.execute(queries.live_ticket_statuses()).all())
        g._chat_live_statuses = statuses
    return statuses.get(ticket.id)

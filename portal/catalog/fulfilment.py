"""Running a request's action in the worker, and what follows: fulfilled, retried with backoff, or handed to a
person with everything they need. Every step is a row in the request's history. Flushes, never commits.

The action runs from the transactional outbox (kind `catalog.action`): queued in the transaction that made the
request ready, delivered after commit, found again by the sweep if the worker died. A payload names the attempt
it is for; a delivery whose attempt already ran, or whose request is no longer in progress, does nothing.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.catalog import actions
from portal.catalog import answers as answer_text
from portal.catalog.actions import (  # noqa: F401 - the built-in actions register themselves
    Context,
    Outcome,
    password_reset,
    send_email,
    update_record,
    webhook,
)
from portal.catalog.labels import STAFF_STATE_LABELS
from portal.catalog.models import CatalogRequest, RequestEvent
from portal.core import outbox, signals
from portal.core.db import utcnow
from portal.customers import service as customers
from portal.extensions import db
from portal.tickets import service as tickets
from portal.tickets.models import Ticket

log = logging.getLogger(__name__)
OUTBOX_KIND = "catalog.action"
MAX_BACKOFF = 300


def event(req: CatalogRequest, kind: str, actor: Any = None, **data: Any) -> RequestEvent:
    """Add a step to the request's history."""
    staff = getattr(actor, "is_staff", False)
    row = RequestEvent(
        request_id=req.id,
        kind=kind,
        actor_id=getattr(actor, "id", None),
        actor_kind="agent" if staff else ("customer" if actor is not None else "system"),
        data={k: v for k, v in data.items() if v is not None},
    )
    db.session.add(row)
    req.updated_at = utcnow()
    return row


def system_actor(locale: str) -> Any:
    """The author of messages the catalog writes by itself."""
    with force_locale(locale):
        name = _("Automatic service")
    return SimpleNamespace(id=None, name=name, is_staff=False, is_authenticated=False, role="system")


def ticket_of(req: CatalogRequest) -> Ticket | None:
    """The request's conversation."""
    return db.session.get(Ticket, req.ticket_id) if req.ticket_id else None


def tell_customer(req: CatalogRequest, text: str, *, status: str, actor: Any = None) -> None:
    """A public message on the request's ticket (mailed to the customer) after setting the ticket's status."""
    ticket = ticket_of(req)
    if ticket is None:
        return
    if (
        ticket.status != "closed"
    ):  # a closed conversation stays closed; the message still reaches the customer
        tickets.update_ticket(ticket, actor if getattr(actor, "is_staff", False) else None, status=status)
    author = actor if getattr(actor, "is_staff", False) else system_actor(req.locale)
    tickets.add_reply(ticket, author, text, author_kind="agent" if author is actor else "system")


def note(req: CatalogRequest, text: str, actor: Any = None) -> None:
    """An internal note for agents on the request's ticket."""
    ticket = ticket_of(req)
    if ticket is not None:
        author = (
            actor
            if getattr(actor, "is_staff", False)
            else system_actor(current_app.config["BABEL_DEFAULT_LOCALE"])
        )
        tickets.add_reply(
            ticket, author, text, internal=True, author_kind="agent" if author is actor else "system"
        )


def timeline(req: CatalogRequest, summary: str) -> None:
    """An entry in the customer's history."""
    ticket = ticket_of(req)
    customers.record(
        req.customer_id,
        "request",
        summary,
        channel="catalog",
        ticket_id=req.ticket_id,
        ticket_ref=str(ticket.ref) if ticket else None,
        subject_type="catalog_request",
        subject_id=req.id,
        url=f"/desk/catalog/requests/{req.id}",
    )


def queue_action(req: CatalogRequest, *, delay: float = 0) -> None:
    """Run the item's action after this transaction commits (attempt number req.attempts + 1)."""
    outbox.enqueue(db.session, OUTBOX_KIND, {"request_id": req.id, "attempt": req.attempts + 1}, delay=delay)


def backoff(attempt: int) -> float:
    """Seconds before the next attempt: base, 2×base, 4×base … (CATALOG_RETRY_BASE_SECONDS, default 2)."""
    base = float(current_app.config.get("CATALOG_RETRY_BASE_SECONDS", 2))
    return min(MAX_BACKOFF, base * 2 ** (attempt - 1))


@outbox.handler(OUTBOX_KIND)
def run_queued(payload: dict[str, Any]) -> None:
    """Outbox handler: one attempt of one request's action (safe to deliver twice)."""
    # Lock the row (PostgreSQL) so that two deliveries of one attempt cannot run side by side.
    locked = sa.select(CatalogRequest.id).where(CatalogRequest.id == payload["request_id"]).with_for_update()
    req = db.session.get(CatalogRequest, db.session.scalar(locked) or 0)
    if req is None or req.state != "in_progress" or payload.get("attempt") != req.attempts + 1:
        return
    action = actions.get(req.item.action)
    if action is None:
        fail(req, f"the action {req.item.action!r} is not installed")
        return
    attempt = req.attempts + 1
    context = Context(req, req.item, req.customer, dict(req.answers), dict(req.item.action_config), attempt)
    try:
        outcome = action.run(context)
    except Exception as error:  # a bug in an action must not lose the request
        log.exception("catalog action %s failed on request %s", action.name, req.id)
        db.session.rollback()
        req = db.session.get(CatalogRequest, payload["request_id"])
        assert req is not None
        outcome = Outcome.retry(f"internal error: {type(error).__name__}: {error}"[:500])
    settle(req, outcome, attempt)


def settle(req: CatalogRequest, outcome: Outcome, attempt: int) -> None:
    """Record one attempt's outcome: fulfilled, tried again later, or handed to a person."""
    req.attempts = attempt
    if outcome.status == "done":
        fulfil(req, result=outcome.result, automatic=req.failed_at is None and req.item.fulfilment == "auto")
        return
    limit = int((req.item.action_config or {}).get("max_attempts") or 1)
    if outcome.status == "retry" and attempt < limit:
        delay = backoff(attempt)
        event(req, "attempt_failed", attempt=attempt, reason=outcome.reason, retry_in=delay)
        queue_action(req, delay=delay)
        return
    reason = outcome.reason
    if outcome.status == "retry":
        reason = f"gave up after {attempt} attempts; last: {reason}"
    fail(req, reason)


def fulfil(
    req: CatalogRequest, *, result: dict[str, Any] | None = None, automatic: bool, actor: Any = None
) -> None:
    """Done: tell the customer (portal and mail), solve the ticket, announce it."""
    req.state = "fulfilled"
    req.result = result if result is not None else req.result
    req.fulfilled_at = utcnow()
    req.automatic = automatic
    req.error = None
    event(req, "fulfilled", actor, automatic=automatic)
    ticket = ticket_of(req)
    if ticket is not None and ticket.flagged:
        ticket.flagged = None
    tell_customer(req, done_text(req), status="solved", actor=actor)
    timeline(req, summary(req, STAFF_STATE_LABELS["fulfilled"]))
    signals.request_fulfilled.send(req, ticket=ticket, automatic=automatic)


def done_text(req: CatalogRequest) -> str:
    """What the customer reads when the request is fulfilled: the item's message, or a default with the result."""
    locale, item = req.locale, req.item
    values = {**(req.answers or {}), **(req.result or {})}
    custom = item.text("done_message", locale)
    if custom:
        return answer_text.render(custom, values, item.fields or [], locale)
    with force_locale(locale):
        lines = [_("Your request “%(item)s” is complete.", item=item.text("name", locale))]
    lines += [f"{k}: {v}" for k, v in (req.result or {}).items() if v not in (None, "", [], {})]
    return "\n".join(lines)


def fail(req: CatalogRequest, reason: str) -> None:
    """The action could not do it: the item's group gets the ticket with the answers and the reason."""
    req.state = "failed"
    req.error = reason[:2000]
    req.failed_at = utcnow()
    event(req, "failed", reason=req.error, attempts=req.attempts)
    ticket = ticket_of(req)
    if ticket is not None:
        tickets.update_ticket(
            ticket, None, group=req.item.group if req.item.group_id else "keep", add_tags=["catalog-failed"]
        )
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            ticket.flagged = _("Automatic action failed: %(reason)s", reason=reason)[:200]
    note(req, handover_text(req))
    with force_locale(req.locale):
        text = _(
            "We could not complete “%(item)s” automatically. Our team has your request with your answers and "
            "will finish it; you do not need to send it again.",
            item=req.item.text("name", req.locale),
        )
    tell_customer(req, text, status="open")
    timeline(req, summary(req, STAFF_STATE_LABELS["failed"]))
    signals.request_failed.send(req, ticket=ticket, reason=req.error)


def handover_text(req: CatalogRequest) -> str:
    """The internal note a person needs to take over: what failed, why, how often, and the answers."""
    locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        head = _(
            "The action “%(action)s” of “%(item)s” failed after %(n)d attempt(s). Do it by hand, then mark the "
            "request fulfilled (or retry the action).",
            action=req.item.action or "-",
            item=req.item.text("name", locale),
            n=req.attempts,
        )
        reason = _("Reason: %(reason)s", reason=req.error or "-")
        answers = _("Answers:")
    body = answer_text.as_text(req.item.fields or [], req.answers or {}, locale)
    return f"{head}\n{reason}\n\n{answers}\n{body}"


def summary(req: CatalogRequest, label: Any) -> str:
    """A line for the customer's history, in the company's language: "item: what happened"."""
    locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        return f"{req.item.text('name', locale)}: {label}"

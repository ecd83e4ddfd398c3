"""JSON API v1: tickets and their messages (see ../shared/CONTRACT.md and /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, request
from flask_login import current_user

from portal.accounts.models import Group, User
from portal.core.api import (
    api_blueprint,
    decode_cursor,
    encode_cursor,
    field,
    json_body,
    limit_arg,
    require_user,
)
from portal.core.errors import DomainError, NotFound, ValidationFailed
from portal.customers.service import Hints, customer_for_user
from portal.extensions import db, limiter
from portal.tickets import policy, queries, serialize, service
from portal.tickets.api_spec import document_tickets_api
from portal.tickets.inbound import Inbound
from portal.tickets.intake import receive
from portal.tickets.models import CHANNELS, PRIORITIES, STATUSES, Ticket

bp = api_blueprint("tickets_api", __name__)
document_tickets_api()


def _api_rate() -> str:
    return current_app.config["RATELIMIT_API"]


def _visible(ref: str) -> Ticket:
    user = require_user()
    ticket = db.session.scalar(queries.ticket_by_ref(ref))
    if not policy.can_view_ticket(user, ticket):
        raise NotFound("No such ticket.")
    return ticket  # type: ignore[return-value]


def _list_filters(user: User) -> queries.QueueFilter:
    args = request.args
    filters = queries.QueueFilter(view="all", sort="updated")
    status, channel = args.get("status"), args.get("channel")
    if status:
        if status not in STATUSES:
            raise ValidationFailed([("status", f"must be one of {', '.join(STATUSES)}")])
        filters.status = [status]
    if channel:
        if channel not in CHANNELS:
            raise ValidationFailed([("channel", f"must be one of {', '.join(CHANNELS)}")])
        filters.channel = [channel]
    if args.get("customer_id"):
        if not args["customer_id"].isdigit():
            raise ValidationFailed([("customer_id", "must be an integer")])
        filters.customer_id = int(args["customer_id"])
    if args.get("assignee"):
        agent = db.session.scalar(sa.select(User).where(User.email == args["assignee"].strip().casefold()))
        filters.assignee_id = agent.id if agent else -1
    filters.q = (args.get("q") or "").strip()[:200] or None
    if not user.is_staff:
        own = customer_for_user(user)
        filters.customer_id = own.id if own else -1
    return filters


@bp.get("/tickets")
@limiter.limit(_api_rate)
def list_tickets() -> Any:
    """Tickets the caller may see, most recently updated first."""
    user = require_user()
    filters = _list_filters(user)
    limit = limit_arg()
    cursor = decode_cursor(request.args.get("cursor"))
    try:
        rows = db.session.scalars(queries.queue_page(filters, user, after=cursor, limit=limit + 1)).all()
    except (ValueError, TypeError):
        raise DomainError("The cursor is not valid.", code="bad_request", status=400) from None
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [serialize.ticket(t) for t in rows],
        "next": encode_cursor(queries.cursor_of(rows[-1], filters.sort)) if more else None,
    }


@bp.post("/tickets")
@limiter.limit(lambda: current_app.config["RATELIMIT_SUBMIT"])
def create_ticket() -> Any:
    """File a ticket: a customer's token for itself, an agent's for a customer by email."""
    user = require_user()
    data = json_body()
    subject = field(data, "subject", str, required=True).strip()
    text = field(data, "text", str, required=True).strip()
    channel = field(data, "channel", str, default="api")
    errors = []
    if not subject:
        errors.append(("subject", "must not be empty"))
    if not text:
        errors.append(("text", "must not be empty"))
    if channel not in CHANNELS:
        errors.append(("channel", f"must be one of {', '.join(CHANNELS)}"))
    if errors:
        raise ValidationFailed(errors)
    if user.is_staff:
        email = field(data, "customer_email", str, required=True)
        hints = Hints(email=email, name=field(data, "customer_name", str))
        if not hints.pairs():
            raise ValidationFailed([("customer_email", "is not a valid email address")])
    else:
        hints = Hints(user_id=user.id, email=user.email, name=user.name)
        channel = "api" if channel not in ("api", "web") else channel
    result = receive(Inbound(channel=channel, sender=hints, subject=subject[:300], text=text), actor=user)
    db.session.commit()
    return serialize.ticket(result.ticket), 201


@bp.get("/tickets/<ref>")
def get_ticket(ref: str) -> Any:
    """One ticket with its messages (internal notes only for agents)."""
    ticket = _visible(ref)
    messages = db.session.scalars(
        queries.conversation(ticket.id, include_internal=current_user.is_staff)
    ).all()
    return {**serialize.ticket(ticket), "messages": [serialize.message(m) for m in messages]}


@bp.post("/tickets/<ref>/messages")
@limiter.limit(lambda: current_app.config["RATELIMIT_SUBMIT"])
def add_message(ref: str) -> Any:
    """A reply: agents reply (or add an internal note); customers add to their own ticket."""
    ticket = _visible(ref)
    user = require_user()
    data = json_body()
    text = field(data, "text", str, required=True).strip()
    internal = field(data, "internal", bool, default=False)
    if not text:
        raise ValidationFailed([("text", "must not be empty")])
    if user.is_staff:
        message = service.add_reply(ticket, user, text, internal=internal)
    else:
        if internal:
            raise DomainError("Only agents write internal notes.", code="forbidden", status=403)
        if not policy.can_customer_reply(ticket):
            raise DomainError("This ticket is closed.", code="conflict", status=409)
        result = receive(
            Inbound(
                channel="api",
                sender=Hints(user_id=user.id, email=user.email, name=user.name),
                text=text,
                ticket_ref=ticket.ref,
            ),
            actor=user,
        )
        message = result.message
    db.session.commit()
    return serialize.message(message), 201


@bp.patch("/tickets/<ref>")
def patch_ticket(ref: str) -> Any:
    """Change status, priority, assignee, group or tags (agents)."""
    ticket = _visible(ref)
    user = require_user()
    if not user.is_staff:
        raise DomainError("Only agents change tickets.", code="forbidden", status=403)
    data = json_body()
    status = field(data, "status", str)
    priority = field(data, "priority", str)
    tags = field(data, "tags", list)
    if status is not None and status not in STATUSES:
        raise ValidationFailed([("status", f"must be one of {', '.join(STATUSES)}")])
    if priority is not None and priority not in PRIORITIES:
        raise ValidationFailed([("priority", f"must be one of {', '.join(PRIORITIES)}")])
    if tags is not None and not all(isinstance(t, str) for t in tags):
        raise ValidationFailed([("tags", "must be a list of strings")])
    assignee: Any = "keep"
    if "assignee_email" in data:
        email = field(data, "assignee_email", str)
        assignee = None
        if email:
            assignee = db.session.scalar(sa.select(User).where(User.email == email.strip().casefold()))
            if assignee is None or not assignee.is_staff:
                raise ValidationFailed([("assignee_email", "is not an agent")])
    group: Any = "keep"
    if "group" in data:
        name = field(data, "group", str)
        group = None
        if name:
            group = db.session.scalar(sa.select(Group).where(Group.name == name))
            if group is None:
                raise ValidationFailed([("group", "no such group")])
    service.update_ticket(
        ticket, user, status=status, priority=priority, assignee=assignee, group=group, tags=tags
    )
    db.session.commit()
    return serialize.ticket(ticket)

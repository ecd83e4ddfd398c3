"""JSON API v1 for chats (../shared/CONTRACT.md): start, read and write messages, hand over, end.

Customers use their own chats (signed in, or as guests with the chat's key in `X-Chat-Token`); agents use every
chat. Cookie sessions send X-CSRFToken to write (checked by the API plumbing); keys and bearer tokens are no cookies,
so this blueprint is exempt from the form CSRF check.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, request
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from portal.channels.chat import agents, policy, queries, service, stream
from portal.channels.chat.api_spec import document_chat_api
from portal.channels.chat.longpoll import newest, wait_for
from portal.channels.chat.models import Chat
from portal.core.api import api_blueprint, field, iso, json_body
from portal.core.errors import Forbidden, NotFound, ValidationFailed
from portal.extensions import csrf, db, limiter
from portal.tickets.models import Ticket

bp = api_blueprint("chat_api", __name__)
csrf.exempt(bp)
document_chat_api()
KEY_HEADER = "X-Chat-Token"
PAGE = 200  # events per answer; `next` says there are more


def _start_rate() -> str:
    return current_app.config["CHAT_RATELIMIT_START"]


def _load(chat_id: int) -> Chat:
    chat = db.session.get(Chat, chat_id)
    if chat is None or not policy.can_use_chat(current_user, chat, request.headers.get(KEY_HEADER)):
        raise NotFound("No such chat.")
    return chat


def _is_agent() -> bool:
    return policy.can_answer(current_user)


def chat_json(
    chat: Chat, *, items: list[dict[str, Any]] | None = None, key: str | None = None
) -> dict[str, Any]:
    """A chat as the API answers it."""
    ref = (
        db.session.scalar(sa.select(Ticket.ref).where(Ticket.id == chat.ticket_id))
        if chat.ticket_id
        else None
    )
    agent = None
    if chat.status == "active" and chat.assignee_id:
        agent = {"name": db.session.scalar(queries.agent_name(chat.assignee_id))}
    position = None
    if chat.status == "waiting" and chat.waiting_since is not None:
        position = (db.session.scalar(queries.waiting_ahead(chat)) or 0) + 1
    body: dict[str, Any] = {
        "id": chat.id,
        "status": chat.status,
        "ticket": str(ref) if ref is not None else None,
        "agent": agent,
        "position": position,
        "offline": chat.offline,
        "outcome": chat.outcome,
        "last_seq": chat.last_seq,
        "created_at": iso(chat.created_at),
        "ended_at": iso(chat.ended_at),
    }
    if items is not None:
        body["messages"] = items
    if key is not None:
        body["token"] = key
    return body


def _events(chat: Chat, after: int = 0) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        queries.events_after(chat.id, after, include_notes=_is_agent(), limit=500)
    ).all()
    return [stream.item(e) for e in rows]


@bp.post("/chats")
@limiter.limit(_start_rate)
def create_chat() -> Any:
    """Start a chat with the first words; a guest gives a name and an email address."""
    if _is_agent():
        raise Forbidden("Agents answer chats in the chat console.")
    data = json_body()
    user = current_user if current_user.is_authenticated else None
    locale = field(data, "locale", str) or str(get_locale())
    chat, key, _event = service.start_chat(
        text=field(data, "text", str, required=True),
        user=user,
        name=field(data, "customer_name", str),
        email=field(data, "customer_email", str),
        locale=locale if locale in current_app.config["LOCALES"] else str(get_locale()),
        origin=request.headers.get("Origin") or "",
        page_url=field(data, "page_url", str, default=""),
        client_id=field(data, "client_id", str),
    )
    db.session.commit()
    return chat_json(chat, items=_events(chat), key=key), 201


@bp.get("/chats/<int:chat_id>")
def get_chat(chat_id: int) -> Any:
    """The chat's state and every event so far."""
    chat = _load(chat_id)
    return chat_json(chat, items=_events(chat))


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationFailed([(name, "must be an integer")]) from None
    if not low <= value <= high:
        raise ValidationFailed([(name, f"must be between {low} and {high}")])
    return value


@bp.get("/chats/<int:chat_id>/messages")
def list_messages(chat_id: int) -> Any:
    """Events after `after`; with `wait` (seconds), waits for the next one when there is none yet."""
    chat = _load(chat_id)
    after = _int_arg("after", 0, 0, 2**31)
    wait = _int_arg("wait", 0, 0, current_app.config["CHAT_WAIT_MAX"])
    if after > chat.last_seq:
        raise ValidationFailed(
            [("after", f"is beyond the newest event ({chat.last_seq}); read from 0 again")]
        )
    if not _is_agent():
        service.touch_customer(chat)
    include_notes = _is_agent()

    def check(numbers: dict[int, int]) -> list[Any]:
        if numbers.get(chat.id, 0) <= after:
            return []
        return list(
            db.session.scalars(queries.events_after(chat.id, after, include_notes=include_notes, limit=PAGE))
        )

    rows = wait_for([chat.id], lambda: newest([chat.id]), check, wait)
    db.session.commit()
    more = len(rows) >= PAGE
    body: dict[str, Any] = {"items": [stream.item(e) for e in rows], "next": rows[-1].seq if more else None}
    if not rows or any(e.kind == "system" for e in rows):  # the chat's state may have changed
        db.session.refresh(chat, attribute_names=stream.MUTABLE)
        body["chat"] = chat_json(chat)
    return body


@bp.post("/chats/<int:chat_id>/messages")
def post_message(chat_id: int) -> Any:
    """A message; the same `client_id` again answers 200 with the first one. Agents may add `internal` notes."""
    chat = _load(chat_id)
    data = json_body()
    text = field(data, "text", str, required=True)
    client_id = field(data, "client_id", str)
    internal = field(data, "internal", bool, default=False)
    if _is_agent():
        event, created = agents.agent_says(chat, current_user, text, client_id, internal=internal)
    else:
        if internal:
            raise Forbidden("Only agents write internal notes.")
        event, created = service.customer_says(chat, text, client_id)
    try:
        db.session.commit()
    except IntegrityError:  # the same client id committed by a parallel request a moment ago
        db.session.rollback()
        event = db.session.scalar(queries.by_client_id(chat_id, client_id or ""))
        if event is None:
            raise
        return stream.item(event), 200
    return stream.item(event), 201 if created else 200


def _optional_body() -> dict[str, Any]:
    return json_body() if request.data else {}


@bp.post("/chats/<int:chat_id>/handoff")
def handoff(chat_id: int) -> Any:
    """Ask for a person: the chat waits in the agents' queue with the bot's part kept."""
    chat = _load(chat_id)
    service.handoff(chat, reason="asked")
    db.session.commit()
    return chat_json(chat)


@bp.post("/chats/<int:chat_id>/end")
def end(chat_id: int) -> Any:
    """End the chat; agents may mark its ticket solved (`solve`)."""
    chat = _load(chat_id)
    data = _optional_body()
    if _is_agent():
        service.end(chat, by="agent", actor=current_user, solve=field(data, "solve", bool, default=False))
    else:
        service.end(chat, by="customer")
    db.session.commit()
    return chat_json(chat)


@bp.post("/chats/<int:chat_id>/helped")
def helped(chat_id: int) -> Any:
    """The customer's answer to the bot's "did this help?" (`helped`: true ends the chat, false brings a person)."""
    chat = _load(chat_id)
    if _is_agent():
        raise Forbidden("Only the customer answers the bot.")
    service.helped(chat, field(_optional_body(), "helped", bool, required=True))
    db.session.commit()
    return chat_json(chat)


@bp.post("/chats/<int:chat_id>/leave_message")
def leave_message(chat_id: int) -> Any:
    """Nobody can answer now: leave a message that is answered by email; the chat ends."""
    chat = _load(chat_id)
    if _is_agent():
        raise Forbidden("Only the customer leaves a message.")
    service.leave_message(chat, field(json_body(), "text", str, required=True))
    db.session.commit()
    return chat_json(chat)

"""What customers do in a chat, and how a chat moves: bot → waiting → active → ended. Flushes, never commits."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.channels.chat import bot, hours, queries, settings_store, stream, transcript
from portal.channels.chat.models import Chat, ChatEvent
from portal.channels.chat.policy import new_key
from portal.core import signals
from portal.core.db import utcnow
from portal.core.errors import DomainError, TooLarge, ValidationFailed
from portal.customers import service as customers
from portal.customers.identities import normalize_email
from portal.extensions import db
from portal.tickets import service as tickets

CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


class ChatEnded(DomainError):
    """The chat is over; nothing more can be said in it."""

    status = 409
    code = "chat_ended"


class RateLimited(DomainError):
    """Too many messages in a short time."""

    status = 429
    code = "rate_limited"


def check_text(text: Any, field: str = "text") -> str:
    """The message text, trimmed; empty or too long is refused with the field named."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationFailed([(field, _l("Write a message."))])
    limit = current_app.config["CHAT_MESSAGE_MAX_CHARS"]
    if len(text) > limit:
        raise TooLarge(str(_l("A chat message can be at most %(n)d characters.", n=limit)))
    return text.strip()


def check_client_id(client_id: Any) -> str | None:
    """A client id is 8 to 64 letters, digits or -_.: (a UUID fits); anything else is refused."""
    if client_id is None:
        return None
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        raise ValidationFailed(
            [("client_id", _l("The client id must be 8 to 64 letters, digits or - _ . :"))]
        )
    return client_id


def start_chat(
    *,
    text: Any,
    user: Any = None,
    name: Any = None,
    email: Any = None,
    locale: str,
    origin: str = "",
    page_url: str = "",
    client_id: Any = None,
) -> tuple[Chat, str, ChatEvent]:
    """Open a chat with the customer's first words; the bot answers at once. Returns the chat, its key, the event."""
    text = check_text(text)
    client_id = check_client_id(client_id)
    customer, name, email = _who(user, name, email, locale)
    live = db.session.scalar(queries.live_count(customer.id)) or 0
    if live >= current_app.config["CHAT_MAX_LIVE_PER_CUSTOMER"]:
        raise RateLimited(str(_l("You already have chats open. Please continue in one of them.")))
    key, key_hash = new_key()
    chat = Chat(
        customer_id=customer.id,
        user_id=getattr(user, "id", None),
        name=name,
        email=email,
        locale=locale,
        token_hash=key_hash,
        origin=(origin or "")[:300],
        page_url=(page_url or "")[:500],
    )
    db.session.add(chat)
    db.session.flush()
    event = stream.append(chat, "message", "customer", text, author_name=name, client_id=client_id)
    _bot_turn(chat, text, first=True)
    return chat, key, event


def _who(user: Any, name: Any, email: Any, locale: str) -> tuple[Any, str, str | None]:
    """The customer behind a new chat: the signed-in account's record, or the guest's by name and address."""
    if getattr(user, "is_authenticated", False):
        hints = customers.Hints(user_id=user.id, email=user.email, name=user.name, locale=locale)
        customer = customers.customer_for_user(user) or customers.resolve_customer(hints)[0]
        return customer, user.name, user.email
    errors = []
    clean_name = name.strip()[:200] if isinstance(name, str) else ""
    clean_email = normalize_email(email) if isinstance(email, str) else None
    if not clean_name:
        errors.append(("customer_name", _l("Enter your name.")))
    if not clean_email:
        errors.append(("customer_email", _l("Enter a valid email address.")))
    if errors:
        raise ValidationFailed(errors)
    hints = customers.Hints(email=clean_email, name=clean_name, locale=locale)
    customer, _created = customers.resolve_customer(hints)
    return customer, clean_name, clean_email


def replay_or_refuse(chat: Chat, client_id: str | None, author_kind: str, text: str) -> ChatEvent | None:
    """The event a retried client id already made, or None; another author's or other words' id is refused."""
    if client_id is None:
        return None
    existing = db.session.scalar(queries.by_client_id(chat.id, client_id))
    if existing is None:
        return None
    if existing.author_kind != author_kind or existing.text != text:
        raise DomainError(
            str(_l("This client id was already used for another message.")), code="client_id_conflict"
        )
    return existing


def _check_rate(chat: Chat) -> None:
    config = current_app.config
    now = utcnow()
    for limit, seconds in ((config["CHAT_BURST"], 5), (config["CHAT_RATE_PER_MINUTE"], 60)):
        count = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ChatEvent)
            .where(
                ChatEvent.chat_id == chat.id,
                ChatEvent.author_kind == "customer",
                ChatEvent.created_at >= now - timedelta(seconds=seconds),
            )
        )
        if (count or 0) >= limit:
            raise RateLimited(str(_l("You are sending messages too quickly. Wait a moment, then try again.")))


def customer_says(chat: Chat, text: Any, client_id: Any = None) -> tuple[ChatEvent, bool]:
    """A customer's message (the bot answers while it is in front). Returns (event, created)."""
    text = check_text(text)
    client_id = check_client_id(client_id)
    stream.lock(chat)
    existing = replay_or_refuse(chat, client_id, "customer", text)
    if existing is not None:
        return existing, False
    if not chat.is_live:
        raise ChatEnded(str(_l("This chat has ended. Start a new one to write again.")))
    _check_rate(chat)
    event = stream.append(chat, "message", "customer", text, author_name=chat.name, client_id=client_id)
    if chat.ticket_id is not None:
        transcript.mirror_customer(chat, event, transcript.ticket_ref(chat))
    if chat.status == "bot":
        _bot_turn(chat, text)
    return event, True


def bot_says(chat: Chat, text: str, data: dict[str, Any] | None = None) -> ChatEvent:
    """The bot's words in the chat (and in the ticket, once there is one)."""
    event = stream.append(
        chat, "bot", "bot", text, author_name=current_app.config["CHAT_BOT_NAME"], data=data
    )
    if chat.ticket_id is not None:
        transcript.mirror_reply(transcript.ensure_ticket(chat), event)
    return event


def system_event(chat: Chat, event: str, text: str, **data: Any) -> ChatEvent:
    """A line such as "김민준 joined" (its text in the customer's language; clients may render their own)."""
    return stream.append(chat, "system", "system", text, data={"event": event, **data})


def _bot_turn(chat: Chat, text: str, *, first: bool = False) -> None:
    items = bot.suggest(text, chat.locale, chat.customer)
    with force_locale(chat.locale):
        hello = _("Hello %(name)s! ", name=chat.name) if first and chat.name else ""
        if items:
            bot_says(
                chat,
                hello + _("Here is what I found. Does one of these answer your question?"),
                {"suggestions": items, "ask": "helped"},
            )
            return
        bot_says(chat, hello + _("I could not find an answer to that. Let me bring in a person."))
    handoff(chat, reason="nothing_found")


def availability(now: Any = None) -> dict[str, Any]:
    """Whether someone can answer now: inside business hours and an agent online."""
    config = current_app.config
    chat_settings = settings_store.current()
    spec = chat_settings.business_hours if chat_settings.id else config["CHAT_BUSINESS_HOURS"]
    try:
        open_now = hours.is_open(
            spec,
            config["BABEL_DEFAULT_TIMEZONE"],
            now or utcnow(),
            closed_on_holidays=chat_settings.closed_on_holidays,
        )
    except hours.BadHours:
        open_now = True
    online = bool(db.session.scalar(queries.online_agents(config["CHAT_PRESENCE_TIMEOUT"]).limit(1)))
    return {"open": open_now, "agents_online": online, "available": open_now and online, "hours": spec}


def handoff(chat: Chat, *, reason: str = "asked") -> Chat:
    """Put the chat in line for a person, the bot's part kept; offer to leave a message if nobody can answer."""
    stream.lock(chat)
    if chat.status in ("waiting", "active"):
        return chat
    if not chat.is_live:
        raise ChatEnded(str(_l("This chat has ended. Start a new one to write again.")))
    now = utcnow()
    chat.status, chat.waiting_since = "waiting", now
    transcript.ensure_ticket(chat)
    state = availability(now)
    chat.offline = not state["available"]
    with force_locale(chat.locale):
        system_event(chat, "waiting", _("Connecting you with a person…"), reason=reason)
        if chat.offline:
            bot_says(chat, _offline_text(chat, state), {"ask": "leave_message", "offline": True})
    stream.bump_queue()
    return chat


def _offline_text(chat: Chat, state: dict[str, Any]) -> str:
    where = chat.email or _("your email address")
    if not state["open"]:
        return _(
            "We are closed right now (hours: %(hours)s). Leave a message and we will answer by email at %(email)s.",
            hours=state["hours"],
            email=where,
        )
    return _(
        "No one is available right now. Leave a message and we will answer by email at %(email)s, "
        "or keep waiting here.",
        email=where,
    )


def helped(chat: Chat, yes: bool) -> Chat:
    """The customer's answer to "did this help?": yes ends the chat as solved by the bot; no brings a person."""
    if not yes:
        return handoff(chat, reason="not_helped")
    stream.lock(chat)
    if chat.status != "bot":
        return chat
    with force_locale(chat.locale):
        bot_says(chat, _("Glad I could help! If you need anything else, start a new chat anytime."))
    return end(chat, by="customer", outcome="bot_resolved")


def leave_message(chat: Chat, text: Any) -> Chat:
    """Nobody can answer: the customer's message stays on the ticket, answered by email; the chat ends."""
    text = check_text(text)
    if not chat.email:
        raise ValidationFailed([("email", _l("We need an email address to answer you."))])
    if chat.status == "bot":
        handoff(chat, reason="leave_message")
    customer_says(chat, text)
    end(chat, by="customer", outcome="message_left")
    ticket = transcript.ensure_ticket(chat)
    from portal.channels.registry import adapter_for, outbound_for

    adapter_for("web").deliver(outbound_for(ticket, "acknowledgement", text=text))
    return chat


def end(chat: Chat, *, by: str, actor: Any = None, outcome: str | None = None, solve: bool = False) -> Chat:
    """End the chat for everyone; its ticket keeps the transcript (solved when the bot or the agent says so)."""
    stream.lock(chat)
    if not chat.is_live:
        return chat
    was = chat.status
    outcome = outcome or ("abandoned" if was == "bot" else by)
    with force_locale(chat.locale):
        system_event(chat, "ended", _("The chat has ended."), by=by, outcome=outcome)
    chat.status, chat.ended_at, chat.ended_by, chat.outcome = "ended", utcnow(), by, outcome
    ticket = transcript.ensure_ticket(chat)
    if was == "bot" or solve:
        tag = "bot_resolved" if outcome == "bot_resolved" else None
        tickets.update_ticket(ticket, actor, status="solved", add_tags=[tag] if tag else [])
    _record(chat, ticket)
    if was in ("waiting", "active"):
        stream.bump_queue()
    signals.chat_ended.send(chat, ticket=ticket, actor=actor)
    return chat


def _record(chat: Chat, ticket: Any) -> None:
    messages = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ChatEvent)
        .where(ChatEvent.chat_id == chat.id, ChatEvent.kind.in_(("message", "bot")))
    )
    agent = db.session.scalar(queries.agent_name(chat.assignee_id)) if chat.assignee_id else None
    who = agent or current_app.config["CHAT_BOT_NAME"]
    with force_locale(chat.locale):
        summary = _("Chat with %(who)s, %(n)d messages", who=who, n=messages or 0)
    customers.record(
        chat.customer_id,
        "chat",
        summary,
        channel="chat",
        ticket_id=ticket.id,
        ticket_ref=str(ticket.ref),
        subject_type="chat",
        subject_id=chat.id,
        url=f"/desk/tickets/{ticket.ref}",
    )


def touch_customer(chat: Chat) -> None:
    """The customer's widget asked for news: they are still there (written at most every 30 seconds)."""
    if chat.is_live and chat.customer_seen_at < utcnow() - timedelta(seconds=30):
        chat.customer_seen_at = utcnow()

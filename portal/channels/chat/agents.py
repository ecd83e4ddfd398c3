"""What agents do in chats: presence, accept, answer (also from the ticket page), notes, transfer. Flushes only."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.accounts.models import Group, User
from portal.channels.chat import stream, transcript
from portal.channels.chat.models import Chat, ChatEvent
from portal.channels.chat.service import (
    ChatEnded,
    check_client_id,
    check_text,
    replay_or_refuse,
    system_event,
)
from portal.core.db import utcnow
from portal.core.errors import DomainError, ValidationFailed
from portal.extensions import db
from portal.tickets import service as tickets
from portal.tickets.models import Message

PRESENCES = ("online", "away", "offline")


def set_presence(agent: User, presence: str) -> None:
    """Online (gets chats), away (keeps working, gets none) or offline."""
    if presence not in PRESENCES:
        raise ValidationFailed([("presence", _l("Choose online, away or offline."))])
    agent.presence = presence
    agent.presence_at = utcnow()


def heartbeat(agent: User) -> None:
    """The agent's console is open: keep their presence fresh (written at most every 30 seconds)."""
    now = utcnow()
    if agent.presence_at is None or (now - agent.presence_at).total_seconds() > 30:
        agent.presence_at = now


def accept(chat: Chat, agent: User) -> Chat:
    """Take a waiting chat; a chat someone else took first is refused."""
    stream.lock(chat)
    if chat.status == "active" and chat.assignee_id == agent.id:
        return chat
    if chat.status != "waiting":
        if not chat.is_live:
            raise ChatEnded(str(_l("This chat has ended.")))
        raise DomainError(str(_l("Another agent already took this chat.")), code="already_taken")
    _join(chat, agent)
    return chat


def _join(chat: Chat, agent: User) -> None:
    chat.status, chat.assignee_id, chat.assignee = "active", agent.id, agent
    chat.accepted_at = chat.accepted_at or utcnow()
    ticket = transcript.ensure_ticket(chat)
    tickets.update_ticket(ticket, agent, assignee=agent, status="open")
    with force_locale(chat.locale):
        system_event(chat, "joined", _("%(name)s joined the chat.", name=agent.name), name=agent.name)
    stream.bump_queue()


def agent_says(
    chat: Chat, agent: User, text: Any, client_id: Any = None, *, internal: bool = False
) -> tuple[ChatEvent, bool]:
    """An agent's message (taking the chat if it was waiting) or an internal note. Returns (event, created)."""
    text = check_text(text)
    client_id = check_client_id(client_id)
    stream.lock(chat)
    kind = "note" if internal else "message"
    existing = replay_or_refuse(chat, client_id, "agent", text)
    if existing is not None:
        if existing.kind != kind:
            raise DomainError(
                str(_l("This client id was already used for another message.")), code="client_id_conflict"
            )
        return existing, False
    if not chat.is_live:
        raise ChatEnded(str(_l("This chat has ended.")))
    if chat.status == "bot":
        raise DomainError(str(_l("The customer has not asked for a person yet.")), code="conflict")
    if chat.status == "waiting" and not internal:
        _join(chat, agent)
    event = stream.append(chat, kind, "agent", text, author=agent, client_id=client_id)
    transcript.mirror_reply(transcript.ensure_ticket(chat), event, actor=agent, internal=internal)
    return event, True


def deliver_reply(chat: Chat, message: Message) -> ChatEvent | None:
    """An agent answered on the ticket page (or through the tickets API) while the chat is live: show it there."""
    stream.lock(chat)
    if not chat.is_live or chat.status == "bot":
        return None
    author = db.session.get(User, message.author_user_id) if message.author_user_id else None
    if chat.status == "waiting" and author is not None:
        _join(chat, author)
    message.delivery = "sent"
    return stream.append(
        chat,
        "message",
        "agent",
        message.text,
        author=author,
        author_name=message.author_name,
        message_id=message.id,
    )


def transfer(chat: Chat, agent: User, *, to_agent: User | None = None, to_group: Group | None = None) -> Chat:
    """Hand the chat to another agent (it stays live with them) or to a group (it waits for one of them)."""
    if (to_agent is None) == (to_group is None):
        raise ValidationFailed([("to", _l("Choose an agent or a group."))])
    stream.lock(chat)
    if chat.status not in ("waiting", "active"):
        raise ChatEnded(str(_l("This chat has ended.")))
    ticket = transcript.ensure_ticket(chat)
    with force_locale(chat.locale):
        if to_agent is not None:
            if not to_agent.is_staff or not to_agent.active:
                raise ValidationFailed([("to", _l("Only agents can take chats."))])
            chat.status, chat.assignee_id, chat.assignee = "active", to_agent.id, to_agent
            chat.accepted_at = chat.accepted_at or utcnow()
            tickets.update_ticket(ticket, agent, assignee=to_agent)
            text = _("%(name)s is taking over the chat.", name=to_agent.name)
            system_event(chat, "transferred", text, name=to_agent.name, by=agent.name)
        else:
            assert to_group is not None
            chat.status, chat.assignee_id, chat.assignee = "waiting", None, None
            chat.group_id, chat.waiting_since = to_group.id, utcnow()
            tickets.update_ticket(ticket, agent, assignee=None, group=to_group)
            text = _("Transferring you to %(group)s…", group=to_group.name)
            system_event(chat, "transferred", text, group=to_group.name, by=agent.name)
    stream.bump_queue()
    return chat

"""A chat's numbered events: taking the chat's row lock, appending with the next number, and the JSON shape."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from portal.channels.chat import fanout
from portal.channels.chat.models import Chat, ChatEvent
from portal.core.api import iso
from portal.core.db import next_number, utcnow
from portal.extensions import db

_chats = Chat.__table__
# What other requests change on a chat: re-read under the lock (not its customer, who does not change here).
MUTABLE = ["status", "ticket_id", "assignee_id", "group_id", "last_seq", "offline", "outcome", "waiting_since",
           "accepted_at", "ended_at"]  # fmt: skip


def lock(chat: Chat) -> Chat:
    """Take the chat's row lock for this transaction (PostgreSQL row lock, SQLite's writer lock) and re-read it.

    Every change of a chat starts here, so that two requests on one chat run one after the other and each sees
    what the other committed (client ids, status, the ticket).
    """
    db.session.execute(sa.update(_chats).where(_chats.c.id == chat.id).values(last_seq=_chats.c.last_seq))
    db.session.refresh(chat, attribute_names=MUTABLE)
    return chat


def append(
    chat: Chat,
    kind: str,
    author_kind: str,
    text: str = "",
    *,
    author: Any = None,
    author_name: str | None = None,
    data: dict[str, Any] | None = None,
    client_id: str | None = None,
    message_id: int | None = None,
) -> ChatEvent:
    """Add the next event of the chat; waiters are woken once the transaction commits."""
    now = utcnow()
    seq = db.session.execute(
        sa.update(_chats)
        .where(_chats.c.id == chat.id)
        .values(last_seq=_chats.c.last_seq + 1, last_activity_at=now)
        .returning(_chats.c.last_seq)
    ).scalar_one()
    set_committed_value(chat, "last_seq", seq)
    set_committed_value(chat, "last_activity_at", now)
    event = ChatEvent(
        chat_id=chat.id,
        seq=seq,
        kind=kind,
        author_kind=author_kind,
        author_user_id=getattr(author, "id", None),
        author_name=(author_name if author_name is not None else getattr(author, "name", "")) or "",
        text=text,
        data=data or {},
        client_id=client_id,
        message_id=message_id,
        created_at=now,
    )
    db.session.add(event)
    db.session.flush()
    fanout.changed(db.session, chat.id, seq)
    return event


def bump_queue() -> None:
    """The set of waiting or assigned chats changed: agents' consoles refresh their lists."""
    fanout.changed(db.session, fanout.QUEUE, next_number(db.session, "chat_queue", start=0))


def queue_version() -> int:
    """The current version of the agents' chat lists."""
    from portal.core.db import Counter

    return int(db.session.scalar(sa.select(Counter.value).where(Counter.name == "chat_queue")) or 0)


def item(event: ChatEvent) -> dict[str, Any]:
    """One event as clients see it (the contract's message item, plus kind, client id and data)."""
    return {
        "seq": event.seq,
        "kind": event.kind,
        "author": {"kind": event.author_kind, "name": event.author_name},
        "text": event.text,
        "created_at": iso(event.created_at),
        "client_id": event.client_id,
        "data": event.data or {},
    }

"""Chats follow their customer through a merge, and back when it is undone."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from portal.channels.chat.models import Chat
from portal.core import signals
from portal.customers import service as customers
from portal.extensions import db


def _move(merge: Any, survivor: Any, other: Any, **_: Any) -> None:
    ids = db.session.scalars(sa.select(Chat.id).where(Chat.customer_id == other.id)).all()
    if ids:
        db.session.execute(sa.update(Chat).where(Chat.id.in_(ids)).values(customer_id=survivor.id))
        customers.note_moved(merge, "chats", list(ids))


def _restore(merge: Any, survivor: Any, other: Any, **_: Any) -> None:
    ids = customers.moved_ids(merge, "chats")
    if ids:
        db.session.execute(
            sa.update(Chat)
            .where(Chat.id.in_(ids), Chat.customer_id == survivor.id)
            .values(customer_id=other.id)
        )


signals.customers_merging.connect(_move)
signals.customers_unmerging.connect(_restore)

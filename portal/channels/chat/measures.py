"""Figures reports read by name: how many chats the bot resolved without a person."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from portal.channels.chat.models import Chat
from portal.core.measures import measure, rate_part
from portal.extensions import db


@rate_part("auto_resolution_rate")
def bot_resolved_chats(start: datetime, end: datetime, *, group_id: int | None = None) -> tuple[int, int]:
    """Chats started in [start, end) that the bot resolved (the customer said it helped), of all chats."""
    where = [Chat.created_at >= start, Chat.created_at < end]
    if group_id is not None:
        where.append(Chat.group_id == group_id)
    total, resolved = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count().filter(Chat.outcome == "bot_resolved"),
        ).where(*where)
    ).one()
    return int(resolved), int(total)


@measure("bot_resolution_rate")
def bot_resolution_rate(start: datetime, end: datetime, *, group_id: int | None = None) -> float | None:
    """Share of chats started in [start, end) that the bot resolved."""
    resolved, total = bot_resolved_chats(start, end, group_id=group_id)
    return None if not total else resolved / total


@measure("chats_started")
def chats_started(start: datetime, end: datetime, *, group_id: int | None = None) -> int:
    """How many chats began in [start, end)."""
    where = [Chat.created_at >= start, Chat.created_at < end]
    if group_id is not None:
        where.append(Chat.group_id == group_id)
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(Chat).where(*where)) or 0)

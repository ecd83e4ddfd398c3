"""Background work: end chats whose customer went away (their transcript goes to the ticket and history)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from huey import crontab

from portal.channels.chat import queries, service
from portal.channels.chat.models import Chat
from portal.core.db import utcnow
from portal.core.jobs import periodic_job
from portal.extensions import db


def end_idle_chats() -> int:
    """End chats left with the bot too long, and chats whose customer's widget stopped asking. Flushes."""
    config = current_app.config
    now = utcnow()
    ended = 0
    idle = now - timedelta(minutes=config["CHAT_IDLE_MINUTES"])
    gone = now - timedelta(minutes=config["CHAT_CUSTOMER_GONE_MINUTES"])
    batches = [
        (db.session.scalars(queries.stale("bot", Chat.last_activity_at, idle)).all(), "idle"),
        (db.session.scalars(queries.stale("waiting", Chat.customer_seen_at, gone)).all(), "customer_left"),
        (db.session.scalars(queries.stale("active", Chat.customer_seen_at, gone)).all(), "customer_left"),
    ]
    for chats, outcome in batches:
        for chat in chats:
            service.end(chat, by="system", outcome=outcome)
            ended += 1
    return ended


@periodic_job(crontab(minute="*"), name="chat.end_idle")
def end_idle_chats_job() -> int:
    """Every minute: end chats nobody is in any more."""
    return end_idle_chats()

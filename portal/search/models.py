"""Self-service attempts: a customer typing a request (or talking to the bot) who was shown answers."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import Model, utcnow

OUTCOMES = ("pending", "deflected", "filed", "abandoned")


class DeflectionAttempt(Model):
    """One visit to the new-request form (or one bot conversation) that showed suggestions.

    Outcome: `filed` when a request was sent with this attempt's key; `deflected` when the customer opened a
    suggestion and had not filed by the end of the window; `abandoned` when they neither opened nor filed.
    """

    __tablename__ = "deflection_attempts"
    __table_args__ = (
        sa.Index("ix_deflection_attempts_created", "created_at", "outcome"),
        sa.Index("ix_deflection_attempts_outcome_opened", "outcome", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    channel: Mapped[str] = mapped_column(sa.String(12), default="web")  # web (request form) or chat
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id", ondelete="SET NULL"))
    query: Mapped[str] = mapped_column(sa.String(300), default="")
    shown: Mapped[int] = mapped_column(default=0)  # suggestions shown (last time)
    opened_kind: Mapped[str | None] = mapped_column(sa.String(20))
    opened_id: Mapped[int | None]
    opened_title: Mapped[str | None] = mapped_column(sa.String(300))
    opened_at: Mapped[datetime | None]
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(sa.String(10), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    settled_at: Mapped[datetime | None]

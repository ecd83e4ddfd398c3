"""Surveys (one row per question asked of one customer) and the admin's survey settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import Model, utcnow
from portal.customers.models import Customer
from portal.tickets.models import Ticket

KINDS = ("csat", "nps", "ces")
SCALES: dict[str, tuple[int, int]] = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}
# What made us ask: a solved ticket, an ended chat, a fulfilled catalog request, or the NPS schedule.
TRIGGERS = ("ticket_solved", "chat_ended", "request_fulfilled", "schedule")
# Who or what served the customer: a person, the chat bot, a self-service article, a catalog automation.
TOUCHPOINTS = ("agent", "bot", "article", "catalog", "other")
LOW_SCORE_ACTIONS = ("flag", "reopen")


class Survey(Model):
    """One question (CSAT, CES or NPS) sent to one customer, and their answer once given.

    `key` makes a survey unique per ticket and kind (or per customer and NPS round), so that concurrent triggers
    never ask twice; changing an answer updates this row, it never adds another.
    """

    __tablename__ = "surveys"
    __table_args__ = (
        sa.Index("ix_surveys_ticket_kind", "ticket_id", "kind"),
        sa.Index("ix_surveys_customer_id", "customer_id", "id"),
        # Covers every report aggregate (per day, kind, group, agent, touchpoint, channel): index-only scans.
        sa.Index(
            "ix_surveys_answered_day",
            "answered_day",
            "kind",
            "score",
            "group_id",
            "agent_id",
            "touchpoint",
            "channel",
        ),
        sa.Index("ix_surveys_answered_at", "answered_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(8))
    trigger: Mapped[str] = mapped_column(sa.String(20))
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"))
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id", ondelete="SET NULL"))
    # Where the trigger came from (a chat, a catalog request): no foreign key, those domains sit above us.
    source_type: Mapped[str | None] = mapped_column(sa.String(20))
    source_id: Mapped[int | None]
    # Attribution, fixed when the survey is made: what served the customer, which agent, group and channel.
    touchpoint: Mapped[str] = mapped_column(sa.String(12), default="other")
    agent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    group_id: Mapped[int | None]  # no foreign key: a deleted group keeps its history in reports
    channel: Mapped[str | None] = mapped_column(sa.String(12))
    locale: Mapped[str] = mapped_column(sa.String(10), default="ko")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]  # when the mail went to the outbox (None: shown in the portal only)
    closes_at: Mapped[datetime]  # answers may be given or changed until then
    score: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(sa.Text)
    answered_at: Mapped[datetime | None]  # the first answer
    answered_day: Mapped[date | None] = mapped_column(sa.Date)  # its day in the company's time zone
    changed_at: Mapped[datetime | None]  # the last change of score or comment
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    followed_up: Mapped[bool] = mapped_column(default=False)  # a low score that someone looked after

    customer: Mapped[Customer] = relationship(lazy="joined", innerjoin=True)
    agent: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[agent_id])
    recorded_by: Mapped[User | None] = relationship(lazy="select", foreign_keys=[recorded_by_id])
    ticket: Mapped[Ticket | None] = relationship(lazy="select")

    @property
    def scale(self) -> tuple[int, int]:
        return SCALES[self.kind]

    @property
    def answered(self) -> bool:
        return self.score is not None

    def is_open(self, now: datetime | None = None) -> bool:
        """Whether answers may still be given or changed."""
        return (now or utcnow()) < self.closes_at

    @property
    def is_low(self) -> bool:
        return self.score is not None and is_low(self.kind, self.score)

    def __repr__(self) -> str:
        return f"<Survey {self.id} {self.kind} {self.score}>"


def is_low(kind: str, score: int) -> bool:
    """A score that calls for follow-up: CSAT 1–2, CES 1–3, NPS detractors 0–6."""
    return {"csat": score <= 2, "ces": score <= 3, "nps": score <= 6}[kind]


SETTINGS_DEFAULTS = {
    "csat_on_ticket_solved": True,
    "csat_on_chat_ended": True,
    "csat_on_request_fulfilled": True,
    "ces_enabled": False,
    "nps_enabled": False,
    "nps_sample_percent": 10,
    "nps_every_days": 30,
    "nps_active_days": 90,
    "customer_min_days": 7,
    "answer_days": 14,
    "send_delay_minutes": 0,
    "low_score_action": "flag",
}


class SurveySettings(Model):
    """What the admin chose: which surveys go out, when, how often, and what a low score does (one row)."""

    __tablename__ = "survey_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    csat_on_ticket_solved: Mapped[bool] = mapped_column(default=True)
    csat_on_chat_ended: Mapped[bool] = mapped_column(default=True)
    csat_on_request_fulfilled: Mapped[bool] = mapped_column(default=True)
    ces_enabled: Mapped[bool] = mapped_column(default=False)
    nps_enabled: Mapped[bool] = mapped_column(default=False)
    nps_sample_percent: Mapped[int] = mapped_column(default=10)
    nps_every_days: Mapped[int] = mapped_column(default=30)  # how often a round goes out
    nps_active_days: Mapped[int] = mapped_column(default=90)  # active: a ticket within this many days
    nps_last_round_at: Mapped[datetime | None]
    customer_min_days: Mapped[int] = mapped_column(default=7)  # at most one survey per customer in this time
    answer_days: Mapped[int] = mapped_column(default=14)  # answers may be given or changed this long
    send_delay_minutes: Mapped[int] = mapped_column(default=0)
    low_score_action: Mapped[str] = mapped_column(sa.String(10), default="flag")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


@dataclass(frozen=True)
class Touch:
    """Who or what served the customer, as attributed when the survey is made."""

    touchpoint: str
    agent_id: int | None
    group_id: int | None
    channel: str | None

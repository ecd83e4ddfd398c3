"""What reports read: one row of facts per ticket, daily counts rolled up from them, and who may see reports."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import Model, utcnow

NO_GROUP = 0  # the group key of tickets without a group (a primary key cannot hold NULL)


class TicketFact(Model):
    """A ticket as reports see it: its local days and its durations in seconds, kept in step with the ticket.

    Group and assignee carry no foreign key: a deleted group or agent keeps its history in reports.
    """

    __tablename__ = "report_ticket_facts"
    __table_args__ = (
        sa.Index("ix_report_facts_created", "created_day", "group_id"),
        sa.Index(
            "ix_report_facts_first_response",
            "first_response_day",
            "group_id",
            "assignee_id",
            "first_response_s",
        ),
        sa.Index("ix_report_facts_solved", "solved_day", "group_id", "assignee_id", "resolution_s"),
    )

    ticket_id: Mapped[int] = mapped_column(
        sa.ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    channel: Mapped[str] = mapped_column(sa.String(12))
    group_id: Mapped[int | None]
    assignee_id: Mapped[int | None]
    created_day: Mapped[date] = mapped_column(sa.Date)
    first_response_day: Mapped[date | None] = mapped_column(sa.Date)
    first_response_s: Mapped[int | None]
    solved_day: Mapped[date | None] = mapped_column(sa.Date)
    resolution_s: Mapped[int | None]


class DailyCount(Model):
    """Tickets created and solved on one company day, per group and channel (sums of TicketFact rows)."""

    __tablename__ = "report_daily"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    group_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    channel: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    created: Mapped[int] = mapped_column(default=0)
    solved: Mapped[int] = mapped_column(default=0)


class ReportSettings(Model):
    """Who sees reports besides admins: every agent, or only the leads listed in ReportViewer (one row)."""

    __tablename__ = "report_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    agents: Mapped[str] = mapped_column(sa.String(10), default="all")  # all, leads
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ReportViewer(Model):
    """An agent who leads a team and sees reports when reports are for leads only."""

    __tablename__ = "report_viewers"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

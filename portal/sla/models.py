"""Business calendars, SLA policies with targets per priority, and the clocks that run on each ticket."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Group
from portal.core.db import Model, utcnow
from portal.tickets.models import Ticket

METRICS = ("first_response", "resolution")
CLOCK_STATES = ("running", "paused", "fulfilled", "cancelled")
DAY_KINDS = ("closed", "open")  # an extra day off; a public holiday worked anyway


class Calendar(Model):
    """Working hours of a department: weekly hours in a time zone, Korean public holidays and overrides."""

    __tablename__ = "sla_calendars"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Asia/Seoul")
    # Seven lists (Monday first) of [start, end) minutes since local midnight.
    hours: Mapped[list[Any]] = mapped_column(default=list)
    korean_holidays: Mapped[bool] = mapped_column(default=True)
    is_default: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    days: Mapped[list[CalendarDay]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="CalendarDay.day"
    )
    groups: Mapped[list[Group]] = relationship(secondary="sla_group_calendars", lazy="selectin")


class CalendarDay(Model):
    """A date that differs from the weekly hours: closed (a company day off) or open (a holiday worked)."""

    __tablename__ = "sla_calendar_days"

    calendar_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sla_calendars.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10), default="closed")
    name: Mapped[str] = mapped_column(sa.String(100), default="")


class GroupCalendar(Model):
    """Which calendar a group (department) works by; groups without one use the default calendar."""

    __tablename__ = "sla_group_calendars"

    group_id: Mapped[int] = mapped_column(sa.ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    calendar_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sla_calendars.id", ondelete="CASCADE"), index=True
    )


class SlaPolicy(Model):
    """Targets for tickets of a group and customer tiers; the first active policy in order that matches wins."""

    __tablename__ = "sla_policies"
    __table_args__ = (sa.Index("ix_sla_policies_active_position", "active", "position", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    tiers: Mapped[list[Any]] = mapped_column(default=list)  # empty: every tier
    channels: Mapped[list[Any]] = mapped_column(default=list)  # empty: every channel
    business_hours: Mapped[bool] = mapped_column(default=True)  # counted on the group's calendar
    warn_minutes: Mapped[int] = mapped_column(default=60)  # warn this long before a breach
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    group: Mapped[Group | None] = relationship(lazy="joined")
    targets: Mapped[list[SlaTarget]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="SlaTarget.priority"
    )

    def target(self, metric: str, priority: str) -> int | None:
        """The target in minutes for a metric at a priority, if the policy sets one."""
        for row in self.targets:
            if row.priority == priority:
                return row.first_response_minutes if metric == "first_response" else row.resolution_minutes
        return None


class SlaTarget(Model):
    """Minutes allowed for the first response and for resolution at one priority."""

    __tablename__ = "sla_targets"

    policy_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sla_policies.id", ondelete="CASCADE"), primary_key=True
    )
    priority: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    first_response_minutes: Mapped[int | None]
    resolution_minutes: Mapped[int | None]


class SlaClock(Model):
    """One target running on one ticket: business seconds used so far, the running segment and its due time."""

    __tablename__ = "sla_clocks"
    __table_args__ = (
        sa.UniqueConstraint("ticket_id", "metric"),
        sa.Index("ix_sla_clocks_state_due", "state", "due_at"),
        sa.Index("ix_sla_clocks_state_warn", "state", "warn_at"),
        sa.Index("ix_sla_clocks_breached_at", "breached_at"),
        sa.Index("ix_sla_clocks_fulfilled_at", "fulfilled_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(sa.String(20))
    policy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sla_policies.id", ondelete="SET NULL"))
    calendar_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sla_calendars.id", ondelete="SET NULL"))
    business_hours: Mapped[bool] = mapped_column(default=True)
    target_s: Mapped[int]
    warn_s: Mapped[int] = mapped_column(default=3600)
    state: Mapped[str] = mapped_column(sa.String(10), default="running")
    elapsed_s: Mapped[float] = mapped_column(sa.Float, default=0.0)  # closed segments only
    started_at: Mapped[datetime | None]  # start of the running segment
    due_at: Mapped[datetime | None]  # while running
    warn_at: Mapped[datetime | None]  # while running and not yet warned
    warned_at: Mapped[datetime | None]
    breached_at: Mapped[datetime | None]  # the instant the target was missed (= due time)
    fulfilled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    policy: Mapped[SlaPolicy | None] = relationship(lazy="joined")
    ticket: Mapped[Ticket] = relationship(lazy="select")

"""Rules (triggers and automations), what they did, round-robin positions and loops that were stopped."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Group
from portal.core.db import Model, utcnow

KINDS = ("trigger", "automation")
RUNS_ON = ("created", "updated", "both")


class Rule(Model):
    """Conditions and actions, applied in order: a trigger at intake or on a change, an automation on time.

    `conditions`: [{"field", "op", "value"}]; `actions`: [{"type", "value", …}] (see conditions.py, actions.py).
    A rule with a group is a department's rule: it only looks at tickets of that group.
    """

    __tablename__ = "rules"
    __table_args__ = (sa.Index("ix_rules_kind_active_position", "kind", "active", "position", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[str] = mapped_column(sa.String(12), default="trigger")
    runs_on: Mapped[str] = mapped_column(sa.String(10), default="created")
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    match: Mapped[str] = mapped_column(sa.String(3), default="all")  # all, any
    conditions: Mapped[list[Any]] = mapped_column(default=list)
    actions: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    group: Mapped[Group | None] = relationship(lazy="joined")


class RuleFiring(Model):
    """A rule fired on a ticket (insert-only: counts per rule without locking the rule's row).

    An automation stores the time of the event its time condition counts from (`anchor_at`), so that it fires
    once per occurrence of that event; triggers leave it empty.
    """

    __tablename__ = "rule_firings"
    __table_args__ = (
        sa.UniqueConstraint("rule_id", "ticket_id", "anchor_at"),
        sa.Index("ix_rule_firings_rule_at", "rule_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(sa.ForeignKey("rules.id", ondelete="CASCADE"))
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    anchor_at: Mapped[datetime | None]
    at: Mapped[datetime] = mapped_column(default=utcnow)


class RoundRobin(Model):
    """Whom a group's round-robin assigned last."""

    __tablename__ = "rule_round_robin"

    group_id: Mapped[int] = mapped_column(sa.ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    last_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))


class RuleLoop(Model):
    """Rules that kept undoing each other on a ticket until the engine stopped them: shown and mailed to admins."""

    __tablename__ = "rule_loops"
    __table_args__ = (sa.Index("ix_rule_loops_key_at", "key", "at"), sa.Index("ix_rule_loops_at", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(
        sa.String(200)
    )  # the rule ids involved, sorted: one report per key an hour
    rule_ids: Mapped[list[Any]] = mapped_column(default=list)
    passes: Mapped[int] = mapped_column(default=0)
    fields: Mapped[list[Any]] = mapped_column(default=list)  # what kept changing

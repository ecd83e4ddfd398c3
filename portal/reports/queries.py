"""Read-side selects of reports: daily counts, exact percentiles of durations, survey aggregates, comments."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by

from portal.accounts.models import User
from portal.customers.models import Customer
from portal.feedback.models import Survey
from portal.reports.models import DailyCount, TicketFact
from portal.reports.period import Period
from portal.tickets.models import Ticket

PERCENTS = (50, 90)


def _sums(period: Period, *keys: Any) -> sa.Select:
    stmt = (
        sa.select(
            *keys,
            sa.func.sum(DailyCount.created).label("created"),
            sa.func.sum(DailyCount.solved).label("solved"),
        )
        .where(DailyCount.day.between(period.first, period.last))
        .group_by(*keys)
    )
    if period.group_id is not None:
        stmt = stmt.where(DailyCount.group_key == period.group_id)
    return stmt


def daily(period: Period) -> sa.Select:
    """Created and solved per day and channel within the period."""
    return _sums(period, DailyCount.day, DailyCount.channel)


def per_group(period: Period) -> sa.Select:
    """Created and solved per group within the period."""
    return _sums(period, DailyCount.group_key)


def open_before(period: Period) -> sa.Select:
    """Tickets created before the period and not solved before it: the backlog the period starts with."""
    stmt = sa.select(
        sa.func.coalesce(sa.func.sum(DailyCount.created), 0)
        - sa.func.coalesce(sa.func.sum(DailyCount.solved), 0)
    ).where(DailyCount.day < period.first)
    if period.group_id is not None:
        stmt = stmt.where(DailyCount.group_key == period.group_id)
    return stmt


METRIC_CODES = {"first_response": 0, "resolution": 1}  # integers: sorting on a text literal costs a collation


def _durations(metric: str, day: Any, value: Any, period: Period, by: str | None) -> sa.Select:
    key = getattr(TicketFact, by) if by else sa.literal(0)
    code = sa.literal(METRIC_CODES[metric], sa.Integer)
    stmt = sa.select(code.label("metric"), key.label("key"), value.label("v")).where(
        day.between(period.first, period.last), value.is_not(None)
    )
    if period.group_id is not None:
        stmt = stmt.where(TicketFact.group_id == period.group_id)
    return stmt


def percentiles(period: Period, by: str | None = None) -> sa.Select:
    """The values at the ranks around the median and the 90th percentile of first-response and resolution
    times, per `by` (group_id, assignee_id or overall): one sort, at most four rows per metric and key.

    Rows: metric (METRIC_CODES), key, rank (1-based), n, value.
    """
    values = sa.union_all(
        _durations("first_response", TicketFact.first_response_day, TicketFact.first_response_s, period, by),
        _durations("resolution", TicketFact.solved_day, TicketFact.resolution_s, period, by),
    ).subquery()
    partition = [values.c.metric, values.c.key]
    ranked = sa.select(
        values.c.metric,
        values.c.key,
        values.c.v,
        sa.func.row_number().over(partition_by=partition, order_by=values.c.v).label("rank"),
        sa.func.count().over(partition_by=partition).label("n"),
    ).subquery()
    wanted = []
    for percent in PERCENTS:
        low = (ranked.c.n - 1) * percent // 100 + 1  # integer division on both databases
        wanted += [ranked.c.rank == low, ranked.c.rank == low + 1]
    return sa.select(ranked.c.metric, ranked.c.key, ranked.c.rank, ranked.c.n, ranked.c.v).where(
        sa.or_(*wanted)
    )


def ranked_values(period: Period, by: str | None = None) -> sa.CompoundSelect:
    """PostgreSQL: the same values as `percentiles`, without a window over every row: per metric and key, one
    sorted array (an in-memory sort per key) read at the ranks around each percentile.

    Rows: metric (METRIC_CODES), key, n, then r{percent}_1 and r{percent}_2, the values at ranks
    (n - 1) * percent // 100 + 1 and + 2 (NULL past the end).
    """
    parts = []
    for metric, day, value in (
        ("first_response", TicketFact.first_response_day, TicketFact.first_response_s),
        ("resolution", TicketFact.solved_day, TicketFact.resolution_s),
    ):
        key = getattr(TicketFact, by) if by else sa.literal(0, sa.Integer)
        inner = sa.select(
            sa.literal(METRIC_CODES[metric], sa.Integer).label("metric"),
            key.label("key"),
            sa.func.count().label("n"),
            sa.func.array_agg(aggregate_order_by(value, value)).label("v"),
        ).where(day.between(period.first, period.last), value.is_not(None))
        if period.group_id is not None:
            inner = inner.where(TicketFact.group_id == period.group_id)
        inner = (inner.group_by(key) if by else inner.having(sa.func.count() > 0)).subquery()
        ranks = []
        for percent in PERCENTS:
            low = (inner.c.n - 1) * percent // 100 + 1
            ranks += [inner.c.v[low].label(f"r{percent}_1"), inner.c.v[low + 1].label(f"r{percent}_2")]
        parts.append(sa.select(inner.c.metric, inner.c.key, inner.c.n, *ranks))
    return sa.union_all(*parts)


def survey_totals(period: Period, by: str | None = None) -> sa.Select:
    """Answers per kind (and per `by`: answered_day, touchpoint, channel, group_id, agent_id): how many, the
    sum of scores, how many satisfied (CSAT 4–5), promoters (NPS 9–10) and detractors (NPS 0–6)."""
    key = getattr(Survey, by) if by else sa.literal(0)
    satisfied = sa.case((sa.and_(Survey.kind == "csat", Survey.score >= 4), 1), else_=0)
    promoter = sa.case((sa.and_(Survey.kind == "nps", Survey.score >= 9), 1), else_=0)
    detractor = sa.case((sa.and_(Survey.kind == "nps", Survey.score <= 6), 1), else_=0)
    stmt = (
        sa.select(
            Survey.kind,
            key.label("key"),
            sa.func.count().label("answers"),
            sa.func.sum(Survey.score).label("total"),
            sa.func.sum(satisfied).label("satisfied"),
            sa.func.sum(promoter).label("promoters"),
            sa.func.sum(detractor).label("detractors"),
        )
        .where(Survey.answered_day.between(period.first, period.last), Survey.score.is_not(None))
        .group_by(Survey.kind, key)
    )
    if period.group_id is not None:
        stmt = stmt.where(Survey.group_id == period.group_id)
    return stmt


def _said() -> sa.Select:
    """Answers with what the comment and follow-up lists show, in one flat row (no entity loading)."""
    return (
        sa.select(
            Survey.id,
            Survey.kind,
            Survey.score,
            Survey.comment,
            Survey.answered_at,
            Survey.touchpoint,
            Survey.channel,
            Ticket.ref.label("ticket_ref"),
            Ticket.subject.label("ticket_subject"),
            User.name.label("agent_name"),
            Customer.name.label("customer_name"),
        )
        .join(Customer, Customer.id == Survey.customer_id)
        .outerjoin(Ticket, Ticket.id == Survey.ticket_id)
        .outerjoin(User, User.id == Survey.agent_id)
    )


def comments(period: Period, limit: int = 20) -> sa.Select:
    """The latest answers with a comment, in the period."""
    start, end = period.bounds
    stmt = (
        _said()
        .where(Survey.answered_at >= start, Survey.answered_at < end, Survey.comment.is_not(None))
        .order_by(Survey.answered_at.desc(), Survey.id.desc())
        .limit(limit)
    )
    if period.group_id is not None:
        stmt = stmt.where(Survey.group_id == period.group_id)
    return stmt


def follow_ups(period: Period, limit: int = 20) -> sa.Select:
    """Low scores in the period that nobody has followed up yet, newest first."""
    low = sa.or_(
        sa.and_(Survey.kind == "csat", Survey.score <= 2),
        sa.and_(Survey.kind == "ces", Survey.score <= 3),
        sa.and_(Survey.kind == "nps", Survey.score <= 6),
    )
    stmt = (
        _said()
        .where(
            Survey.answered_day.between(period.first, period.last),
            Survey.score.is_not(None),
            Survey.followed_up.is_(False),
            low,
        )
        .order_by(Survey.answered_at.desc(), Survey.id.desc())
        .limit(limit)
    )
    if period.group_id is not None:
        stmt = stmt.where(Survey.group_id == period.group_id)
    return stmt

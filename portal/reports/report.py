"""The whole report page: headline figures, chart series, tables per group, agent, touchpoint and channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal.accounts.models import Group, User
from portal.extensions import db
from portal.feedback.models import SCALES, TOUCHPOINTS, is_low
from portal.reports import queries
from portal.reports.figures import (
    METRICS,
    Row,
    Score,
    Stat,
    backlog,
    counts,
    durations,
    measure_values,
    names,
    satisfaction,
)
from portal.reports.models import NO_GROUP
from portal.reports.period import Period
from portal.tickets.models import CHANNELS


@dataclass(frozen=True)
class Said:
    """One answer in the comment or follow-up lists."""

    id: int
    kind: str
    score: int
    comment: str | None
    answered_at: Any
    touchpoint: str
    channel: str | None
    ticket_ref: int | None
    ticket_subject: str | None
    agent_name: str | None
    customer_name: str

    @property
    def scale(self) -> tuple[int, int]:
        return SCALES[self.kind]

    @property
    def is_low(self) -> bool:
        return is_low(self.kind, self.score)


def _said(stmt: Any) -> list[Said]:
    return [Said(**row._mapping) for row in db.session.execute(stmt)]


@dataclass
class Report:
    """Everything the reports page, its charts and its CSV export show."""

    period: Period
    created: int
    solved: int
    backlog_end: int
    times: dict[str, Stat]
    scores: dict[str, Score]
    measures: dict[str, Any]
    channels: list[Row]
    groups: list[Row]
    agents: list[Row]
    touchpoints: list[Row]
    chart: dict[str, Any]
    comments: list[Said] = field(default_factory=list)
    follow_ups: list[Said] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.created or self.solved or any(s.answers for s in self.scores.values()))


def _rows(keys: set[Any], labels: dict[Any, str]) -> dict[Any, Row]:
    return {key: Row(key, labels.get(key, "")) for key in keys}


def _group_rows(period: Period, totals: Any) -> list[Row]:
    times = durations(period, "group_id")
    scores = satisfaction(period, "group_id")
    keys = (
        {k or NO_GROUP for k in totals.by_group}
        | {k or NO_GROUP for _, k in times}
        | {k or NO_GROUP for k in scores}
    )
    rows = _rows(keys, names(Group, keys))
    for key, cell in totals.by_group.items():
        rows[key or NO_GROUP].created, rows[key or NO_GROUP].solved = cell["created"], cell["solved"]
    for (metric, key), stat in times.items():
        rows[key or NO_GROUP].times[metric] = stat
    for key, by_kind in scores.items():
        rows[key or NO_GROUP].scores = by_kind
    # A regrouped ticket leaves a daily row of zeros behind: rows without any figure are not shown.
    shown = [r for r in rows.values() if r.created or r.solved or _has_figures(r)]
    return sorted(shown, key=lambda r: (r.key == NO_GROUP, r.name))


def _has_figures(row: Row) -> bool:
    return any(s.n for s in row.times.values()) or any(s.answers for s in row.scores.values())


def _agent_rows(period: Period) -> list[Row]:
    times = durations(period, "assignee_id")
    scores = satisfaction(period, "agent_id")
    keys = {k for _, k in times if k} | {k for k in scores if k}
    rows = _rows(keys, names(User, keys))
    for (metric, key), stat in times.items():
        if key:
            rows[key].times[metric] = stat
            if metric == "resolution":
                rows[key].solved = stat.n
    for key, by_kind in scores.items():
        if key:
            rows[key].scores = by_kind
    return sorted(rows.values(), key=lambda r: (-r.solved, r.name))


def _score_rows(period: Period, by: str, order: tuple[str, ...]) -> list[Row]:
    scores = satisfaction(period, by)
    rows = []
    for key in [*order, *sorted(k for k in scores if k not in order and k is not None)]:
        if key in scores:
            row = Row(key)
            row.scores = scores[key]
            rows.append(row)
    return rows


def _chart(period: Period, totals: Any, backlog_series: list[int]) -> dict[str, Any]:
    buckets = period.buckets()
    daily_scores = satisfaction(period, "answered_day")
    by_bucket: dict[date, dict[str, Score]] = {}
    for day, by_kind in daily_scores.items():
        target = by_bucket.setdefault(period.bucket_of(day), {k: Score(k) for k in by_kind})
        for kind, score in by_kind.items():
            target[kind].add(score)
    solved_by_bucket: dict[date, int] = {}
    for day, cell in totals.by_day.items():
        solved_by_bucket[period.bucket_of(day)] = (
            solved_by_bucket.get(period.bucket_of(day), 0) + cell["solved"]
        )
    return {
        "granularity": period.granularity,
        "labels": [b.isoformat() for b in buckets],
        "created": {
            channel: [totals.created_by_bucket.get(channel, {}).get(b, 0) for b in buckets]
            for channel in CHANNELS
            if totals.created_by_bucket.get(channel)
        },
        "solved": [solved_by_bucket.get(b, 0) for b in buckets],
        "backlog": backlog_series,
        **{
            kind: [by_bucket[b][kind].value if b in by_bucket else None for b in buckets]
            for kind in ("csat", "nps", "ces")
        },
    }


def build(period: Period) -> Report:
    """Run every query of the reports page for this period."""
    totals = counts(period)
    times = durations(period)
    backlog_series = backlog(period, totals.by_day)
    channels = []
    channel_scores = satisfaction(period, "channel")
    for channel in CHANNELS:
        row = Row(
            channel,
            created=totals.by_channel[channel]["created"],
            solved=totals.by_channel[channel]["solved"],
        )
        row.scores = channel_scores.get(channel, row.scores)
        if row.created or row.solved or any(s.answers for s in row.scores.values()):
            channels.append(row)
    overall = satisfaction(period).get(0)
    return Report(
        period=period,
        created=totals.created,
        solved=totals.solved,
        backlog_end=backlog_series[-1] if backlog_series else 0,
        times={m: times.get((m, 0), Stat()) for m in METRICS},
        scores=overall if overall is not None else {k: Score(k) for k in ("csat", "nps", "ces")},
        measures=measure_values(period),
        channels=channels,
        groups=_group_rows(period, totals),
        agents=_agent_rows(period),
        touchpoints=_score_rows(period, "touchpoint", TOUCHPOINTS),
        chart=_chart(period, totals, backlog_series),
        comments=_said(queries.comments(period)),
        follow_ups=_said(queries.follow_ups(period)),
    )

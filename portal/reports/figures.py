"""Report figures: the queries of queries.py, run and shaped into what pages, the CSV export and the API show.

Definitions (also in docs/decisions.md): a ticket counts as created on its company day of creation and as solved
on the day it was (last) solved or closed; first-response time runs from creation to the first public answer by an
agent, counted on the day of that answer; resolution time from creation to solved, counted on the solved day;
median and p90 interpolate linearly between ranks (as PostgreSQL's percentile_cont). CSAT is the share of answers
4–5 in percent, NPS the share of promoters (9–10) minus the share of detractors (0–6), from −100 to 100, and CES
the mean score from 1 (very difficult) to 7 (very easy).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

import sqlalchemy as sa

from portal.core import measures
from portal.extensions import db
from portal.reports import queries
from portal.reports.period import Period
from portal.tickets.models import CHANNELS

log = logging.getLogger(__name__)
MEASURES = ("sla_attainment", "sla_breaches", "deflection_rate", "auto_resolution_rate")
METRICS = ("first_response", "resolution")


@dataclass
class Stat:
    """Median and 90th percentile of a duration in seconds, over n tickets."""

    median: float | None = None
    p90: float | None = None
    n: int = 0


@dataclass
class Score:
    """One survey kind over some answers: its figure and the sums behind it."""

    kind: str
    answers: int = 0
    total: int = 0
    satisfied: int = 0
    promoters: int = 0
    detractors: int = 0

    def add(self, row: Any) -> None:
        """Add one aggregate row of queries.survey_totals."""
        self.answers += row.answers
        self.total += int(row.total or 0)
        self.satisfied += int(row.satisfied or 0)
        self.promoters += int(row.promoters or 0)
        self.detractors += int(row.detractors or 0)

    @property
    def value(self) -> float | None:
        """CSAT % satisfied, NPS −100..100, CES mean; None without answers."""
        if not self.answers:
            return None
        if self.kind == "csat":
            return round(100 * self.satisfied / self.answers, 1)
        if self.kind == "nps":
            return round(100 * (self.promoters - self.detractors) / self.answers, 1)
        return round(self.total / self.answers, 2)


def _scores() -> dict[str, Score]:
    return {kind: Score(kind) for kind in ("csat", "nps", "ces")}


@dataclass
class Row:
    """A line of a per-group, per-agent, per-touchpoint or per-channel table."""

    key: Any
    name: str = ""
    created: int = 0
    solved: int = 0
    times: dict[str, Stat] = field(default_factory=lambda: {m: Stat() for m in METRICS})
    scores: dict[str, Score] = field(default_factory=_scores)


def interpolate(ranked: dict[int, float], n: int, percent: int) -> float:
    """The percentile from the values at its two neighbouring ranks (linear interpolation, 1-based ranks)."""
    position = Fraction((n - 1) * percent, 100)
    low = int(position)
    value = Fraction(ranked[low + 1])
    if position > low:
        value += (Fraction(ranked[low + 2]) - value) * (position - low)
    return float(value)


def durations(period: Period, by: str | None = None) -> dict[tuple[str, Any], Stat]:
    """(metric, key) → Stat for first-response and resolution times."""
    metrics = {code: name for name, code in queries.METRIC_CODES.items()}
    if db.session.get_bind().dialect.name == "postgresql":
        return {
            (metrics[row.metric], row.key): _stat(row)
            for row in db.session.execute(queries.ranked_values(period, by))
        }
    return _ranked_durations(period, by)


def _stat(row: Any) -> Stat:
    """A Stat from a row of queries.ranked_values (the values at the ranks around each percentile)."""
    cuts = []
    for percent in queries.PERCENTS:
        low = (row.n - 1) * percent // 100
        ranked = {low + 1: getattr(row, f"r{percent}_1"), low + 2: getattr(row, f"r{percent}_2")}
        cuts.append(interpolate(ranked, row.n, percent))
    return Stat(*cuts, n=row.n)


def _ranked_durations(period: Period, by: str | None) -> dict[tuple[str, Any], Stat]:
    """SQLite (no ordered aggregates into arrays): a window ranks the period's values; the ranks around each
    percentile are interpolated here."""
    picked: dict[tuple[str, Any], dict[int, float]] = defaultdict(dict)
    counts: dict[tuple[str, Any], int] = {}
    metrics = {code: name for name, code in queries.METRIC_CODES.items()}
    for row in db.session.execute(queries.percentiles(period, by)):
        picked[(metrics[row.metric], row.key)][row.rank] = row.v
        counts[(metrics[row.metric], row.key)] = row.n
    return {
        key: Stat(interpolate(ranked, counts[key], 50), interpolate(ranked, counts[key], 90), counts[key])
        for key, ranked in picked.items()
    }


def satisfaction(period: Period, by: str | None = None) -> dict[Any, dict[str, Score]]:
    """key → {kind: Score} over the period's answers."""
    result: dict[Any, dict[str, Score]] = defaultdict(_scores)
    for row in db.session.execute(queries.survey_totals(period, by)):
        result[row.key][row.kind].add(row)
    return result


def measure_values(period: Period) -> dict[str, Any]:
    """Figures other domains register (SLA, deflection, auto-resolution); None when not registered or failing."""
    start, end = period.bounds
    values: dict[str, Any] = {}
    for name in MEASURES:
        try:
            value = measures.compute(name, start, end, group_id=period.group_id)
        except Exception:  # another domain's bug must not take the report down
            log.exception("measure %s failed", name)
            value = None
        values[name] = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    return values


@dataclass
class Counts:
    """Created and solved tickets in the period: totals, per channel, per group and per chart bucket."""

    created: int = 0
    solved: int = 0
    by_channel: dict[str, dict[str, int]] = field(default_factory=dict)
    by_group: dict[int, dict[str, int]] = field(default_factory=dict)
    by_day: dict[date, dict[str, int]] = field(default_factory=dict)
    created_by_bucket: dict[str, dict[date, int]] = field(default_factory=dict)


def counts(period: Period) -> Counts:
    """Add up the daily rollups of the period."""
    result = Counts(by_channel={c: {"created": 0, "solved": 0} for c in CHANNELS})
    for row in db.session.execute(queries.daily(period)):
        created, solved = int(row.created or 0), int(row.solved or 0)
        result.created += created
        result.solved += solved
        cell = result.by_channel.setdefault(row.channel, {"created": 0, "solved": 0})
        cell["created"] += created
        cell["solved"] += solved
        day = result.by_day.setdefault(row.day, {"created": 0, "solved": 0})
        day["created"] += created
        day["solved"] += solved
        bucket = result.created_by_bucket.setdefault(row.channel, {})
        start = period.bucket_of(row.day)
        bucket[start] = bucket.get(start, 0) + created
    for row in db.session.execute(queries.per_group(period)):
        result.by_group[row.group_key] = {"created": int(row.created or 0), "solved": int(row.solved or 0)}
    return result


def backlog(period: Period, by_day: dict[date, dict[str, int]]) -> list[int]:
    """Open tickets at the end of each bucket: the backlog before the period plus created minus solved."""
    level = int(db.session.scalar(queries.open_before(period)) or 0)
    ends = iter(period.bucket_ends())
    end = next(ends)
    series = []
    day = period.first
    while day <= period.last:
        cell = by_day.get(day)
        if cell:
            level += cell["created"] - cell["solved"]
        if day == end:
            series.append(level)
            end = next(ends, None)  # type: ignore[arg-type]
        day = date.fromordinal(day.toordinal() + 1)
    return series


def summary(period: Period) -> dict[str, Any]:
    """The contract's summary (GET /api/v1/reports/summary): exactly its keys."""
    totals = counts(period)
    times = durations(period)
    scores = satisfaction(period).get(0) or _scores()
    values = measure_values(period)
    return {
        "tickets_created": totals.created,
        "by_channel": {channel: cell["created"] for channel, cell in totals.by_channel.items()},
        "first_response_median_s": times.get(("first_response", 0), Stat()).median,
        "resolution_median_s": times.get(("resolution", 0), Stat()).median,
        "csat": scores["csat"].value,
        "nps": scores["nps"].value,
        "ces": scores["ces"].value,
        "deflection_rate": values["deflection_rate"],
        "auto_resolution_rate": values["auto_resolution_rate"],
        "sla_breaches": values["sla_breaches"],
    }


def names(model: Any, ids: set[Any]) -> dict[Any, str]:
    """id → name of groups or users, in one query."""
    wanted = [i for i in ids if isinstance(i, int) and i]
    if not wanted:
        return {}
    return dict(db.session.execute(sa.select(model.id, model.name).where(model.id.in_(wanted))).all())

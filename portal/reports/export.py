"""The report's tables as CSV: the same figures as the page, in plain units (seconds, percent, counts)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from portal.reports.figures import Row
from portal.reports.report import Report

TABLES = ("summary", "trend", "channels", "groups", "agents", "touchpoints", "comments")
TIME_HEADERS = [
    "first_response_median_s",
    "first_response_p90_s",
    "resolution_median_s",
    "resolution_p90_s",
]
SCORE_HEADERS = ["csat_percent", "csat_answers", "nps", "nps_answers", "ces", "ces_answers"]


def _safe(value: Any) -> Any:
    """Spreadsheets run cells that start with = + - @ as formulas: such text is quoted with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def _times(row: Row) -> list[Any]:
    return [
        row.times["first_response"].median,
        row.times["first_response"].p90,
        row.times["resolution"].median,
        row.times["resolution"].p90,
    ]


def _scores(row: Row) -> list[Any]:
    out: list[Any] = []
    for kind in ("csat", "nps", "ces"):
        out += [row.scores[kind].value, row.scores[kind].answers]
    return out


def _summary(report: Report) -> Iterable[list[Any]]:
    yield ["figure", "value"]
    yield ["from", report.period.first.isoformat()]
    yield ["to", report.period.last.isoformat()]
    yield ["group_id", report.period.group_id]
    yield ["tickets_created", report.created]
    yield ["tickets_solved", report.solved]
    yield ["backlog_at_end", report.backlog_end]
    for metric, stat in report.times.items():
        yield [f"{metric}_median_s", stat.median]
        yield [f"{metric}_p90_s", stat.p90]
    for kind, score in report.scores.items():
        yield [kind, score.value]
        yield [f"{kind}_answers", score.answers]
    for name, value in report.measures.items():
        yield [name, value]


def _trend(report: Report) -> Iterable[list[Any]]:
    chart = report.chart
    channels = list(chart["created"])
    yield [
        "bucket_start",
        *[f"created_{c}" for c in channels],
        "solved",
        "backlog",
        "csat_percent",
        "nps",
        "ces",
    ]
    for i, label in enumerate(chart["labels"]):
        yield [
            label,
            *[chart["created"][c][i] for c in channels],
            chart["solved"][i],
            chart["backlog"][i],
            chart["csat"][i],
            chart["nps"][i],
            chart["ces"][i],
        ]


def _table(
    rows: list[Row], key_header: str, counts: tuple[str, ...], with_times: bool
) -> Iterable[list[Any]]:
    yield [
        key_header,
        "name",
        *counts,
        *(TIME_HEADERS if with_times else []),
        *SCORE_HEADERS,
    ]
    for row in rows:
        yield [
            row.key,
            row.name,
            *[getattr(row, name) for name in counts],
            *(_times(row) if with_times else []),
            *_scores(row),
        ]


def _comments(report: Report) -> Iterable[list[Any]]:
    yield ["answered_at", "kind", "score", "ticket", "touchpoint", "channel", "comment"]
    for s in report.comments:
        answered = s.answered_at.isoformat() if s.answered_at else None
        yield [answered, s.kind, s.score, s.ticket_ref, s.touchpoint, s.channel, s.comment]


def rows_of(table: str, report: Report) -> Iterable[list[Any]]:
    """The CSV rows of one table, header first."""
    if table == "summary":
        return _summary(report)
    if table == "trend":
        return _trend(report)
    if table == "channels":
        return _table(report.channels, "channel", ("created", "solved"), False)
    if table == "groups":
        return _table(report.groups, "group_id", ("created", "solved"), True)
    if table == "agents":
        return _table(report.agents, "agent_id", ("solved",), True)
    if table == "touchpoints":
        return _table(report.touchpoints, "touchpoint", (), False)
    return _comments(report)


def render(table: str, report: Report) -> str:
    """The CSV text of one table."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for row in rows_of(table, report):
        writer.writerow([_safe(v) for v in row])
    return buffer.getvalue()

"""Survey figures other domains may read by name: csat (% satisfied), nps (−100..100), ces (mean 1–7)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from portal.core.measures import measure
from portal.extensions import db
from portal.feedback.models import Survey


def _answers(kind: str, start: datetime, end: datetime, group_id: int | None) -> sa.Select:
    stmt = sa.select(Survey.score).where(
        Survey.kind == kind, Survey.answered_at >= start, Survey.answered_at < end, Survey.score.is_not(None)
    )
    return stmt.where(Survey.group_id == group_id) if group_id is not None else stmt


def _figure(kind: str, start: datetime, end: datetime, group_id: int | None) -> float | None:
    scores = _answers(kind, start, end, group_id).subquery()
    row = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.sum(scores.c.score),
            sa.func.sum(sa.case((scores.c.score >= 4, 1), else_=0)),
            sa.func.sum(sa.case((scores.c.score >= 9, 1), else_=0)),
            sa.func.sum(sa.case((scores.c.score <= 6, 1), else_=0)),
        )
    ).one()
    answers, total, satisfied, promoters, detractors = (int(v or 0) for v in row)
    if not answers:
        return None
    if kind == "csat":
        return round(100 * satisfied / answers, 1)
    if kind == "nps":
        return round(100 * (promoters - detractors) / answers, 1)
    return round(total / answers, 2)


@measure("csat")
def csat(start: datetime, end: datetime, *, group_id: int | None = None) -> float | None:
    """Percent of CSAT answers 4–5 given in [start, end)."""
    return _figure("csat", start, end, group_id)


@measure("nps")
def nps(start: datetime, end: datetime, *, group_id: int | None = None) -> float | None:
    """Percent promoters (9–10) minus percent detractors (0–6) among NPS answers given in [start, end)."""
    return _figure("nps", start, end, group_id)


@measure("ces")
def ces(start: datetime, end: datetime, *, group_id: int | None = None) -> float | None:
    """Mean Customer Effort Score (1–7) of answers given in [start, end)."""
    return _figure("ces", start, end, group_id)

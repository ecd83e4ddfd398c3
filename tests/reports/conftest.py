"""A seeded week of support, made through the real services at chosen times (time-machine), and the figures
computed again here, independently, straight from tickets and surveys."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

SEOUL = ZoneInfo("Asia/Seoul")
D1 = date(2025, 3, 3)  # a Monday; the report covers D1 … D1 + 4


def at(day_offset: float, clock: str) -> datetime:
    """A Seoul wall-clock time `day_offset` days after D1."""
    hour, minute = (int(x) for x in clock.split(":"))
    return datetime(D1.year, D1.month, D1.day, hour, minute, tzinfo=SEOUL) + timedelta(days=day_offset)


@dataclass
class Seeded:
    groups: dict[str, Any] = field(default_factory=dict)
    agents: dict[str, Any] = field(default_factory=dict)
    tickets: dict[str, Any] = field(default_factory=dict)


@pytest.fixture()
def seeded(db: Any, make_user: Any, make_inbound: Any) -> Seeded:
    """Six tickets over a week on four channels, two groups and two agents, with a reopen, a regroup, an
    unanswered one, a backlog from before, CSAT, CES and NPS answers (one low) and comments."""
    from portal.accounts import service as accounts
    from portal.feedback import service as feedback
    from portal.feedback.models import Survey
    from portal.tickets import service as tickets
    from portal.tickets.intake import receive

    data = Seeded()
    data.agents = {"a1": make_user("agent", name="김상담"), "a2": make_user("agent", name="이상담")}
    data.groups = {
        "billing": accounts.save_group(
            None, name="Billing", description="", member_ids=[data.agents["a1"].id]
        ),
        "tech": accounts.save_group(None, name="Tech", description="", member_ids=[data.agents["a2"].id]),
    }
    cfg = feedback.stored_settings()
    cfg.customer_min_days, cfg.ces_enabled = 0, True
    db.session.commit()

    def step(when: datetime, fn: Any) -> Any:
        with time_machine.travel(when, tick=False):
            result = fn()
            db.session.commit()
            return result

    def open_ticket(name: str, channel: str, when: datetime, group: str | None, email: str) -> Any:
        inbound = make_inbound(channel, email=email, subject=f"{name} subject")
        ticket = step(when, lambda: receive(inbound).ticket)
        if group:
            step(when, lambda: tickets.update_ticket(ticket, None, group=data.groups[group]))
        data.tickets[name] = ticket
        return ticket

    def reply(ticket: Any, agent: str, when: datetime) -> None:
        step(when, lambda: tickets.add_reply(ticket, data.agents[agent], "답변입니다"))

    def solve(ticket: Any, agent: str, when: datetime) -> None:
        step(
            when,
            lambda: tickets.update_ticket(
                ticket, data.agents[agent], assignee=data.agents[agent], status="solved"
            ),
        )

    def answer(ticket: Any, kind: str, score: int, when: datetime, comment: str | None = None) -> None:
        survey = db.session.scalar(
            sa.select(Survey).where(Survey.ticket_id == ticket.id, Survey.kind == kind)
        )
        step(when, lambda: feedback.answer(survey, score, comment))

    t5 = open_ticket("t5", "email", at(-5, "10:00"), "tech", "t5@example.com")  # backlog from before
    reply(t5, "a2", at(0, "09:30"))
    t1 = open_ticket("t1", "email", at(0, "09:00"), "billing", "t1@example.com")
    reply(t1, "a1", at(0, "10:00"))
    solve(t1, "a1", at(0, "15:00"))
    answer(t1, "csat", 5, at(0, "16:00"), "친절했어요")
    answer(t1, "ces", 6, at(0, "16:01"))
    t2 = open_ticket("t2", "chat", at(0, "23:30"), "tech", "t2@example.com")  # 14:30 UTC, still D1 in Seoul
    reply(t2, "a2", at(1, "00:10"))
    solve(t2, "a2", at(2, "09:00"))
    answer(t2, "csat", 2, at(2, "10:00"), "너무 오래 걸렸어요")
    t3 = open_ticket("t3", "web", at(1, "10:00"), "billing", "t3@example.com")
    reply(t3, "a1", at(1, "10:05"))
    solve(t3, "a1", at(1, "11:00"))
    answer(t3, "csat", 4, at(1, "13:00"))
    step(
        at(1, "12:00"),
        lambda: receive(make_inbound("web", email="t3@example.com", ticket_ref=t3.ref, text="또 안 돼요")),
    )
    solve(t3, "a1", at(3, "10:00"))
    t4 = open_ticket("t4", "phone", at(2, "08:00"), None, "t4@example.com")
    reply(t4, "a2", at(2, "08:30"))
    step(at(2, "09:00"), lambda: tickets.update_ticket(t4, None, group=data.groups["billing"]))
    step(at(3, "09:00"), lambda: tickets.update_ticket(t4, None, group=data.groups["tech"]))
    open_ticket("t6", "email", at(4, "18:00"), "billing", "t6@example.com")
    cfg.nps_enabled, cfg.nps_sample_percent = True, 100
    db.session.commit()
    nps = step(at(1, "09:00"), lambda: feedback.nps_round())
    for survey, score in zip(sorted(nps, key=lambda s: s.customer_id), (10, 3, 9, 7, 10, 6), strict=False):
        step(at(1, "20:00"), lambda s=survey, n=score: feedback.answer(s, n))
    db.session.expire_all()
    return data


# ----------------------------------------------------------------------- the same figures, computed here


def local_day(value: datetime | None) -> date | None:
    return value.astimezone(SEOUL).date() if value else None


def percentile(values: list[float], percent: int) -> float | None:
    """Linear interpolation between closest ranks (statistics' inclusive method)."""
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    if percent == 50:
        return float(statistics.median(values))
    return float(statistics.quantiles(values, n=100, method="inclusive")[percent - 1])


def expected(db: Any, first: date, last: date, group_id: int | None = None) -> dict[str, Any]:
    """Every figure of the report, from the tickets and surveys themselves."""
    from portal.feedback.models import Survey
    from portal.tickets.models import CHANNELS, Ticket

    tickets = [t for t in db.session.scalars(sa.select(Ticket)) if group_id is None or t.group_id == group_id]
    inside = lambda value: value is not None and first <= local_day(value) <= last  # noqa: E731
    created = [t for t in tickets if inside(t.created_at)]
    responded = [t for t in tickets if inside(t.first_response_at)]
    solved = [t for t in tickets if inside(t.solved_at)]
    frt = [int((t.first_response_at - t.created_at).total_seconds()) for t in responded]
    res = [int((t.solved_at - t.created_at).total_seconds()) for t in solved]
    answers = [
        s
        for s in db.session.scalars(sa.select(Survey).where(Survey.score.is_not(None)))
        if inside(s.answered_at) and (group_id is None or s.group_id == group_id)
    ]

    def score(kind: str) -> float | None:
        mine = [s.score for s in answers if s.kind == kind]
        if not mine:
            return None
        if kind == "csat":
            return round(100 * sum(1 for v in mine if v >= 4) / len(mine), 1)
        if kind == "nps":
            return round(100 * (sum(v >= 9 for v in mine) - sum(v <= 6 for v in mine)) / len(mine), 1)
        return round(sum(mine) / len(mine), 2)

    def backlog_at(day: date) -> int:
        return sum(
            1
            for t in tickets
            if local_day(t.created_at) <= day and (t.solved_at is None or local_day(t.solved_at) > day)
        )

    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return {
        "tickets_created": len(created),
        "tickets_solved": len(solved),
        "by_channel": {c: sum(1 for t in created if t.channel == c) for c in CHANNELS},
        "first_response_median_s": percentile(frt, 50),
        "first_response_p90_s": percentile(frt, 90),
        "resolution_median_s": percentile(res, 50),
        "resolution_p90_s": percentile(res, 90),
        "csat": score("csat"),
        "nps": score("nps"),
        "ces": score("ces"),
        "backlog": [backlog_at(d) for d in days],
        "frt_values": frt,
        "res_values": res,
        "answers": answers,
        "solved_tickets": solved,
        "responded_tickets": responded,
    }

"""Median and p90 of durations stay exact on many tickets (ties, single values, groups, agents), whichever way the
database computes them, and the summary API runs a fixed number of queries whatever the data."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from portal.reports import figures, rollup
from portal.reports.period import Period
from tests.reports.conftest import at, local_day, percentile

FIRST = date(2025, 3, 3)
LAST = FIRST + timedelta(days=9)


@pytest.fixture()
def many(db: Any, make_ticket: Any, make_user: Any) -> dict[str, Any]:
    """About 400 tickets over ten days, inserted in bulk (two groups, three agents, many equal durations), with
    the report facts rebuilt from them."""
    from portal.accounts import service as accounts
    from portal.tickets.models import Ticket

    agents = [make_user("agent", name=f"상담원 {i}") for i in range(3)]
    groups = [
        accounts.save_group(None, name=f"Team {i}", description="", member_ids=[agents[i].id])
        for i in range(2)
    ]
    customer_id = make_ticket("web", email="bulk@example.com").customer_id
    rng = random.Random(7)
    rows = []
    for n in range(400):
        created = at(rng.uniform(-1, 9.5), "09:00")
        # Whole minutes for half of them, so that equal values straddle the percentile ranks.
        wait = rng.choice((60, 120, 600, 3600)) if n % 2 else rng.randint(1, 200_000)
        first = created + timedelta(seconds=wait) if n % 10 else None
        solved = (
            first + timedelta(seconds=rng.choice((0, 1, 7200, rng.randint(1, 900_000)))) if first else None
        )
        rows.append(
            _ticket(n, customer_id, created, first, solved, rng.choice([*groups, None]), rng.choice(agents))
        )
    # A day with one answered ticket and nothing else on it (n = 1), far from the others.
    lone = at(30, "10:00")
    rows.append(_ticket(400, customer_id, lone, lone + timedelta(seconds=90), None, groups[0], agents[0]))
    db.session.execute(sa.insert(Ticket.__table__), rows)
    rollup.rebuild()
    db.session.flush()
    return {"groups": groups, "agents": agents, "lone_day": local_day(lone)}


def _ticket(n: int, customer_id: int, created: Any, first: Any, solved: Any, group: Any, agent: Any) -> dict:
    return {
        "ref": 500_000 + n,
        "subject": f"문의 {n}",
        "subject_key": f"문의 {n}",
        "status": "solved" if solved else "open",
        "priority": "normal",
        "channel": "email",
        "customer_id": customer_id,
        "group_id": group.id if group else None,
        "assignee_id": agent.id,
        "created_at": created,
        "updated_at": solved or first or created,
        "first_response_at": first,
        "solved_at": solved,
        "last_inbound_at": created,
        "last_message_at": first or created,
        "message_count": 2 if first else 1,
        "version": 1,
        "context": {},
    }


def _independent(db: Any, period: Period, by: str | None) -> dict[tuple[str, Any], figures.Stat]:
    """The same Stats from the tickets themselves, with Python's statistics module."""
    from portal.tickets.models import Ticket

    values: dict[tuple[str, Any], list[int]] = {}
    for t in db.session.scalars(sa.select(Ticket)):
        if period.group_id is not None and t.group_id != period.group_id:
            continue
        key = getattr(t, by) if by else 0
        for metric, end in (("first_response", t.first_response_at), ("resolution", t.solved_at)):
            if end is not None and period.first <= local_day(end) <= period.last:
                values.setdefault((metric, key), []).append(int((end - t.created_at).total_seconds()))
    return {k: figures.Stat(percentile(v, 50), percentile(v, 90), len(v)) for k, v in values.items()}


def _periods(many: dict[str, Any]) -> list[Period]:
    team = many["groups"][0].id
    return [
        Period(FIRST - timedelta(days=2), LAST),
        Period(FIRST + timedelta(days=2), FIRST + timedelta(days=4)),
        Period(FIRST + timedelta(days=5), FIRST + timedelta(days=5)),
        Period(FIRST, LAST, group_id=team),
        Period(many["lone_day"], many["lone_day"]),
        Period(LAST + timedelta(days=40), LAST + timedelta(days=41)),  # nothing at all
    ]


def _same(got: dict, want: dict) -> None:
    assert set(got) == set(want)
    for key, stat in want.items():
        assert (got[key].n, got[key].median) == (stat.n, stat.median), key
        assert got[key].p90 == pytest.approx(stat.p90, abs=1e-9), key


@pytest.mark.parametrize("by", [None, "group_id", "assignee_id"])
def test_medians_and_p90s_equal_an_independent_computation(db, many, by):
    for period in _periods(many):
        _same(figures.durations(period, by), _independent(db, period, by))


def test_the_sorted_array_and_the_window_give_the_very_same_figures(db, many):
    """PostgreSQL reads sorted arrays at the percentile ranks; the window ranking (SQLite's way) must agree
    to the last bit wherever both can run."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("both ways run only on PostgreSQL")
    for period in _periods(many):
        for by in (None, "group_id", "assignee_id"):
            assert figures.durations(period, by) == figures._ranked_durations(period, by), (period, by)


def test_the_lone_value_of_a_day_is_its_own_median_and_p90(db, many):
    stat = figures.durations(Period(many["lone_day"], many["lone_day"]))[("first_response", 0)]
    assert (stat.n, stat.median, stat.p90) == (1, 90.0, 90.0)


def test_the_summary_api_runs_a_fixed_number_of_queries_whatever_the_data(
    client, db, admin, many, count_queries, make_ticket
):
    from portal.accounts import service as accounts

    token = accounts.issue_token(admin)
    db.session.commit()
    url = f"/api/v1/reports/summary?from={FIRST}&to={LAST}"
    headers = {"Authorization": f"Bearer {token}"}
    client.get(url, headers=headers)
    with count_queries() as few:
        assert client.get(url, headers=headers).status_code == 200
    for i in range(3):
        make_ticket("chat", email=f"more{i}@example.com")
    with count_queries() as more:
        assert client.get(url, headers=headers).status_code == 200
    assert more.count == few.count and few.count <= 15

"""Automation benchmarks: intake with rules and SLA policies, the queue sorted by time left, and the SLA watch.

    .venv/bin/python -m bench.automation --tickets 100000 [--database-url postgresql+psycopg://…]

Prints median and p95 (milliseconds) of:
- intake: one new ticket through intake.receive() and commit, with 10 triggers and 2 SLA policies active
  (each trigger tests words in the message), compared with no rule and no policy;
- queue: the first page of the "all open" view sorted by time left (sort=due), and the third page (keyset);
- watch: one run of the SLA watch (warnings and breaches) over the running clocks when nothing is due.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    """Median and p95 of `runs` calls, in milliseconds."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def bulk_tickets(db: Any, count: int) -> None:
    """Tickets with SLA due times spread over two weeks (inserted directly: intake would take hours)."""
    import sqlalchemy as sa

    from portal.customers.models import Customer
    from portal.sla.models import SlaClock
    from portal.tickets.models import NO_DUE, Ticket

    now = datetime.now(UTC)
    customers = [{"name": f"Bench {n}", "name_key": f"bench{n}", "tier": "standard"} for n in range(1000)]
    db.session.execute(Customer.__table__.insert(), customers)
    first = db.session.query(Customer.id).order_by(Customer.id).first()[0]
    rows = []
    for n in range(count):
        created = now - timedelta(minutes=random.randint(0, 60 * 24 * 30))
        due = NO_DUE if n % 5 == 0 else now + timedelta(minutes=random.randint(-600, 20000))
        rows.append({
            "ref": 100000 + n, "subject": f"Bench ticket {n}", "subject_key": f"bench ticket {n}",
            "status": random.choice(("new", "open", "open", "pending", "solved")), "priority": "normal",
            "channel": "web", "customer_id": first + n % 1000, "created_at": created, "updated_at": created,
            "message_count": 1, "version": 1, "context": {}, "due_at": due,
            "sla_metric": None if due == NO_DUE else "first_response",
        })  # fmt: skip
        if len(rows) == 5000:
            db.session.execute(Ticket.__table__.insert(), rows)
            rows = []
    if rows:
        db.session.execute(Ticket.__table__.insert(), rows)
    db.session.commit()
    running = db.session.execute(
        sa.select(Ticket.id, Ticket.due_at).where(
            Ticket.ref >= 100000, Ticket.due_at < NO_DUE, Ticket.status.in_(("new", "open"))
        )
    ).all()
    clocks = [
        {"ticket_id": tid, "metric": "first_response", "business_hours": True, "target_s": 14400, "warn_s": 3600,
         "state": "running", "elapsed_s": 0.0, "started_at": due - timedelta(hours=4), "due_at": due,
         "warn_at": due - timedelta(hours=1), "created_at": now}
        for tid, due in running
    ]  # fmt: skip
    for start in range(0, len(clocks), 5000):
        db.session.execute(SlaClock.__table__.insert(), clocks[start : start + 5000])
    db.session.commit()


def set_up_rules(db: Any) -> None:
    """Ten word triggers and two SLA policies, as an admin would."""
    from portal.accounts.service import save_group
    from portal.rules import service as rules
    from portal.sla import service as sla

    group = save_group(None, name="Bench group", description="", member_ids=[])
    for n in range(10):
        rules.save_rule(
            None,
            name=f"Bench rule {n}",
            kind="trigger",
            condition_rows=[{"field": "text", "op": "contains_any", "value": f"단어{n}, word{n}"}],
            action_rows=[
                {"type": "set_group", "value": str(group.id)},
                {"type": "add_tags", "value": f"t{n}"},
            ],
        )
    sla.save_calendar(
        None,
        name="Bench",
        timezone="Asia/Seoul",
        hours=["09:00-18:00"] * 5,
        korean_holidays=True,
        is_default=True,
    )
    sla.save_policy(None, name="VIP", tiers=["vip"], targets={"normal": ("1h", "8h")})
    sla.save_policy(None, name="Standard", targets={"normal": ("4h", "24h"), "high": ("2h", "16h")})
    db.session.commit()


def intake_once(db: Any, counter: list[int]) -> None:
    from portal.customers.service import Hints
    from portal.tickets.inbound import Inbound
    from portal.tickets.intake import receive

    counter[0] += 1
    n = counter[0]
    receive(Inbound(channel="web", sender=Hints(email=f"bench{n}@example.com"), subject=f"문의 {n}",
                    text=f"요금 단어{n % 12} 확인 부탁드립니다", notify=False))  # fmt: skip
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--keep", action="store_true", help="keep the instance folder (to look at query plans)"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="hana-bench-automation-"))
    try:
        run(args, folder)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace, folder: Path) -> None:
    """Set up the instance, then measure."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from portal import create_app

    app = create_app({
        "PORTAL_INSTANCE": str(folder), "DATABASE_URL": args.database_url or f"sqlite:///{folder / 'bench.db'}",
        "JOBS_IMMEDIATE": True, "SMTP_URL": None, "RATELIMIT_ENABLED": False, "SEARCH_ENABLED": False,
    })  # fmt: skip
    with app.app_context():
        from portal.accounts.service import create_user
        from portal.extensions import db
        from portal.sla import watch
        from portal.tickets import queries

        upgrade()
        agent = create_user("bench@example.com", "Bench", password="password-123", role="agent")
        db.session.commit()
        counter = [0]
        plain = timed(lambda: intake_once(db, counter), args.runs)
        set_up_rules(db)
        ruled = timed(lambda: intake_once(db, counter), args.runs)
        print(f"intake, no rules:            median {plain[0]:.1f} ms  p95 {plain[1]:.1f} ms")
        print(f"intake, 10 rules + 2 SLAs:   median {ruled[0]:.1f} ms  p95 {ruled[1]:.1f} ms")
        bulk_tickets(db, args.tickets)
        if db.engine.dialect.name == "postgresql":  # what autovacuum would have done by then
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        filters = queries.QueueFilter(view="open", sort="due")

        def first_page() -> list[Any]:
            db.session.expire_all()
            return db.session.scalars(queries.queue_page(filters, agent, after=None, limit=51)).all()

        def third_page() -> None:
            rows = first_page()
            for _ in range(2):
                rows = db.session.scalars(
                    queries.queue_page(filters, agent, after=queries.cursor_of(rows[-2], "due"), limit=51)
                ).all()

        page = timed(first_page, args.runs)
        deeper = timed(third_page, args.runs)
        check = timed(
            lambda: (watch.check_due(datetime.now(UTC) - timedelta(days=400)), db.session.rollback()),
            args.runs,
        )
        print(
            f"queue sort=due, page 1 ({args.tickets} tickets): median {page[0]:.1f} ms  p95 {page[1]:.1f} ms"
        )
        print(f"queue sort=due, pages 1-3 (keyset):       median {deeper[0]:.1f} ms  p95 {deeper[1]:.1f} ms")
        print(f"SLA watch, nothing due:                   median {check[0]:.1f} ms  p95 {check[1]:.1f} ms")


if __name__ == "__main__":
    main()

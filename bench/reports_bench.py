"""Reports at scale: generate N tickets (default 1M) with surveys, build the report rollups, then time the reports
page and the summary API. Prints median and p95 per case.

    .venv/bin/python -m bench.reports_bench --pg              # a throwaway PostgreSQL cluster
    .venv/bin/python -m bench.reports_bench                   # SQLite in bench/out/reports/
    .venv/bin/python -m bench.reports_bench --db URL --tickets 200000
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

OUT = Path(__file__).resolve().parent / "out" / "reports"
CHANNELS = ("email", "email", "email", "chat", "chat", "web", "web", "phone", "api", "catalog")
BATCH = 10_000


def _app(url: str) -> Any:
    from flask_migrate import upgrade

    from portal import create_app

    OUT.mkdir(parents=True, exist_ok=True)
    app = create_app(
        {
            "PORTAL_INSTANCE": str(OUT / "instance"),
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-" + "x" * 30,
            "JOBS_IMMEDIATE": True,
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()
        _check_schema()
    return app


def _check_schema() -> None:
    """Stop when the tables or indexes differ from the models: a kept cluster made at an older revision of a
    migration (or before the branches were chained) would otherwise be measured with the wrong indexes."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from portal.extensions import db

    with db.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), db.metadata)
    if differences:
        for difference in differences:
            print("  schema differs:", str(difference)[:160])
        raise SystemExit("the database does not match the models: fix it (or regenerate) before measuring")


def _people(db: Any) -> tuple[list[int], list[int], list[int]]:
    from portal.accounts import service as accounts
    from portal.accounts.models import Group, User

    if not db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        agents = [
            accounts.create_user(
                f"agent{i}@bench.example", f"상담원 {i}", password="bench-pass-1", role="agent"
            )
            for i in range(40)
        ]
        accounts.create_user("admin@bench.example", "Bench admin", password="bench-pass-1", role="admin")
        for g in range(8):
            accounts.save_group(
                None, name=f"Group {g}", description="", member_ids=[a.id for a in agents[g * 5 : g * 5 + 5]]
            )
        db.session.commit()
    agents = db.session.scalars(sa.select(User.id).where(User.role == "agent").order_by(User.id)).all()
    groups = db.session.scalars(sa.select(Group.id).order_by(Group.id)).all()
    admin = db.session.scalar(sa.select(User.id).where(User.role == "admin"))
    return list(agents), list(groups), [admin]


def _customers(db: Any, count: int) -> tuple[int, int]:
    from portal.customers.models import Customer

    have = db.session.scalar(sa.select(sa.func.count()).select_from(Customer)) or 0
    now = datetime.now(UTC)
    for start in range(have, count, BATCH):
        rows = [
            {
                "name": f"고객 {i}",
                "name_key": f"고객{i}",
                "email": f"c{i}@bench.example",
                "tier": "standard",
                "address": "",
                "notes": "",
                "created_at": now,
                "updated_at": now,
            }
            for i in range(start, min(count, start + BATCH))
        ]
        db.session.execute(sa.insert(Customer.__table__), rows)
        db.session.commit()
    low, high = db.session.execute(sa.select(sa.func.min(Customer.id), sa.func.max(Customer.id))).one()
    return low, high


def _ticket_rows(
    n0: int, size: int, rng: random.Random, ctx: dict[str, Any]
) -> tuple[list[dict], list[dict]]:
    now, days = ctx["now"], ctx["days"]
    tickets, answers = [], []
    for n in range(n0, n0 + size):
        created = now - timedelta(seconds=rng.uniform(0, days * 86400))
        group = rng.choice(ctx["groups"])
        agent = rng.choice(ctx["agents"])
        first = created + timedelta(seconds=rng.lognormvariate(8, 1.2)) if rng.random() < 0.95 else None
        solved = (
            first + timedelta(seconds=rng.lognormvariate(10, 1.3)) if first and rng.random() < 0.9 else None
        )
        if first and first > now:
            first = solved = None
        if solved and solved > now:
            solved = None
        tickets.append(
            {
                "id": n,
                "ref": 100_000 + n,
                "subject": f"문의 {n}",
                "subject_key": f"문의 {n}",
                "status": "solved" if solved else "open",
                "priority": "normal",
                "channel": rng.choice(CHANNELS),
                "customer_id": rng.randint(ctx["c_low"], ctx["c_high"]),
                "group_id": group,
                "assignee_id": agent,
                "created_at": created,
                "updated_at": solved or first or created,
                "first_response_at": first,
                "solved_at": solved,
                "closed_at": None,
                "last_inbound_at": created,
                "last_message_at": first or created,
                "message_count": 2 if first else 1,
                "version": 1,
                "merged_into_id": None,
                "flagged": None,
                "context": {},
            }
        )
        if solved and rng.random() < 0.3:
            kind = "csat" if rng.random() < 0.8 else "ces"
            answered = solved + timedelta(hours=rng.uniform(1, 48))
            answers.append((n, kind, tickets[-1], answered, agent, group))
    return tickets, answers


def _survey_rows(answers: list[tuple], rng: random.Random) -> list[dict]:
    from portal.feedback.days import company_day

    rows = []
    for ticket_id, kind, ticket, answered, agent, group in answers:
        score = rng.choice((5, 5, 5, 4, 4, 3, 2, 1)) if kind == "csat" else rng.randint(1, 7)
        rows.append(
            {
                "key": f"{kind}:t{ticket_id}",
                "kind": kind,
                "trigger": "ticket_solved",
                "customer_id": ticket["customer_id"],
                "ticket_id": ticket_id,
                "touchpoint": "agent",
                "agent_id": agent,
                "group_id": group,
                "channel": ticket["channel"],
                "locale": "ko",
                "created_at": ticket["solved_at"],
                "sent_at": ticket["solved_at"],
                "closes_at": ticket["solved_at"] + timedelta(days=14),
                "score": score,
                "comment": "답변이 빨랐어요" if rng.random() < 0.2 else None,
                "answered_at": answered,
                "answered_day": company_day(answered),
                "changed_at": answered,
                "followed_up": False,
            }
        )
    return rows


def generate(app: Any, total: int, days: int, seed: int = 1) -> None:
    """Insert tickets (and their surveys) up to `total`, then rebuild the report rollups."""
    from portal.extensions import db
    from portal.feedback.models import Survey
    from portal.reports import rollup
    from portal.tickets.models import Ticket

    with app.app_context():
        have = db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) or 0
        if have >= total:
            print(f"data: {have} tickets already there")
            return
        agents, groups, _ = _people(db)
        c_low, c_high = _customers(db, max(1000, total // 5))
        ctx = {
            "now": datetime.now(UTC),
            "days": days,
            "agents": agents,
            "groups": groups,
            "c_low": c_low,
            "c_high": c_high,
        }
        rng = random.Random(seed + have)
        started = time.perf_counter()
        for n0 in range(have + 1, total + 1, BATCH):
            tickets, answers = _ticket_rows(n0, min(BATCH, total + 1 - n0), rng, ctx)
            db.session.execute(sa.insert(Ticket.__table__), tickets)
            if answers:
                db.session.execute(sa.insert(Survey.__table__), _survey_rows(answers, rng))
            db.session.commit()
            print(
                f"\r  tickets {n0 + len(tickets) - 1:>9,}  ({time.perf_counter() - started:.0f} s)",
                end="",
                flush=True,
            )
        print()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("SELECT setval('tickets_id_seq', (SELECT max(id) FROM tickets))"))
        started = time.perf_counter()
        rollup.rebuild()
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        print(f"  rollups rebuilt in {time.perf_counter() - started:.0f} s")


def _timed(fn: Any, repeat: int) -> tuple[float, float]:
    fn()  # warm caches once
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]


def measure(app: Any, repeat: int) -> None:
    """Time the reports page and the summary API over several periods."""
    from portal.accounts import service as accounts
    from portal.accounts.models import User
    from portal.extensions import db
    from portal.feedback.days import today

    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.role == "admin"))
        token = accounts.issue_token(admin)
        db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": "admin@bench.example", "password": "bench-pass-1"})
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    with app.app_context():
        last = today()
    print(f"{'case':<44} {'median ms':>10} {'p95 ms':>10}")
    for days in (30, 90, 365):
        first = last - timedelta(days=days - 1)
        query = f"from={first}&to={last}"
        cases = [
            (f"GET /desk/reports ({days} days)", lambda q=query: _ok(client.get(f"/desk/reports?{q}"))),
            (
                f"GET /api/v1/reports/summary ({days} days)",
                lambda q=query: _ok(api.get(f"/api/v1/reports/summary?{q}", headers=headers)),
            ),
        ]
        for name, fn in cases:
            median, p95 = _timed(fn, repeat)
            print(f"{name:<44} {median:>10.1f} {p95:>10.1f}", flush=True)
    with app.app_context():
        group = db.session.scalar(sa.text("SELECT min(id) FROM groups"))
    median, p95 = _timed(lambda: _ok(client.get(f"/desk/reports?group={group}")), repeat)
    print(f"{'GET /desk/reports (30 days, one group)':<44} {median:>10.1f} {p95:>10.1f}")


def _ok(response: Any) -> None:
    assert response.status_code == 200, response.status_code


@contextmanager
def _postgres(keep: Path | None) -> Iterator[str]:
    """A PostgreSQL cluster of its own: throwaway, or kept in `keep` so that the data is generated once."""
    import os
    import subprocess

    from tests import servers

    folder = keep or Path(tempfile.mkdtemp(prefix="hana-bench-pg-"))
    if keep is None or not (folder / "data").exists():
        if keep is not None and folder.exists():
            shutil.rmtree(folder)
        with servers.postgres(folder) as server:
            servers.create_database(server, "bench")
    port = servers.free_port()
    pg_ctl = [str(servers.PG_BIN / "pg_ctl"), "-D", str(folder / "data"), "-w", "-l", str(folder / "log")]
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c work_mem=32MB"
    run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*run_as, *pg_ctl, "-o", options, "start"], check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://portal@127.0.0.1:{port}/bench"
    finally:
        subprocess.run([*run_as, *pg_ctl, "-m", "fast", "stop"], capture_output=True)
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", help="SQLAlchemy URL (default: SQLite in bench/out/reports)")
    parser.add_argument(
        "--pg", action="store_true", help="start a throwaway PostgreSQL cluster (needs Debian's postgresql)"
    )
    parser.add_argument("--pg-dir", help="keep the PostgreSQL cluster's data here (reused by the next run)")
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=730, help="spread tickets over this many days before now")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with ExitStack() as stack:
        url = args.db or f"sqlite:///{OUT / 'reports.db'}"
        if args.pg:
            url = stack.enter_context(_postgres(Path(args.pg_dir) if args.pg_dir else None))
        app = _app(url)
        print(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")
        generate(app, args.tickets, args.days)
        measure(app, args.repeat)


if __name__ == "__main__":
    main()

"""Fill a database with a large, realistic desk: customers with identities, tickets, messages, tags, events and
the customer timeline. Rows go in with the driver's bulk path (sqlite3 executemany, PostgreSQL COPY), with the
big tables' secondary indexes dropped during the load and rebuilt at the end, then ANALYZE.

    .venv/bin/python -m bench.generate --instance /tmp/hana-bench                   # 100k / 1M / 5M on SQLite
    .venv/bin/python -m bench.generate --instance /tmp/hana-bench --tickets 20000 --messages 100000 --customers 5000
    .venv/bin/python -m bench.generate --url postgresql+psycopg://portal@127.0.0.1:5432/bench

The schema comes from the real migrations; the agents, groups and counters from the real services.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench import rows

BULK_TABLES = ("customers", "identities", "tickets", "messages", "ticket_tags", "ticket_events", "timeline")
CHUNK = 20_000
AGENT_PASSWORD = "bench-agent-1"


def bench_app(instance: Path, url: str | None) -> Any:
    """The portal app on the benchmark database (CSRF and rate limits off: the benchmark signs in by form)."""
    from portal import create_app

    config: dict[str, Any] = {
        "PORTAL_INSTANCE": str(instance),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SMTP_URL": None,
    }
    if url:
        config["DATABASE_URL"] = url
    return create_app(config)


# ------------------------------------------------------------------ value helpers


class Writer:
    """Bulk inserts through the raw driver connection, in chunks."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect.name
        self.raw = connection.connection.driver_connection
        self.counts: dict[str, int] = {}

    def write(self, table: str, columns: tuple[str, ...], rows: Iterator[tuple]) -> None:
        """Insert every row of the iterator into `table` (columns in that order)."""
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                self._flush(table, columns, batch)
                batch = []
        if batch:
            self._flush(table, columns, batch)

    def _flush(self, table: str, columns: tuple[str, ...], batch: list[tuple]) -> None:
        self.counts[table] = self.counts.get(table, 0) + len(batch)
        if self.dialect == "sqlite":
            marks = ",".join("?" * len(columns))
            self.raw.executemany(f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})", batch)
            return
        with (
            self.raw.cursor() as cursor,
            cursor.copy(f"COPY {table} ({','.join(columns)}) FROM STDIN") as copy,
        ):
            for row in batch:
                copy.write_row(row)


def generate_tickets(writer: Writer, plan: dict, args: argparse.Namespace, rng: random.Random) -> None:
    """Tickets with their messages, tags, events and timeline entries, written table by table in one pass."""
    owners = rows.ticket_owners(args.customers, args.tickets, rng)
    counts = rows.message_counts(args.tickets, args.messages, rng)
    start = rows.NOW.timestamp() - rows.SPAN_DAYS * 86400
    step = rows.SPAN_DAYS * 86400 / max(args.tickets, 1)
    batch = rows.Batch(writer.dialect, plan)
    for index in range(args.tickets):
        ticket = rows.plan_ticket(index, owners[index], counts[index], start, step, plan, rng)
        rows.add_ticket(batch, ticket, rng)
        if len(batch.messages) >= CHUNK or index + 1 == args.tickets:
            for table, columns, waiting in batch.tables():
                if waiting:
                    writer.write(table, columns, iter(waiting))
                    waiting.clear()
        if ticket.tid % 100_000 == 0:
            print(
                f"  tickets {ticket.tid:,} / {args.tickets:,}, messages {batch.ids['message']:,}", flush=True
            )


# ------------------------------------------------------------------ set-up around the load


def setup_people(app: Any, agents: int) -> dict:
    """Agents and groups through the real services (few rows); their ids for the load."""
    from portal.accounts import service as accounts
    from portal.accounts.models import Group, User
    from portal.extensions import db

    plan: dict[str, Any] = {"emails": {}, "names": {}, "phones": {}}
    with app.app_context():
        if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
            raise SystemExit("the database is not empty: point --instance or --url at an empty one")
        users = [
            accounts.create_user(
                f"agent{i}@bench.example",
                f"Agent {i:02d}",
                password=AGENT_PASSWORD if i == 1 else None,
                role="agent",
                locale="ko",
            )
            for i in range(1, agents + 1)
        ]
        for user in users[1:]:  # hashing once is enough: every agent gets the same password
            user.password_hash = users[0].password_hash
        group_names = ("Billing", "Tech support", "Card services", "Global support", "Sales")
        for k, name in enumerate(group_names):
            members = [u.id for j, u in enumerate(users) if j % len(group_names) == k or j == 0]
            accounts.save_group(None, name=name, description="", member_ids=members)
        db.session.commit()
        plan["agents"] = [u.id for u in users]
        plan["agent_names"] = {u.id: u.name for u in users}
        plan["groups"] = list(db.session.scalars(sa.select(Group.id).order_by(Group.id)))
    return plan


def drop_indexes(connection: sa.Connection) -> list[sa.Index]:
    """Drop the secondary indexes of the big tables (rebuilt after the load: much faster than row by row)."""
    from portal.core.db import Model

    dropped = []
    for name in BULK_TABLES:
        for index in Model.metadata.tables[name].indexes:
            connection.execute(sa.text(f"DROP INDEX IF EXISTS {index.name}"))
            dropped.append(index)
    return dropped


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--instance", type=Path, default=Path("/tmp/hana-bench"), help="instance folder")
    parser.add_argument("--url", help="DATABASE_URL (default: SQLite in the instance folder)")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=5_000_000)
    parser.add_argument("--agents", type=int, default=30)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    from flask_migrate import upgrade

    from portal.extensions import db

    started = time.monotonic()
    args.instance.mkdir(parents=True, exist_ok=True)
    app = bench_app(args.instance, args.url)
    rng = random.Random(args.seed)
    with app.app_context():
        upgrade()
    plan = setup_people(app, args.agents)
    with app.app_context():
        with db.engine.begin() as connection:
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA synchronous=OFF")
            dropped = drop_indexes(connection)
            writer = Writer(connection)
            print(f"customers and identities ({args.customers:,}) …", flush=True)
            writer.write(
                "customers",
                rows.CUSTOMER_COLUMNS,
                rows.customer_rows(args.customers, rng, writer.dialect, plan),
            )
            writer.write("identities", rows.IDENTITY_COLUMNS, rows.identity_rows(plan, rng, writer.dialect))
            print(f"tickets ({args.tickets:,}) and messages (~{args.messages:,}) …", flush=True)
            generate_tickets(writer, plan, args, rng)
            print(f"rebuilding {len(dropped)} indexes …", flush=True)
            for index in dropped:
                index.create(connection)
        with db.engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM counters WHERE name = 'ticket'"))
            connection.execute(
                sa.text("INSERT INTO counters (name, value) VALUES ('ticket', :v)"),
                {"v": 1000 + args.tickets},
            )
            if connection.dialect.name == "postgresql":
                for table in ("customers", "identities", "tickets", "messages", "ticket_events", "timeline"):
                    connection.execute(
                        sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                        )
                    )
        with db.engine.connect() as connection:
            print("ANALYZE …", flush=True)
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    print(json.dumps({"rows": writer.counts, "seconds": round(time.monotonic() - started, 1)}, indent=1))


if __name__ == "__main__":
    main()

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
import hashlib
import json
import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench import corpus

BULK_TABLES = ("customers", "identities", "tickets", "messages", "ticket_tags", "ticket_events", "timeline")
CHUNK = 20_000
AGENT_PASSWORD = "bench-agent-1"
NOW = datetime.now(UTC).replace(microsecond=0)
SPAN_DAYS = 730


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


def stamp(dialect: str, epoch: float | None) -> str | None:
    """A UTC time in the form the app stores it (naive text on SQLite, with offset on PostgreSQL)."""
    if epoch is None:
        return None
    text = datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return text if dialect == "sqlite" else text + "+00"


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


# ------------------------------------------------------------------ the plan: who has how many tickets


def ticket_owners(customers: int, tickets: int, rng: random.Random) -> list[int]:
    """A customer id per ticket: most customers have a few tickets, a few have hundreds (a long tail)."""
    weights = [1.0 / (rank**0.8) for rank in range(1, customers + 1)]
    rng.shuffle(weights)
    owners = rng.choices(range(1, customers + 1), weights=weights, k=tickets)
    return owners


def message_counts(tickets: int, messages: int, rng: random.Random) -> list[int]:
    """Messages per ticket: at least one, a geometric tail, and every 5,000th ticket with exactly 50."""
    mean_extra = max(0.0, messages / max(tickets, 1) - 1)
    p = 1.0 / (1.0 + mean_extra) if mean_extra else 1.0
    counts = []
    for i in range(tickets):
        if i % 5000 == 17:
            counts.append(50)
            continue
        extra = 0
        while rng.random() > p and extra < 60:
            extra += 1
        counts.append(1 + extra)
    return counts


# ------------------------------------------------------------------ rows


def customer_rows(n: int, rng: random.Random, dialect: str, plan: dict) -> Iterator[tuple]:
    for cid in range(1, n + 1):
        name = corpus.person_name(rng)
        email = f"c{cid}.{corpus.ascii_key(name)}@{rng.choice(corpus.MAIL_DOMAINS)}"
        phone = f"+8210{rng.randrange(10000000, 99999999)}" if rng.random() < 0.6 else None
        plan["emails"][cid] = email
        plan["names"][cid] = name
        if phone:
            plan["phones"][cid] = phone
        tier = rng.choices(("standard", "silver", "gold", "vip"), weights=(85, 8, 5, 2))[0]
        created = NOW.timestamp() - rng.uniform(0, SPAN_DAYS * 86400)
        yield (
            cid,
            name,
            name.replace(" ", "").casefold(),
            email,
            phone,
            tier,
            "ko" if rng.random() < 0.8 else "en",
            "",
            "",
            stamp(dialect, created),
            stamp(dialect, created),
        )


CUSTOMER_COLUMNS = (
    "id",
    "name",
    "name_key",
    "email",
    "phone",
    "tier",
    "locale",
    "address",
    "notes",
    "created_at",
    "updated_at",
)
IDENTITY_COLUMNS = ("id", "customer_id", "kind", "value", "verified", "created_at")


def identity_rows(plan: dict, rng: random.Random, dialect: str) -> Iterator[tuple]:
    iid = 0
    when = stamp(dialect, NOW.timestamp() - SPAN_DAYS * 86400)
    for cid, email in plan["emails"].items():
        iid += 1
        yield (iid, cid, "email", email, False, when)
        if cid in plan["phones"]:
            iid += 1
            yield (iid, cid, "phone", plan["phones"][cid], False, when)
        if cid % 5 == 0:
            iid += 1
            yield (iid, cid, "chat", f"chat-{cid}", False, when)


TICKET_COLUMNS = (
    "id",
    "ref",
    "subject",
    "subject_key",
    "status",
    "priority",
    "channel",
    "customer_id",
    "group_id",
    "assignee_id",
    "created_at",
    "updated_at",
    "first_response_at",
    "solved_at",
    "last_inbound_at",
    "last_message_at",
    "message_count",
    "version",
    "context",
)
MESSAGE_COLUMNS = (
    "id",
    "ticket_id",
    "channel",
    "direction",
    "author_kind",
    "author_user_id",
    "author_customer_id",
    "author_name",
    "text",
    "external_id",
    "content_hash",
    "thread_reason",
    "delivery",
    "created_at",
    "meta",
)
TIMELINE_COLUMNS = (
    "id",
    "customer_id",
    "at",
    "kind",
    "channel",
    "ticket_id",
    "ticket_ref",
    "summary",
    "subject_type",
    "subject_id",
    "url",
)
EVENT_COLUMNS = ("id", "ticket_id", "at", "actor_id", "actor_kind", "kind", "data")
TAG_COLUMNS = ("ticket_id", "name")


def status_for(age_days: float, rng: random.Random) -> str:
    """Recent tickets are mostly being worked; old ones are solved or closed."""
    if age_days < 3:
        return rng.choices(("new", "open", "pending", "solved"), weights=(30, 40, 20, 10))[0]
    if age_days < 30:
        return rng.choices(("open", "pending", "solved", "closed"), weights=(8, 7, 45, 40))[0]
    return rng.choices(("solved", "closed"), weights=(10, 90))[0]


def generate_tickets(writer: Writer, plan: dict, args: argparse.Namespace, rng: random.Random) -> None:
    """Tickets with their messages, tags, events and timeline entries, written table by table in one pass."""
    dialect = writer.dialect
    owners = ticket_owners(args.customers, args.tickets, rng)
    counts = message_counts(args.tickets, args.messages, rng)
    # Ticket creation times rise with the id (tickets arrive over time), with jitter.
    start = NOW.timestamp() - SPAN_DAYS * 86400
    step = SPAN_DAYS * 86400 / max(args.tickets, 1)
    agents, groups = plan["agents"], plan["groups"]
    ids = {"message": 0, "timeline": 0, "event": 0}
    tickets: list[tuple] = []
    messages: list[tuple] = []
    timeline: list[tuple] = []
    events: list[tuple] = []
    tags: list[tuple] = []

    def flush() -> None:
        writer._flush("tickets", TICKET_COLUMNS, tickets) if tickets else None
        writer._flush("messages", MESSAGE_COLUMNS, messages) if messages else None
        writer._flush("timeline", TIMELINE_COLUMNS, timeline) if timeline else None
        writer._flush("ticket_events", EVENT_COLUMNS, events) if events else None
        writer._flush("ticket_tags", TAG_COLUMNS, tags) if tags else None
        for rows in (tickets, messages, timeline, events, tags):
            rows.clear()

    for index in range(args.tickets):
        tid = index + 1
        ref = 1000 + tid
        cid = owners[index]
        created = start + index * step + rng.uniform(0, step)
        created = min(created, NOW.timestamp() - 60)
        age_days = (NOW.timestamp() - created) / 86400
        status = status_for(age_days, rng)
        channel = rng.choices(corpus.CHANNELS, weights=corpus.CHANNEL_WEIGHTS)[0]
        group = rng.choice(groups)
        assignee = rng.choice(agents) if status != "new" and rng.random() < 0.85 else None
        priority = rng.choices(("low", "normal", "high", "urgent"), weights=(15, 65, 15, 5))[0]
        subject = corpus.subject(rng)
        n = counts[index]
        gap = min(age_days * 86400 / (n + 1), 6 * 3600)
        at = created
        first_response = last_inbound = None
        for m in range(n):
            ids["message"] += 1
            mid = ids["message"]
            inbound = m % 2 == 0
            internal = not inbound and rng.random() < 0.1
            direction = "inbound" if inbound else ("internal" if internal else "outbound")
            text = corpus.message_text(rng, inbound)
            agent = None if inbound else rng.choice(agents)
            external = f"<{tid}.{mid}@mail.bench>" if channel == "email" and inbound else None
            digest = hashlib.sha1(f"{mid}".encode()).hexdigest() if external else None
            if inbound:
                last_inbound = at
            elif not internal and first_response is None:
                first_response = at
            messages.append(
                (
                    mid,
                    tid,
                    channel,
                    direction,
                    "customer" if inbound else "agent",
                    agent,
                    cid if inbound else None,
                    plan["names"][cid] if inbound else plan["agent_names"][agent],
                    text,
                    external,
                    digest,
                    "new" if m == 0 else ("channel" if inbound else None),
                    None if inbound or internal else "sent",
                    stamp(dialect, at),
                    "{}",
                )
            )
            if not internal:
                ids["timeline"] += 1
                timeline.append(
                    (
                        ids["timeline"],
                        cid,
                        stamp(dialect, at),
                        "ticket" if m == 0 else "message",
                        channel,
                        tid,
                        str(ref),
                        subject if m == 0 else corpus.snippet(text),
                        "message",
                        mid,
                        f"/desk/tickets/{ref}#m{mid}",
                    )
                )
            at += rng.uniform(0.2, 1.0) * gap
        updated = min(at, NOW.timestamp())
        solved = updated if status in ("solved", "closed") else None
        tickets.append(
            (
                tid,
                ref,
                subject,
                subject.casefold(),
                status,
                priority,
                channel,
                cid,
                group,
                assignee,
                stamp(dialect, created),
                stamp(dialect, updated),
                stamp(dialect, first_response),
                stamp(dialect, solved),
                stamp(dialect, last_inbound),
                stamp(dialect, updated),
                n,
                1 + n,
                "{}",
            )
        )
        ids["event"] += 1
        events.append(
            (
                ids["event"],
                tid,
                stamp(dialect, created),
                None,
                "customer",
                "created",
                json.dumps({"channel": channel}),
            )
        )
        if status != "new":
            ids["event"] += 1
            events.append(
                (
                    ids["event"],
                    tid,
                    stamp(dialect, updated),
                    assignee,
                    "agent",
                    "status",
                    json.dumps({"from": "new", "to": status}),
                )
            )
        if rng.random() < 0.3:
            for tag in set(rng.sample(corpus.TAGS, k=rng.choice((1, 1, 2)))):
                tags.append((tid, tag))
        if len(messages) >= CHUNK:
            flush()
        if tid % 100_000 == 0:
            print(f"  tickets {tid:,} / {args.tickets:,}, messages {ids['message']:,}", flush=True)
    flush()


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
                "customers", CUSTOMER_COLUMNS, customer_rows(args.customers, rng, writer.dialect, plan)
            )
            writer.write("identities", IDENTITY_COLUMNS, identity_rows(plan, rng, writer.dialect))
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

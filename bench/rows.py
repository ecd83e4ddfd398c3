"""Rows of the benchmark's big tables, built in the column order the bulk writer inserts them in."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bench import corpus

NOW = datetime.now(UTC).replace(microsecond=0)
SPAN_DAYS = 730


def stamp(dialect: str, epoch: float | None) -> str | None:
    """A UTC time in the form the app stores it (naive text on SQLite, with offset on PostgreSQL)."""
    if epoch is None:
        return None
    text = datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return text if dialect == "sqlite" else text + "+00"


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


@dataclass
class Batch:
    """Rows of every ticket table waiting to be written, and the ids handed out so far."""

    dialect: str
    plan: dict[str, Any]
    ids: dict[str, int] = field(default_factory=lambda: {"message": 0, "timeline": 0, "event": 0})
    tickets: list[tuple] = field(default_factory=list)
    messages: list[tuple] = field(default_factory=list)
    timeline: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    tags: list[tuple] = field(default_factory=list)

    def tables(self) -> list[tuple[str, tuple[str, ...], list[tuple]]]:
        """(table, columns, rows) of what is waiting, emptied by the caller after writing."""
        return [
            ("tickets", TICKET_COLUMNS, self.tickets),
            ("messages", MESSAGE_COLUMNS, self.messages),
            ("timeline", TIMELINE_COLUMNS, self.timeline),
            ("ticket_events", EVENT_COLUMNS, self.events),
            ("ticket_tags", TAG_COLUMNS, self.tags),
        ]

    def next_id(self, kind: str) -> int:
        self.ids[kind] += 1
        return self.ids[kind]


@dataclass
class TicketPlan:
    """What one ticket is: who, when, where, its state, and how many messages."""

    tid: int
    customer: int
    created: float
    status: str
    channel: str
    group: int
    assignee: int | None
    priority: str
    subject: str
    count: int

    @property
    def ref(self) -> int:
        return 1000 + self.tid


def plan_ticket(
    index: int, owner: int, count: int, start: float, step: float, plan: dict, rng: random.Random
) -> TicketPlan:
    """Ticket number index+1: creation times rise with the id (tickets arrive over time), with jitter."""
    created = min(start + index * step + rng.uniform(0, step), NOW.timestamp() - 60)
    status = status_for((NOW.timestamp() - created) / 86400, rng)
    return TicketPlan(
        tid=index + 1,
        customer=owner,
        created=created,
        status=status,
        channel=rng.choices(corpus.CHANNELS, weights=corpus.CHANNEL_WEIGHTS)[0],
        group=rng.choice(plan["groups"]),
        assignee=rng.choice(plan["agents"]) if status != "new" and rng.random() < 0.85 else None,
        priority=rng.choices(("low", "normal", "high", "urgent"), weights=(15, 65, 15, 5))[0],
        subject=corpus.subject(rng),
        count=count,
    )


def add_messages(batch: Batch, t: TicketPlan, rng: random.Random) -> tuple[float, float | None, float | None]:
    """The ticket's conversation (customer and agents taking turns, some internal notes) and its timeline.

    Returns the time of the last message, the first public answer and the last message of the customer.
    """
    gap = min((NOW.timestamp() - t.created) / (t.count + 1), 6 * 3600)
    at, first_response, last_inbound = t.created, None, None
    for m in range(t.count):
        mid = batch.next_id("message")
        inbound = m % 2 == 0
        internal = not inbound and rng.random() < 0.1
        text = corpus.message_text(rng, inbound)
        agent = None if inbound else rng.choice(batch.plan["agents"])
        external = f"<{t.tid}.{mid}@mail.bench>" if t.channel == "email" and inbound else None
        if inbound:
            last_inbound = at
        elif not internal and first_response is None:
            first_response = at
        batch.messages.append(
            (
                mid,
                t.tid,
                t.channel,
                "inbound" if inbound else ("internal" if internal else "outbound"),
                "customer" if inbound else "agent",
                agent,
                t.customer if inbound else None,
                batch.plan["names"][t.customer] if inbound else batch.plan["agent_names"][agent],
                text,
                external,
                hashlib.sha1(f"{mid}".encode()).hexdigest() if external else None,
                "new" if m == 0 else ("channel" if inbound else None),
                None if inbound or internal else "sent",
                stamp(batch.dialect, at),
                "{}",
            )
        )
        if not internal:
            batch.timeline.append(
                (
                    batch.next_id("timeline"),
                    t.customer,
                    stamp(batch.dialect, at),
                    "ticket" if m == 0 else "message",
                    t.channel,
                    t.tid,
                    str(t.ref),
                    t.subject if m == 0 else corpus.snippet(text),
                    "message",
                    mid,
                    f"/desk/tickets/{t.ref}#m{mid}",
                )
            )
        at += rng.uniform(0.2, 1.0) * gap
    return min(at, NOW.timestamp()), first_response, last_inbound


def add_ticket(batch: Batch, t: TicketPlan, rng: random.Random) -> None:
    """One ticket with its messages, timeline, events and tags."""
    updated, first_response, last_inbound = add_messages(batch, t, rng)
    when = lambda epoch: stamp(batch.dialect, epoch)  # noqa: E731
    solved = updated if t.status in ("solved", "closed") else None
    batch.tickets.append(
        (
            t.tid,
            t.ref,
            t.subject,
            t.subject.casefold(),
            t.status,
            t.priority,
            t.channel,
            t.customer,
            t.group,
            t.assignee,
            when(t.created),
            when(updated),
            when(first_response),
            when(solved),
            when(last_inbound),
            when(updated),
            t.count,
            1 + t.count,
            "{}",
        )
    )
    created_event = json.dumps({"channel": t.channel})
    batch.events.append(
        (batch.next_id("event"), t.tid, when(t.created), None, "customer", "created", created_event)
    )
    if t.status != "new":
        change = json.dumps({"from": "new", "to": t.status})
        batch.events.append(
            (batch.next_id("event"), t.tid, when(updated), t.assignee, "agent", "status", change)
        )
    if rng.random() < 0.3:
        for tag in set(rng.sample(corpus.TAGS, k=rng.choice((1, 1, 2)))):
            batch.tags.append((t.tid, tag))

"""Server time of the agent workspace on a generated database (see bench/generate.py): every queue view's first
page, filtered pages, a ticket page with 50 messages, a full customer page, and new tickets through intake.

    .venv/bin/python -m bench.measure --instance /tmp/hana-bench [--url …] [--repeat 40]

Requests go through the Flask app (the test client, signed in as a generated agent), so the figures are the
server's own time: routing, queries, templates; no network. Prints median and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.generate import AGENT_PASSWORD, bench_app

VIEWS = ("mine", "unassigned", "groups", "open", "pending", "solved", "all")


def timed(fn: Callable[[int], Any], repeat: int, warmup: int = 3) -> tuple[list[float], list[float]]:
    """Milliseconds of each call after a few warm-up calls: wall-clock time, and this process's CPU time
    (the second is what the server itself spent, whatever else the machine was busy with)."""
    for i in range(warmup):
        fn(i)
    wall, cpu = [], []
    for i in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn(i)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def getter(client: Any, urls: list[str]) -> Callable[[int], Any]:
    def get(i: int) -> None:
        url = urls[i % len(urls)]
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")

    return get


def samples_of(app: Any) -> dict[str, Any]:
    """Tickets with 50 messages, the customers with the longest histories, an agent and a tag to filter by."""
    from portal.accounts.models import User
    from portal.extensions import db
    from portal.tickets.models import Ticket, TicketTag

    with app.app_context():
        refs = list(db.session.scalars(sa.select(Ticket.ref).where(Ticket.message_count == 50).limit(20)))
        heavy = list(
            db.session.scalars(
                sa.select(Ticket.customer_id)
                .group_by(Ticket.customer_id)
                .order_by(sa.func.count().desc())
                .limit(10)
            )
        )
        agent = db.session.scalar(sa.select(User).where(User.email == "agent1@bench.example"))
        tag = db.session.scalar(sa.select(TicketTag.name).limit(1))
        return {"refs": refs, "customers": heavy, "agent_id": agent.id if agent else None, "tag": tag}


def intake_once(app: Any, n: int, existing_email: str | None) -> None:
    """One new ticket through the one door, committed (half from known customers, half from new ones)."""
    from portal.customers.service import Hints
    from portal.extensions import db
    from portal.tickets.inbound import Inbound
    from portal.tickets.intake import receive

    with app.app_context():
        email = existing_email if (existing_email and n % 2) else f"bench-new-{time.time_ns()}@example.com"
        receive(
            Inbound(
                channel="email",
                sender=Hints(email=email, name="벤치 고객"),
                subject=f"벤치마크 문의 {n}",
                text="요금이 두 번 청구되었습니다. 확인 부탁드립니다.",
                external_id=f"<bench-{time.time_ns()}@example.com>",
                notify=False,
            )
        )
        db.session.commit()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--instance", type=Path, default=Path("/tmp/hana-bench"))
    parser.add_argument("--url", help="DATABASE_URL (default: SQLite in the instance folder)")
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=3, help="calls before measuring each case")
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    args = parser.parse_args(argv)

    app = bench_app(args.instance, args.url)
    found = samples_of(app)
    client = app.test_client()
    answer = client.post("/login", data={"email": "agent1@bench.example", "password": AGENT_PASSWORD})
    if answer.status_code != 302:
        raise SystemExit(
            "could not sign in as agent1@bench.example: generate the database with bench.generate"
        )
    cases: list[tuple[str, Callable[[int], Any]]] = [
        (f"queue view={view}", getter(client, [f"/desk/?view={view}"])) for view in VIEWS
    ]
    cases += [
        (
            "queue filtered (open, high, email)",
            getter(client, ["/desk/?view=open&priority=high&channel=email"]),
        ),
        ("queue filtered (all, tag)", getter(client, [f"/desk/?view=all&tag={found['tag']}"])),
        (
            "queue filtered (all, assignee, oldest)",
            getter(client, [f"/desk/?view=all&assignee={found['agent_id']}&sort=oldest"]),
        ),
        ("queue sorted by priority (open)", getter(client, ["/desk/?view=open&sort=priority"])),
        ("queue search by #ref", getter(client, [f"/desk/?view=all&q=%23{found['refs'][0]}"])),
        ("ticket page, 50 messages", getter(client, [f"/desk/tickets/{ref}" for ref in found["refs"]])),
        (
            "customer page (longest histories)",
            getter(client, [f"/desk/customers/{c}" for c in found["customers"]]),
        ),
    ]
    with app.app_context():
        from portal.customers.models import Customer
        from portal.extensions import db

        known = db.session.scalar(sa.select(Customer.email).where(Customer.id == found["customers"][-1]))
    cases.append(("intake: new ticket (receive + commit)", lambda i: intake_once(app, i, known)))
    form = {
        "channel": "phone",
        "email": "",
        "subject": "전화 문의",
        "text": "전화로 요금 문의",
        "priority": "normal",
    }

    def agent_form(i: int) -> None:
        response = client.post(
            "/desk/tickets/new", data={**form, "phone": f"010{70000000 + i + int(time.time()) % 1000000:08d}"}
        )
        if response.status_code != 302:
            raise SystemExit(f"new ticket form answered {response.status_code}")

    cases.append(("agent opens a ticket (form → intake)", agent_form))
    results = []
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'case':<42} {'n':>4} {'median ms':>10} {'p95 ms':>8} {'cpu median':>11} {'cpu p95':>8}")
    for name, fn in cases:
        wall, cpu = timed(fn, args.repeat, args.warmup)
        row = {
            "case": name,
            "n": len(wall),
            "median_ms": round(statistics.median(wall), 1),
            "p95_ms": round(p95(wall), 1),
            "cpu_median_ms": round(statistics.median(cpu), 1),
            "cpu_p95_ms": round(p95(cpu), 1),
        }
        results.append(row)
        print(
            f"{name:<42} {row['n']:>4} {row['median_ms']:>10} {row['p95_ms']:>8}"
            f" {row['cpu_median_ms']:>11} {row['cpu_p95_ms']:>8}",
            flush=True,
        )
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

"""Throughput and latency of automatic catalog requests, end to end.

The portal runs in this process behind a real HTTP server (werkzeug, threaded); the worker runs as its own
process (`flask --app portal worker`, Huey as in `make run`); an automatic item calls a webhook served by a small
local HTTP server. Clients file requests through the JSON API from several threads, then the script waits until
every request is fulfilled and prints:

- requests per second: requests filed / (last fulfilment − first filing);
- submit → fulfilled, from the requests' own stored times: median and p95;
- the API's answer time for filing: median and p95.

    .venv/bin/python -m bench.catalog_auto --requests 200 --clients 8 --workers 4
    .venv/bin/python -m bench.catalog_auto --requests 60 --rate 2          # latency below saturation
    DATABASE_URL=postgresql+psycopg://… .venv/bin/python -m bench.catalog_auto
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-webhook-secret-0123456789"


def start_webhook(delay: float) -> tuple[ThreadingHTTPServer, str]:
    """A stand-in for the company's system: answers a JSON report after `delay` seconds."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            time.sleep(delay)
            body = json.dumps(
                {"status": "blocked", "report_no": self.headers.get("Idempotency-Key", "")[:12]}
            )
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/lost"


def setup(settings: dict[str, Any], webhook_url: str) -> tuple[Any, str]:
    """The app with its schema, an automatic webhook item, and a customer's API token."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.accounts import service as accounts
    from portal.catalog import service as catalog
    from portal.extensions import db

    app = create_app(settings)
    with app.app_context():
        upgrade()
        user = accounts.create_user("bench@example.com", "벤치", password="bench-password-1", role="customer")
        catalog.save_item(None, {
            "slug": "bench-lost-card", "names": {"ko": "카드 분실 신고", "en": "Lost card"}, "audience": "customers",
            "fields": [{"name": "card_last4", "type": "text", "label": "Last 4", "required": True, "pattern": "[0-9]{4}"}],
            "fulfilment": {"kind": "auto", "action": "webhook", "config": {
                "url": webhook_url, "secret": SECRET, "timeout_seconds": 10, "result_fields": "report_no"}},
        })  # fmt: skip
        token = accounts.issue_token(user)
        db.session.commit()
    return app, token


def serve(app: Any) -> tuple[Any, str]:
    """The portal on a real, threaded HTTP server."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def start_worker(env: dict[str, str], workers: int) -> subprocess.Popen:
    """The background worker, as `make run` starts it."""
    flask = str(Path(sys.executable).parent / "flask")
    return subprocess.Popen(
        [flask, "--app", "portal", "worker", "--workers", str(workers)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def file_requests(
    base: str, token: str, count: int, clients: int, rate: float, first: int = 0
) -> list[float]:
    """File `count` requests from `clients` threads (at most `rate` a second when given); answer times in s."""
    headers = {"Authorization": f"Bearer {token}"}
    start = time.monotonic()

    def one(n: int) -> float:
        if rate:
            time.sleep(max(0.0, start + (n - first) / rate - time.monotonic()))
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            started = time.perf_counter()
            answer = client.post(
                "/api/v1/catalog/items/bench-lost-card/requests",
                json={"fields": {"card_last4": f"{n % 10000:04d}"}},
                headers={"Idempotency-Key": f"bench-{n}"},
            )
            if answer.status_code not in (200, 201):
                raise SystemExit(f"filing failed: {answer.status_code} {answer.text[:300]}")
            return time.perf_counter() - started

    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(one, range(first, first + count)))


def wait_until_done(app: Any, count: int, timeout: float, after_id: int = 0) -> list[tuple[Any, Any, str]]:
    """Every request's (created_at, fulfilled_at, state) past `after_id`, once none is still open."""
    import sqlalchemy as sa

    from portal.catalog.models import CatalogRequest
    from portal.extensions import db

    deadline = time.monotonic() + timeout
    while True:
        with app.app_context():
            rows = db.session.execute(
                sa.select(CatalogRequest.created_at, CatalogRequest.fulfilled_at, CatalogRequest.state).where(
                    CatalogRequest.id > after_id
                )
            ).all()
        if len(rows) >= count and all(r.state not in ("submitted", "in_progress") for r in rows):
            return rows
        if time.monotonic() > deadline:
            raise SystemExit(
                f"not done after {timeout} s: {sum(r.state == 'fulfilled' for r in rows)}/{count}"
            )
        time.sleep(0.2)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="worker threads")
    parser.add_argument("--webhook-delay", type=float, default=0.02, help="seconds the webhook takes")
    parser.add_argument(
        "--rate", type=float, default=0, help="requests filed per second (0: as fast as possible)"
    )
    args = parser.parse_args(argv)

    instance = Path(tempfile.mkdtemp(prefix="hana-bench-catalog-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'portal.db'}"
    settings = {"PORTAL_INSTANCE": str(instance), "DATABASE_URL": url, "RATELIMIT_ENABLED": False}
    webhook, webhook_url = start_webhook(args.webhook_delay)
    app, token = setup(settings, webhook_url)
    portal, base = serve(app)
    env = {**os.environ, "PORTAL_INSTANCE": str(instance), "DATABASE_URL": url}
    worker = start_worker(env, args.workers)
    try:
        file_requests(base, token, 1, 1, 0)  # the worker is up and warm before the clock starts
        wait_until_done(app, 1, timeout=120)
        answers = file_requests(base, token, args.requests, args.clients, args.rate, first=1)
        rows = wait_until_done(app, args.requests, timeout=max(120, args.requests), after_id=1)
    finally:
        worker.terminate()
        worker.wait(10)
        portal.shutdown()
        webhook.shutdown()
    done = [r for r in rows if r.state == "fulfilled"]
    latencies = [(r.fulfilled_at - r.created_at).total_seconds() for r in done]
    span = (max(r.fulfilled_at for r in done) - min(r.created_at for r in rows)).total_seconds()
    backend = url.split(":", 1)[0]
    pace = f"{args.rate:g}/s" if args.rate else "as fast as possible"
    print(f"catalog auto requests, {backend}, {args.requests} requests ({pace}), {args.clients} clients, "
          f"{args.workers} workers")  # fmt: skip
    print(f"  fulfilled: {len(done)}/{len(rows)}")
    print(f"  throughput: {len(done) / span:.1f} requests/s (first filing to last fulfilment: {span:.2f} s)")
    print(
        f"  submit -> fulfilled: median {statistics.median(latencies):.3f} s, p95 {percentile(latencies, 0.95):.3f} s"
    )
    print(
        f"  API answer (filing): median {statistics.median(answers) * 1000:.0f} ms, p95 {percentile(answers, 0.95) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()

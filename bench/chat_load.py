"""Live chat under load: N concurrent chat sessions against the portal served by gunicorn with the project's
configuration (portal/gunicorn_conf.py), measuring message delivery latency (median, p95) and messages per second.

Each session is a guest chat (started through the API, handed to a person) whose customer long-polls its events;
agents (one per --per-agent sessions) each long-poll their console (/desk/chats/poll) for all their chats, as the
real console does. Every session sends a message each --interval seconds, alternately from the agent (API, bearer
token) and from the customer (API, the chat's key). Latency is measured from just before the POST to the moment
the other side's long-poll hands the message over. The load generator runs on the same machine (asyncio, one
process), so it competes with the server for the CPU.

    .venv/bin/python -m bench.chat_load --sessions 200 --duration 60
    .venv/bin/python -m bench.chat_load --sessions 200 --redis            # fan-out through Redis pub/sub
    .venv/bin/python -m bench.chat_load --database-url postgresql+psycopg://…   # an empty PostgreSQL database
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(instance: Path, url: str, agents: int) -> list[dict[str, str]]:
    """Migrate the database and create the agents (with an API token and a password each)."""
    os.environ["PORTAL_INSTANCE"] = str(instance)
    from flask_migrate import upgrade

    from portal import create_app
    from portal.accounts import service as accounts
    from portal.channels.chat import agents as chat_agents
    from portal.extensions import db

    app = create_app(
        {"PORTAL_INSTANCE": str(instance), "DATABASE_URL": url, "SECRET_KEY": "bench-" + "x" * 32}
    )
    people = []
    with app.app_context():
        upgrade()
        for n in range(agents):
            user = accounts.create_user(
                f"bench-agent-{n}@example.com", f"Agent {n}", password="bench-pass-1", role="agent"
            )
            chat_agents.set_presence(user, "online")
            people.append({"email": user.email, "token": accounts.issue_token(user)})
        db.session.commit()
        db.engine.dispose()
    return people


def start_server(instance: Path, url: str, port: int, redis_url: str | None) -> subprocess.Popen:
    """gunicorn with the project's configuration (workers and threads from portal/gunicorn_conf.py)."""
    (instance / "config.py").write_text(
        "RATELIMIT_ENABLED = False\nCHAT_RATE_PER_MINUTE = 1000\nCHAT_BURST = 1000\n"
    )
    env = {
        **os.environ,
        "PORTAL_INSTANCE": str(instance),
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-" + "x" * 32,
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "portal" / "gunicorn_conf.py"),
         "--bind", f"127.0.0.1:{port}", "--access-logfile", os.environ.get("BENCH_ACCESS_LOG", "/dev/null"),
         "--access-logformat", '%(r)s %(s)s %(L)s', "portal:create_app()"],
        cwd=ROOT, env=env, stderr=(instance / "gunicorn.log").open("w"),
    )  # fmt: skip


class Bench:
    """The sessions, what was sent when, and how long each message took to arrive."""

    def __init__(self, base: str, args: argparse.Namespace) -> None:
        self.base = base
        self.args = args
        self.sent: dict[str, float] = {}
        self.latencies: list[float] = []
        self.errors = 0
        self.post_times: list[float] = []
        self.loop_lag: list[float] = []
        self.stop_at = 0.0
        self.measuring = False
        limits = httpx.Limits(max_connections=2000, max_keepalive_connections=2000)
        self.http = httpx.AsyncClient(base_url=base, timeout=60, limits=limits)

    def received(self, text: str) -> None:
        match = re.search(r"\[bench:(\w+)\]", text)
        if match and match.group(1) in self.sent:
            started = self.sent.pop(match.group(1))
            if self.measuring:
                self.latencies.append(time.monotonic() - started)

    async def start_chat(self, n: int) -> dict[str, Any]:
        response = await self.http.post(
            "/api/v1/chats",
            json={
                "text": f"bench session {n} needs a person",
                "customer_email": f"bench{n}@example.com",
                "customer_name": f"Bench {n}",
            },
        )
        response.raise_for_status()
        body = response.json()
        return {"id": body["id"], "key": {"X-Chat-Token": body["token"]}, "seq": body["last_seq"]}

    async def send(self, chat: dict[str, Any], headers: dict[str, str], who: str) -> None:
        tag = f"{chat['id']}x{random.getrandbits(40):x}"
        self.sent[tag] = time.monotonic()
        try:
            response = await self.http.post(
                f"/api/v1/chats/{chat['id']}/messages",
                headers=headers,
                json={"text": f"{who} says hello [bench:{tag}]", "client_id": f"b-{tag}"},
            )
            if self.measuring:
                self.post_times.append(time.monotonic() - self.sent.get(tag, time.monotonic()))
            if response.status_code != 201:
                self.errors += 1
        except httpx.HTTPError:
            self.errors += 1

    async def customer_poll(self, chat: dict[str, Any]) -> None:
        while time.monotonic() < self.stop_at:
            try:
                response = await self.http.get(
                    f"/api/v1/chats/{chat['id']}/messages",
                    params={"after": chat["seq"], "wait": 20},
                    headers=chat["key"],
                )
                for item in response.json()["items"]:
                    chat["seq"] = max(chat["seq"], item["seq"])
                    if item["author"]["kind"] == "agent":
                        self.received(item["text"])
            except (httpx.HTTPError, ValueError, KeyError):
                self.errors += 1
                await asyncio.sleep(0.5)

    async def agent_poll(self, agent: dict[str, Any]) -> None:
        version = -1
        while time.monotonic() < self.stop_at:
            wanted = ",".join(f"{c['id']}:{c['agent_seq']}" for c in agent["chats"])
            try:
                response = await agent["http"].get(
                    "/desk/chats/poll", params={"v": version, "c": wanted, "wait": 20}
                )
                body = response.json()
                version = body["v"]
                for chat in agent["chats"]:
                    for item in body["events"].get(str(chat["id"]), []):
                        chat["agent_seq"] = max(chat["agent_seq"], item["seq"])
                        if item["author"]["kind"] == "customer":
                            self.received(item["text"])
            except (httpx.HTTPError, ValueError, KeyError):
                self.errors += 1
                await asyncio.sleep(0.5)

    async def watch_loop(self) -> None:
        """How late the load generator's own event loop runs (it shares the CPU with the server)."""
        while time.monotonic() < self.stop_at:
            before = time.monotonic()
            await asyncio.sleep(0.1)
            if self.measuring:
                self.loop_lag.append(time.monotonic() - before - 0.1)

    async def talk(self, chat: dict[str, Any], agent: dict[str, Any]) -> None:
        await asyncio.sleep(random.uniform(0, self.args.interval))
        turn = 0
        while time.monotonic() < self.stop_at - 1:
            if turn % 2 == 0:
                await self.send(chat, agent["auth"], "agent")
            else:
                await self.send(chat, chat["key"], "customer")
            turn += 1
            await asyncio.sleep(self.args.interval)


async def sign_in(base: str, email: str) -> httpx.AsyncClient:
    """A cookie session through the real sign-in form (the console's long-poll is a page of the workspace)."""
    client = httpx.AsyncClient(base_url=base, timeout=60)
    page = (await client.get("/login")).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    response = await client.post(
        "/login",
        data={"email": email, "password": "bench-pass-1", "csrf_token": token.group(1) if token else ""},
    )
    assert response.status_code == 302, response.text[:300]
    return client


async def run(base: str, people: list[dict[str, str]], args: argparse.Namespace) -> None:
    bench = Bench(base, args)
    chats = []
    for start in range(0, args.sessions, 20):
        chats += await asyncio.gather(
            *(bench.start_chat(n) for n in range(start, min(args.sessions, start + 20)))
        )
    agents = []
    for person in people:
        agents.append(
            {
                "auth": {"Authorization": f"Bearer {person['token']}"},
                "http": await sign_in(base, person["email"]),
                "chats": [],
            }
        )
    for n, chat in enumerate(chats):
        agents[n % len(agents)]["chats"].append(chat)
        chat["agent_seq"] = 0
    for start in range(0, len(chats), 20):  # the agents' first words take the chats
        batch = list(enumerate(chats))[start : start + 20]
        await asyncio.gather(*(bench.send(c, agents[n % len(agents)]["auth"], "agent") for n, c in batch))
    bench.sent.clear()
    bench.stop_at = time.monotonic() + args.warmup + args.duration
    tasks = [asyncio.create_task(bench.customer_poll(c)) for c in chats]
    tasks += [asyncio.create_task(bench.agent_poll(a)) for a in agents]
    tasks += [asyncio.create_task(bench.talk(c, agents[n % len(agents)])) for n, c in enumerate(chats)]
    tasks.append(asyncio.create_task(bench.watch_loop()))
    await asyncio.sleep(args.warmup)
    bench.measuring = True
    await asyncio.sleep(max(0.0, bench.stop_at - time.monotonic()))
    bench.measuring = False
    report(bench, args, args.duration)
    await asyncio.gather(*tasks)  # the last long-polls come back
    for agent in agents:
        await agent["http"].aclose()
    await bench.http.aclose()


def report(bench: Bench, args: argparse.Namespace, elapsed: float) -> None:
    lat = sorted(bench.latencies)
    if not lat:
        print("no message was delivered")
        return
    p95 = lat[min(len(lat) - 1, int(len(lat) * 0.95))]
    print(
        f"sessions: {args.sessions}   agents: {-(-args.sessions // args.per_agent)}   fan-out: {'redis' if args.redis else 'database'}"
    )
    print(f"messages delivered: {len(lat)} in {elapsed:.1f} s = {len(lat) / elapsed:.1f} messages/s")
    print(
        f"delivery latency: median {statistics.median(lat) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms"
    )
    posts = sorted(bench.post_times) or [0.0]
    print(
        f"sending (POST until stored and answered): median {statistics.median(posts) * 1000:.0f} ms, "
        f"p95 {posts[int(len(posts) * 0.95)] * 1000:.0f} ms"
    )
    lag = sorted(bench.loop_lag) or [0.0]
    print(
        f"load generator's loop lag: median {statistics.median(lag) * 1000:.0f} ms, p95 {lag[int(len(lag) * 0.95)] * 1000:.0f} ms"
    )
    print(f"errors: {bench.errors}, still in flight at the end: {len(bench.sent)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--per-agent", type=int, default=10, help="chats per agent console")
    parser.add_argument("--interval", type=float, default=4.0, help="seconds between one session's messages")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds measured")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--database-url", help="an empty database (default: SQLite in a temporary folder)")
    parser.add_argument("--redis", action="store_true", help="start a redis-server and set REDIS_URL")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="hana-chat-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    people = prepare(folder, url, -(-args.sessions // args.per_agent))
    redis = None
    redis_url = None
    if args.redis:
        redis_port = free_port()
        redis = subprocess.Popen(
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        redis_url = f"redis://127.0.0.1:{redis_port}/0"
    port = free_port()
    server = start_server(folder, url, port, redis_url)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise SystemExit(
                        "the server did not start; see " + str(folder / "gunicorn.log")
                    ) from None
                time.sleep(0.2)
        asyncio.run(run(base, people, args))
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
        if redis is not None:
            redis.terminate()
            redis.wait()


if __name__ == "__main__":
    main()

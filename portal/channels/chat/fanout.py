"""Real-time fan-out: wake the requests that wait for a chat's next event, in this process and in every other.

Events are stored first; what travels is only "chat 12 now has event 37" (or "the agents' queue changed"), after
the transaction committed. A waiting request registers before it reads the database, so nothing committed after
its read can slip by, and it always re-reads the events themselves: a lost or duplicated notice costs at most a
little latency, never a message.

- In this process, the commit wakes the waiters at once.
- Across processes, by default, one watcher thread per process reads the newest numbers of the chats someone here
  waits on, every CHAT_POLL_INTERVAL seconds (one indexed query whatever the number of waiters).
- With REDIS_URL, commits are published on Redis and one subscriber thread per process wakes its waiters; the
  database watcher keeps running every CHAT_SAFETY_INTERVAL seconds in case a notice was lost.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

QUEUE = -1  # the key of the agents' queue (its version is the "chat_queue" counter)
CHANNEL = "hana:chat"


class Waiter:
    """One waiting request: woken when a key it listens to passes the number it last read."""

    __slots__ = ("event", "baselines")

    def __init__(self, keys: Iterable[int]) -> None:
        self.event = threading.Event()
        self.baselines: dict[int, int | None] = dict.fromkeys(keys)

    def expect(self, key: int, value: int) -> None:
        """The number read from the database for `key`: only a higher one wakes this waiter."""
        self.baselines[key] = value

    def wait(self, timeout: float) -> bool:
        """Block until woken or the timeout; True when woken."""
        return self.event.wait(max(0.0, timeout))


class Hub:
    """The waiters of one app in this process, and the threads that wake them."""

    def __init__(self, app: Flask) -> None:
        self.mode = fanout_mode(app.config)
        self.poll_interval = float(app.config["CHAT_POLL_INTERVAL"])
        if self.mode == "redis":
            self.poll_interval = float(app.config["CHAT_SAFETY_INTERVAL"])
        self.url = app.config["SQLALCHEMY_DATABASE_URI"]
        self.redis_url = app.config.get("REDIS_URL")
        self._lock = threading.Lock()
        self._waiters: dict[int, set[Waiter]] = {}
        self._started = False
        self._has_waiters = threading.Event()
        self._redis: Any = None

    # ---------------------------------------------------------------- waiting

    def listen(self, keys: Iterable[int]) -> Waiter:
        """Register a waiter before reading the database (so that nothing committed afterwards is missed)."""
        waiter = Waiter(keys)
        with self._lock:
            for key in waiter.baselines:
                self._waiters.setdefault(key, set()).add(waiter)
        self._start()
        self._has_waiters.set()
        return waiter

    def release(self, waiter: Waiter) -> None:
        """Forget a waiter that returned."""
        with self._lock:
            for key in waiter.baselines:
                waiters = self._waiters.get(key)
                if waiters is not None:
                    waiters.discard(waiter)
                    if not waiters:
                        del self._waiters[key]

    def wake(self, key: int, value: int) -> None:
        """`key` now has number `value` committed: wake those who read less (or have not read yet)."""
        with self._lock:
            waiters = list(self._waiters.get(key, ()))
        for waiter in waiters:
            seen = waiter.baselines.get(key)
            if seen is None or value > seen:
                waiter.event.set()

    def watched(self) -> dict[int, int]:
        """The lowest number any waiter read, per key (keys nobody has read yet are left out)."""
        with self._lock:
            result: dict[int, int] = {}
            for key, waiters in self._waiters.items():
                seen = [w.baselines.get(key) for w in waiters]
                known = [s for s in seen if s is not None]
                if known:
                    result[key] = min(known)
            return result

    # ---------------------------------------------------------------- publishing

    def publish(self, changes: dict[int, int]) -> None:
        """After a commit: wake this process's waiters, and the other processes' through Redis."""
        for key, value in changes.items():
            self.wake(key, value)
        if self.mode != "redis":
            return
        try:
            client = self._redis_client()
            payload = " ".join(f"{key}:{value}" for key, value in changes.items())
            client.publish(CHANNEL, payload)
        except Exception:  # Redis down: the database watcher delivers, later
            log.warning("chat: could not publish on Redis", exc_info=True)

    def _redis_client(self) -> Any:
        if self._redis is None:
            import redis

            self._redis = redis.Redis.from_url(self.redis_url, socket_timeout=2, socket_connect_timeout=2)
        return self._redis

    # ---------------------------------------------------------------- background threads

    def _start(self) -> None:
        if self._started:
            return
        with self._lock:
            if self._started:
                return
            self._started = True
        if self.mode == "local":
            return
        threading.Thread(target=self._watch_database, name="chat-db-watch", daemon=True).start()
        if self.mode == "redis":
            threading.Thread(target=self._watch_redis, name="chat-redis-watch", daemon=True).start()

    def _watch_database(self) -> None:
        from portal.core.db import init_engine_events
        from portal.settings import engine_options

        engine = sa.create_engine(self.url, **engine_options(self.url), pool_size=1, max_overflow=1)
        init_engine_events(engine)
        while True:
            try:
                self._has_waiters.wait()
                watched = self.watched()
                if not watched:
                    if not self._waiters:
                        self._has_waiters.clear()
                    time.sleep(self.poll_interval)
                    continue
                for key, value in read_numbers(engine, list(watched)).items():
                    self.wake(key, value)
            except Exception:
                log.warning("chat: database watcher failed; retrying", exc_info=True)
                time.sleep(1)
            time.sleep(self.poll_interval)

    def _watch_redis(self) -> None:
        import redis

        while True:
            try:
                client = redis.Redis.from_url(
                    self.redis_url, socket_connect_timeout=2, health_check_interval=30
                )
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(CHANNEL)
                for message in pubsub.listen():
                    for pair in message["data"].decode().split():
                        key, _, value = pair.partition(":")
                        self.wake(int(key), int(value))
            except Exception:
                log.warning("chat: Redis subscription lost; reconnecting", exc_info=True)
                time.sleep(1)


def read_numbers(engine: sa.Engine, keys: list[int]) -> dict[int, int]:
    """The committed newest event number of each chat (and the queue version) in one round trip each."""
    from portal.channels.chat.models import Chat
    from portal.core.db import Counter

    result: dict[int, int] = {}
    chat_ids = [k for k in keys if k != QUEUE]
    with engine.connect() as conn:
        for start in range(0, len(chat_ids), 500):
            chunk = chat_ids[start : start + 500]
            rows = conn.execute(sa.select(Chat.id, Chat.last_seq).where(Chat.id.in_(chunk)))
            result.update({chat_id: seq for chat_id, seq in rows})
        if QUEUE in keys:
            value = conn.execute(sa.select(Counter.value).where(Counter.name == "chat_queue")).scalar()
            result[QUEUE] = int(value or 0)
    return result


def fanout_mode(config: Any) -> str:
    """local (one process only), database or redis; "auto" picks Redis when REDIS_URL is set."""
    mode = config.get("CHAT_FANOUT", "auto")
    if mode == "auto":
        return "redis" if config.get("REDIS_URL") else "database"
    return mode


def hub_for(app: Flask) -> Hub:
    """This app's hub in this process (created on first use, after gunicorn forked)."""
    hub = app.extensions.get("chat_hub")
    if hub is None:
        hub = app.extensions.setdefault("chat_hub", Hub(app))
    return hub


def changed(session: Session, key: int, value: int) -> None:
    """Note, inside a transaction, that `key` reached `value`: waiters are woken once it commits."""
    pending = session.info.setdefault("chat_publish", {})
    pending[key] = max(value, pending.get(key, 0))


def _after_commit(session: Session) -> None:
    changes = session.info.pop("chat_publish", None)
    if changes:
        hub_for(current_app._get_current_object()).publish(changes)  # type: ignore[attr-defined]


def _after_rollback(session: Session) -> None:
    session.info.pop("chat_publish", None)


_installed = False


def install(session_class: type[Session]) -> None:
    """Connect the commit hooks once per process."""
    global _installed
    if _installed:
        return
    sa.event.listen(session_class, "after_commit", _after_commit)
    sa.event.listen(session_class, "after_soft_rollback", lambda s, _t: _after_rollback(s))
    _installed = True

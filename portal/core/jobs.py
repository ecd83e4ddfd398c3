"""The task queue: Huey, on SQLite in the instance folder by default and on Redis when REDIS_URL is set.

Domains declare tasks in their tasks.py with @job or @periodic_job: each run gets an application context and
its own database session, and commits once at the end (or rolls back and lets Huey retry).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.storage import RedisStorage, SqliteStorage

log = logging.getLogger(__name__)

# Starts in immediate mode (memory storage) so that importing tasks never touches a queue; init_app binds it.
huey = Huey("portal", immediate=True, utc=True)
_worker_app: Flask | None = None


def init_app(app: Flask) -> None:
    """Point the queue at this app's storage; tests run jobs in-process with JOBS_IMMEDIATE."""
    global _worker_app
    _worker_app = app
    if app.config["JOBS_IMMEDIATE"]:
        huey.immediate = True
        return
    if app.config.get("REDIS_URL"):
        huey.storage_class = RedisStorage
        huey.storage_kwargs = {"url": app.config["REDIS_URL"]}
    else:
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": str(app.instance_path + "/jobs.db"), "timeout": 30}
    huey._immediate = False
    huey.storage = huey.create_storage()


def _app_for_job() -> Flask:
    if has_app_context():  # immediate mode: the request or command that enqueued it
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if _worker_app is None:
        raise RuntimeError("no app bound to the task queue; run `portal worker`")
    return _worker_app


def _in_app(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        from portal.extensions import db

        app = _app_for_job()
        with app.app_context():
            try:
                result = fn(*args, **kwargs)
                db.session.commit()
                return result
            except Exception:
                db.session.rollback()
                raise

    return run


def job(*, retries: int = 3, retry_delay: int = 5, name: str | None = None) -> Callable[..., Any]:
    """Declare a background task: takes ids, is idempotent, commits once, retried on failure."""

    def decorator(fn: Callable[..., Any]) -> Any:
        return huey.task(
            retries=retries, retry_delay=retry_delay, name=name or f"{fn.__module__}.{fn.__name__}"
        )(_in_app(fn))

    return decorator


def periodic_job(schedule: Callable[..., bool], *, name: str | None = None) -> Callable[..., Any]:
    """Declare a task the worker runs on a schedule (huey.crontab)."""

    def decorator(fn: Callable[..., Any]) -> Any:
        return huey.periodic_task(schedule, name=name or f"{fn.__module__}.{fn.__name__}")(_in_app(fn))

    return decorator


def run_worker(app: Flask, workers: int) -> None:
    """Run the consumer in this process until stopped (the `worker` command)."""
    from huey.consumer import Consumer

    init_app(app)
    if huey.immediate:
        raise RuntimeError("JOBS_IMMEDIATE is set; the worker has nothing to consume")
    # Idle workers poll at most every JOBS_POLL_MAX_DELAY seconds (Huey's default backs off to 10 s, too slow for
    # "searchable within 5 s of a change").
    consumer = Consumer(
        huey,
        workers=workers,
        worker_type="thread",
        periodic=True,
        check_worker_health=True,
        max_delay=float(app.config.get("JOBS_POLL_MAX_DELAY", 0.5)),
    )
    consumer.run()

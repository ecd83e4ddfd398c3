"""With the real worker running (a `worker` process on Huey's SQLite queue), a change is searchable within 5 s."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portal.core import jobs
from tests import conftest as base

pytestmark = pytest.mark.slow


def _wait_for(fn, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if fn():
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"not searchable after {timeout} s")


@pytest.fixture()
def queued_app(app, tmp_path):
    """An app whose jobs go through Huey's SQLite queue (as in production) instead of running inline."""
    settings = base.test_settings(tmp_path, f"sqlite:///{tmp_path / 'worker.db'}", JOBS_IMMEDIATE=False)
    worker_app = base.make_app(settings)
    yield worker_app, settings
    jobs.init_app(app)  # the other tests run jobs inline again


@pytest.fixture()
def worker(queued_app):
    worker_app, settings = queued_app
    env = {
        **os.environ,
        "PORTAL_INSTANCE": settings["PORTAL_INSTANCE"],
        "DATABASE_URL": settings["DATABASE_URL"],
        "SECRET_KEY": settings["SECRET_KEY"],
    }
    log = open(Path(settings["PORTAL_INSTANCE"]) / "worker.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "portal", "worker", "--workers", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield worker_app
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def test_a_change_is_searchable_within_five_seconds(worker):
    from portal.extensions import db
    from portal.knowledge import service as knowledge
    from portal.search import service

    with worker.app_context():
        knowledge.create_article(None, title="준비 운동", body="첫 작업", status="published")
        db.session.commit()
        # The first job waits for the worker to start and load the Korean model; not part of the promise.
        _wait_for(lambda: service.search("준비 운동").total > 0, 120)

        article = knowledge.create_article(
            None, title="환불받고 싶어요", body="환불 신청 방법", status="published"
        )
        db.session.commit()
        took = _wait_for(
            lambda: [h.id for h in service.search("환불").groups.get("article", [])] == [article.id], 10
        )
        assert took < 5, f"searchable after {took:.2f} s"

        knowledge.update_article(article, None, title="환불 신청 안내")
        db.session.commit()
        took = _wait_for(
            lambda: (
                [h.title for h in service.search("신청 안내").groups.get("article", [])][:1]
                == ["환불 신청 안내"]
            ),
            10,
        )
        assert took < 5, f"edit searchable after {took:.2f} s"

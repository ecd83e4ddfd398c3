"""The real worker (Huey consumer in its own process) delivers what the web app committed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import database_url, make_app, test_settings


def test_a_separate_worker_process_sends_committed_mail(tmp_path: Path, app, db_kind, pg_server, smtp_sink):
    main_app = app
    url = database_url(db_kind, pg_server, tmp_path, "portal_worker")
    app = make_app(test_settings(tmp_path, url, JOBS_IMMEDIATE=False, SMTP_URL=smtp_sink.url))
    smtp_sink.clear()
    from portal.core import mail
    from portal.core.outbox import OutboxEvent
    from portal.extensions import db

    with app.app_context():
        mail.queue(db.session, "worker@example.com", "워커 테스트", "본문")
        db.session.commit()
        assert smtp_sink.messages == []  # nothing is sent from the web process
    env = {
        **os.environ,
        "PORTAL_INSTANCE": str(tmp_path),
        "DATABASE_URL": url,
        "SMTP_URL": smtp_sink.url,
        "SECRET_KEY": app.config["SECRET_KEY"],
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "portal", "worker", "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        mails = smtp_sink.wait_for(1, timeout=60)
        assert mails[0]["Subject"] == "워커 테스트"
        deadline = time.monotonic() + 10
        with app.app_context():
            while time.monotonic() < deadline:
                state = db.session.scalar(sa.select(OutboxEvent.state))
                db.session.rollback()
                if state == "done":
                    break
                time.sleep(0.1)
            assert state == "done"
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        from portal.core import jobs

        jobs.init_app(
            main_app
        )  # the queue is one object per process: back to in-process jobs for other tests

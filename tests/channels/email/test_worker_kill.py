"""The real worker (`flask worker`, Huey) is killed with SIGKILL in the middle of a poll; after a restart every
message is in exactly once and marked seen on the server: nothing lost, nothing duplicated."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.channels.email.conftest import build
from tests.conftest import database_url

pytestmark = pytest.mark.slow
MESSAGES = 40
ROOT = Path(__file__).resolve().parents[3]
SETUP = """
from portal import create_app
from portal.channels.email import service
from portal.channels.email.tasks import poll_mailbox
from portal.extensions import db
app = create_app()
with app.app_context():
    box = service.save_mailbox(None, dict(name="Kill", address="{user}", host="127.0.0.1", port={port},
        security="none", username="{user}", password="secret", folder="INBOX", move_to="", enabled=True))
    db.session.commit()
    print(box.id)
"""
ENQUEUE = """
from portal import create_app
from portal.channels.email.tasks import poll_mailbox
app = create_app()
with app.app_context():
    poll_mailbox({box})
"""


def _env(folder: Path, url: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "DATABASE_", "SMTP_", "REDIS_"))
    }
    env.update(PORTAL_INSTANCE=str(folder), DATABASE_URL=url, SECRET_KEY="kill-test-secret-" + "k" * 20)
    env["MAIL_ADDRESSES"] = "support@hana.example"
    return env


def _run(code: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    flask = str(Path(sys.executable).parent / "flask")
    return subprocess.Popen(
        [flask, "--app", "portal", "worker", "--workers", "1"],
        env=env,
        cwd=ROOT,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _counts(engine: sa.Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        logged = conn.execute(sa.text("select count(*) from mail_log")).scalar()
        done = conn.execute(sa.text("select count(*) from mail_log where server_done")).scalar()
    return int(logged or 0), int(done or 0)


def _wait(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_killing_the_worker_mid_poll_loses_and_duplicates_nothing(tmp_path, dovecot, db_kind, pg_server):
    folder = tmp_path / "instance"
    folder.mkdir()
    (folder / "config.py").write_text("MAIL_POLL_LEASE_SECONDS = 2\n")
    url = database_url(db_kind, pg_server, tmp_path, "kill_test")
    env = _env(folder, url)
    subprocess.run(
        [str(Path(sys.executable).parent / "flask"), "--app", "portal", "db", "upgrade"],
        env=env, cwd=ROOT, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    user = dovecot.account()
    filler = "가나다라마바사 " * 4000  # some weight per message, so that a poll takes a while
    dovecot.append(
        user,
        *[
            build(sender=f"k{i}@example.kr", subject=f"kill {i}", text=f"{i} {filler}")
            for i in range(MESSAGES)
        ],
    )
    box = _run(SETUP.format(user=user, port=dovecot.port), env)
    _run(ENQUEUE.format(box=box), env)
    engine = sa.create_engine(url)
    log = tmp_path / "worker.log"
    worker = _worker(env, log)
    try:
        assert _wait(lambda: _counts(engine)[0] >= 3, 60), log.read_text()[-3000:]
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        logged, _ = _counts(engine)
        assert 0 < logged < MESSAGES, "the kill must land in the middle of the poll"
        time.sleep(2.5)  # the dead worker's lease runs out
        _run(ENQUEUE.format(box=box), env)
        worker = _worker(env, log)
        assert _wait(lambda: _counts(engine) == (MESSAGES, MESSAGES), 120), (
            _counts(engine),
            log.read_text()[-3000:],
        )
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(20)
    with engine.connect() as conn:
        uids = conn.execute(sa.text("select uid from mail_log order by uid")).scalars().all()
        subjects = conn.execute(sa.text("select subject from tickets")).scalars().all()
        messages = conn.execute(sa.text("select count(*) from messages where direction = 'inbound'")).scalar()
    engine.dispose()
    assert uids == list(range(1, MESSAGES + 1))
    assert sorted(subjects) == sorted(f"kill {i}" for i in range(MESSAGES)) and messages == MESSAGES
    assert dovecot.seen(user) == {uid: True for uid in range(1, MESSAGES + 1)}

"""The benchmark's generator fills a database the app can serve, and the measuring script runs every case on it
(tiny sizes: this checks that the benchmark works, not how fast it is). Both run as the commands people run, in
a process of their own (each builds its own app)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import database_url

ROOT = Path(__file__).resolve().parent.parent.parent


def run(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_the_generator_and_the_measurements_run_on_the_database_under_test(tmp_path, db_kind, pg_server):
    url = database_url(db_kind, pg_server, tmp_path, "bench_tiny")
    sizes = ["--customers", "40", "--tickets", "6000", "--messages", "15000", "--agents", "4"]
    run("bench.generate", "--instance", str(tmp_path), "--url", url, *sizes)
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        count = lambda table: connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: E731
        assert count("customers") == 40 and count("tickets") == 6000
        assert 12000 < count("messages") < 18000
        assert (
            connection.execute(sa.text("SELECT count(*) FROM tickets WHERE message_count = 50")).scalar() >= 2
        )
        assert (
            connection.execute(sa.text("SELECT value FROM counters WHERE name = 'ticket'")).scalar() == 7000
        )
    engine.dispose()
    output = run("bench.measure", "--instance", str(tmp_path), "--url", url, "--repeat", "1", "--warmup", "0")
    assert "ticket page, 50 messages" in output and "intake: new ticket" in output

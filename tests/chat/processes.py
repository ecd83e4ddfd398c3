"""The portal as real separate processes (gunicorn with the project's config) on one database, for fan-out tests."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests import servers

ROOT = Path(__file__).resolve().parent.parent.parent


def write_config(instance: Path, **settings: Any) -> None:
    """instance/config.py: the settings layer every process of the portal reads."""
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "config.py").write_text("".join(f"{k} = {v!r}\n" for k, v in settings.items()))


@contextmanager
def portal_processes(
    instances: list[Path], database_url: str, *, redis_url: str | None = None
) -> Iterator[list[str]]:
    """One gunicorn (one worker, the project's worker class) per instance folder, started side by side, all
    serving the portal on one database; yields their base URLs."""
    started: list[tuple[subprocess.Popen, Any, Path, str]] = []
    try:
        for instance in instances:
            started.append(_spawn(instance, database_url, redis_url))
        for process, _log, log_path, url in started:
            _wait_ready(url, process, log_path)
        yield [url for *_rest, url in started]
    finally:
        for process, *_rest in started:
            process.send_signal(signal.SIGINT)  # quick shutdown: nothing is in flight
        for process, log, *_rest in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def _spawn(
    instance: Path, database_url: str, redis_url: str | None
) -> tuple[subprocess.Popen, Any, Path, str]:
    port = servers.free_port()
    env = {
        **os.environ,
        "PORTAL_INSTANCE": str(instance),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "process-test-secret-key-" + "x" * 16,
        "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    instance.mkdir(parents=True, exist_ok=True)
    log_path = instance / f"gunicorn-{port}.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "portal" / "gunicorn_conf.py"),
         "--workers", "1", "--threads", "16", "--bind", f"127.0.0.1:{port}", "--access-logfile", "-",
         "portal:create_app()"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    return process, log, log_path, f"http://127.0.0.1:{port}"


def _wait_ready(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the portal process died:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the portal process did not start:\n{log.read_text()[-3000:]}")


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A throwaway redis-server on a free port of 127.0.0.1; yields its URL."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    folder.mkdir(parents=True, exist_ok=True)
    port = servers.free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        import redis

        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)

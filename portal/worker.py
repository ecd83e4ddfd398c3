"""The `worker` command: runs the background jobs (Huey consumer) until stopped."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.core import jobs


@click.command("worker")
@click.option("--workers", type=int, default=None, help="Threads running jobs (default JOBS_WORKERS).")
@with_appcontext
def worker_command(workers: int | None) -> None:
    """Run the background jobs until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    jobs.run_worker(app, workers or app.config["JOBS_WORKERS"])

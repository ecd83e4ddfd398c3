"""Background work of search: index changes (outbox handler), rebuild lost indexes, settle deflections."""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app
from huey import crontab

from portal.core import outbox, searchable
from portal.core.jobs import huey, job, periodic_job

log = logging.getLogger(__name__)


@huey.on_startup()
def load_korean_model() -> None:
    """The worker loads the Korean model once at start, not on the first change it indexes."""
    from portal.search.analyzers import preload

    preload()


@outbox.handler(searchable.INDEX_KIND)
def index_change(payload: dict[str, Any]) -> None:
    """A record changed (after its transaction committed): bring its kind's index up to date."""
    from portal.search.indexer import index_ids

    if not current_app.config.get("SEARCH_ENABLED", True):
        return
    ids = [int(i) for i in payload.get("ids", [])]
    if ids:
        index_ids(str(payload["kind"]), ids)


@job(retries=2, retry_delay=30, name="search.rebuild_kind")
def rebuild_kind(kind: str) -> int:
    """Rebuild one kind's index aside and swap it in (asked for when an index was found lost or corrupt)."""
    from portal.search.indexer import clear_rebuild_request, rebuild

    try:
        return rebuild(kind)
    finally:
        clear_rebuild_request(kind)


@periodic_job(crontab(minute="*/5"), name="search.settle_deflections")
def settle() -> int:
    """Decide the outcome of self-service attempts whose window has passed."""
    from portal.search.deflection import settle_attempts

    return settle_attempts()

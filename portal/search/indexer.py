"""Writing documents into the indexes: incremental updates from the worker, and full rebuilds built aside.

Documents come from the sources that domains declare in portal/core/searchable.py; the indexer never knows
their models. Every write holds the kind's writer lock (portal/search/store.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from portal.core import outbox, searchable
from portal.core.db import utcnow
from portal.extensions import db
from portal.search import state

log = logging.getLogger(__name__)
BATCH = 500
Progress = Callable[[int], None]


def index_ids(kind: str, ids: list[int]) -> int:
    """Bring these records of a kind up to date in its live index (add, replace, or remove); returns writes."""
    source = searchable.sources().get(kind)
    if source is None:
        log.warning("no searchable source for kind %r; nothing indexed", kind)
        return 0
    store = state.store()
    docs = source.load(ids)
    with store.write_lock(kind):
        ix, fresh = store.open_for_writing(kind)
        writer = ix.writer(timeout=30)
        try:
            found = {d.id for d in docs}
            for doc in docs:
                writer.update_document(**store.fields(doc))
            for gone in set(ids) - found:
                writer.delete_by_term("key", str(gone))
            writer.commit()
        except BaseException:
            _cancel(writer)  # a failed commit must not keep Whoosh's lock in this process
            raise
    if fresh:
        request_rebuild(kind)
    return len(ids)


def rebuild(kind: str, progress: Progress | None = None, batch: int = BATCH) -> int:
    """Rebuild a kind's index aside while the old one keeps answering, catch up, then swap; returns documents."""
    source = searchable.sources()[kind]
    store = state.store()
    started = utcnow()
    with store.write_lock(kind):  # only to create the folder safely; the build itself runs unlocked
        name, ix = store.new_generation(kind)
    count = _fill(ix, source.batches(batch), source.load, store, progress)
    with store.write_lock(kind):
        caught_up = _catch_up(ix, kind, started, source.load, store)
        store.swap(kind, name)
    store.forget(kind)
    log.info("rebuilt search index %s: %s documents (%s changed meanwhile)", kind, count, caught_up)
    return count


def _fill(ix, batches, load, store, progress) -> int:  # type: ignore[no-untyped-def]
    writer = ix.writer(limitmb=128)
    count = 0
    try:
        for ids in batches:
            for doc in load(ids):
                writer.add_document(**store.fields(doc))
                count += 1
            db.session.expire_all()  # keep the session small over millions of rows
            if progress:
                progress(len(ids))
        writer.commit(optimize=True)
    except BaseException:
        _cancel(writer)
        raise
    return count


def _catch_up(ix, kind: str, since: datetime, load, store) -> int:  # type: ignore[no-untyped-def]
    """Re-apply the changes of this kind recorded in the outbox while the rebuild ran."""
    ids: set[int] = set()
    rows = db.session.scalars(
        sa.select(outbox.OutboxEvent.payload).where(
            outbox.OutboxEvent.kind == searchable.INDEX_KIND,
            outbox.OutboxEvent.created_at >= since - timedelta(seconds=2),
        )
    )
    for payload in rows:
        if payload.get("kind") == kind:
            ids.update(int(i) for i in payload.get("ids", []))
    if not ids:
        return 0
    docs = load(sorted(ids))
    writer = ix.writer(timeout=30)
    try:
        for doc in docs:
            writer.update_document(**store.fields(doc))
        for gone in ids - {d.id for d in docs}:
            writer.delete_by_term("key", str(gone))
        writer.commit()
    except BaseException:
        _cancel(writer)
        raise
    return len(ids)


def _cancel(writer: Any) -> None:
    """Release a writer whatever state it is in (cancel after a failed commit may itself fail)."""
    if getattr(writer, "is_closed", False):
        return
    try:
        writer.cancel()
    except Exception:  # half-written segment files: drop the temp storage and the lock all the same
        log.warning("search: cancelling a failed writer did not finish cleanly", exc_info=True)
        lock = getattr(writer, "writelock", None)
        if lock is not None:
            lock.release()
        writer.is_closed = True


def rebuild_all(progress_for: Callable[[str, int], Progress | None] | None = None) -> dict[str, int]:
    """Rebuild every declared kind; returns documents per kind."""
    counts = {}
    for kind, source in sorted(searchable.sources().items()):
        progress = progress_for(kind, source.count()) if progress_for else None
        counts[kind] = rebuild(kind, progress)
    return counts


def request_rebuild(kind: str) -> bool:
    """Ask the worker to rebuild a kind (at most once per 10 minutes); True if asked now."""
    marker = state.store().folder(kind) / ".rebuild-requested"
    marker.parent.mkdir(parents=True, exist_ok=True)
    try:
        if marker.exists() and time.time() - marker.stat().st_mtime < 600:
            return False
        marker.write_text(utcnow().isoformat())
    except OSError:
        return False
    from portal.search import tasks

    try:
        tasks.rebuild_kind(kind)
    except Exception:  # the queue is down: the next search asks again after the marker expires
        log.exception("could not ask for a rebuild of %s", kind)
        return False
    if current_app.config.get("JOBS_IMMEDIATE"):
        marker.unlink(missing_ok=True)
    return True


def clear_rebuild_request(kind: str) -> None:
    """The rebuild ran: a later loss may ask again."""
    (state.store().folder(kind) / ".rebuild-requested").unlink(missing_ok=True)

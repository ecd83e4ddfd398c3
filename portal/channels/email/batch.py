"""Bulk sources (`mail ingest` of many files, the bench) commit several messages per transaction.

A batch is all or nothing: when any message of it raises, or its commit fails, the batch is rolled back and
its messages are taken again one by one, each committed on its own, so one bad message never loses the
others. Raw files and attachments are content-addressed on disk, so taking a message twice writes nothing
twice; outbox rows of a rolled-back batch never reach the task queue.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from portal.extensions import db

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_BATCH = 50  # MAIL_INGEST_BATCH


@dataclass
class Done(Generic[T, R]):
    """One item's fate after its transaction ended: a committed result, or the error that stopped it."""

    item: T
    result: R | None = None
    error: Exception | None = None


def committed(
    items: Iterable[T], work: Callable[[T], R], *, size: int = DEFAULT_BATCH
) -> Iterator[Done[T, R]]:
    """Run `work` on every item, committing every `size` items; yields each item once its outcome is final
    (committed, or failed on its own after the batch fell back to one by one)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= max(1, size):
            yield from _run(batch, work)
            batch = []
    if batch:
        yield from _run(batch, work)


def _run(batch: list[T], work: Callable[[T], R]) -> list[Done[T, R]]:
    if len(batch) > 1:
        try:
            results = [work(item) for item in batch]
            db.session.commit()
            return [Done(item, result) for item, result in zip(batch, results, strict=True)]
        except Exception:
            db.session.rollback()
    return [_one(item, work) for item in batch]


def _one(item: T, work: Callable[[T], R]) -> Done[T, R]:
    try:
        result = work(item)
        db.session.commit()
        return Done(item, result)
    except Exception as error:
        db.session.rollback()
        return Done(item, error=error)

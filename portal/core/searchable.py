"""What can be searched, declared by the domains that own it; the search domain indexes whatever is declared.

Each domain registers a Source for its kind of document (ticket, article, post, catalog) and calls `changed()` in
the transaction that changes one: the search domain (when installed) indexes it after commit, from the worker.
Domains never import the search domain, and the search domain never needs to know their models.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

# Who may see a document: "public" (anyone), "customers" (signed-in customers), "staff" (agents),
# "customer:<id>" (that customer, and staff).
Visibility = str


@dataclass
class Document:
    """One searchable record, as the search index sees it."""

    kind: str
    id: int
    title: str
    body: str
    url: str
    visibility: list[Visibility]
    updated_at: datetime
    locale: str | None = None
    tags: list[str] = field(default_factory=list)
    category: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Source(Protocol):
    """A domain's searchable records of one kind."""

    kind: str

    def load(self, ids: list[int]) -> list[Document]:
        """The documents of these ids that exist and should be indexed (others are removed from the index)."""
        ...

    def batches(self, size: int) -> Iterator[list[int]]:
        """Every id of this kind, in batches (for a full reindex)."""
        ...

    def count(self) -> int:
        """How many records of this kind exist (for progress bars)."""
        ...


_sources: dict[str, Source] = {}
INDEX_KIND = "search.index"


def register(source: Source) -> None:
    """Declare a searchable kind."""
    _sources[source.kind] = source


def id_batches(column: Any, size: int, *where: Any) -> Iterator[list[int]]:
    """Every id of a primary-key column (optionally narrowed), in keyset batches: a Source's `batches`."""
    import sqlalchemy as sa

    from portal.extensions import db

    last = 0
    while True:
        ids = db.session.scalars(
            sa.select(column).where(column > last, *where).order_by(column).limit(size)
        ).all()
        if not ids:
            return
        yield list(ids)
        last = ids[-1]


def row_count(column: Any, *where: Any) -> int:
    """How many rows hold this column (optionally narrowed): a Source's `count`."""
    import sqlalchemy as sa

    from portal.extensions import db

    return db.session.scalar(sa.select(sa.func.count(column)).where(*where)) or 0


def sources() -> dict[str, Source]:
    """Every declared kind."""
    return dict(_sources)


def changed(session: Session, kind: str, ids: int | list[int]) -> None:
    """A record was created, edited or deleted: reindex it after commit (no-op without a search domain)."""
    from portal.core import outbox

    if not outbox.has_handler(INDEX_KIND):
        return
    id_list = [ids] if isinstance(ids, int) else list(ids)
    if id_list:
        outbox.enqueue(session, INDEX_KIND, {"kind": kind, "ids": id_list})

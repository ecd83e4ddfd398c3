"""The Whoosh schema of one kind's index, and how a searchable Document becomes index fields.

Each kind (ticket, article, post, catalog, …) has its own index, so that a huge ticket index never slows the
customers' search of articles, results are naturally grouped by kind, and each kind can use the analyzer that
measured best for it (docs/search-analyzer.md).
"""

from __future__ import annotations

from typing import Any

from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from portal.core.searchable import Document
from portal.search.analyzers import analyzer

MODES = ("bigram", "kiwi", "mix")
STORED_BODY_CHARS = 4000  # kept in the index for snippets; the whole body is indexed
TITLE_BOOST = 2.0


def text_fields(mode: str) -> list[tuple[str, str, float]]:
    """(field, analyzer, boost) of the searchable text fields of an index in this mode."""
    primary = "kiwi" if mode == "kiwi" else "bigram"
    fields = [("title", primary, TITLE_BOOST), ("body", primary, 1.0)]
    if mode == "mix":
        fields += [("title_k", "kiwi", TITLE_BOOST), ("body_k", "kiwi", 1.0)]
    return fields


def build_schema(mode: str, spelling: bool = True) -> Schema:
    """The schema of an index whose text is analyzed in `mode` (bigram, kiwi or mix); `spelling` keeps the
    word list of "did you mean" (costly at commit, so only for the self-service kinds, not tickets)."""
    if mode not in MODES:
        raise ValueError(f"unknown analyzer mode {mode!r}; one of {', '.join(MODES)}")
    fields: dict[str, Any] = {
        "key": ID(unique=True, stored=True),
        "title_stored": STORED,
        "body_stored": STORED,
        "visibility": KEYWORD(),
        "locale": ID(stored=True),
        "tags": KEYWORD(stored=True, commas=True, lowercase=True),
        "category": ID(stored=True),
        "updated_at": DATETIME(stored=True, sortable=True),
        "url": STORED,
        "extra": STORED,
    }
    for name, kind, _boost in text_fields(mode):
        fields[name] = TEXT(analyzer=analyzer(kind), phrase=False)
    if spelling:
        fields["words"] = TEXT(analyzer=analyzer("words"), spelling=True)
    return Schema(**fields)


def fields_of(doc: Document, mode: str, spelling: bool = True) -> dict[str, Any]:
    """The index fields of one document."""
    body = doc.body or ""
    if doc.tags:
        body = f"{body}\n{' '.join(doc.tags)}"
    values: dict[str, Any] = {
        "key": str(doc.id),
        "title_stored": doc.title,
        "body_stored": (doc.body or "")[:STORED_BODY_CHARS],
        "visibility": " ".join(doc.visibility),
        "locale": doc.locale or "",
        "tags": ",".join(t.replace(",", " ") for t in doc.tags),
        "category": doc.category or "",
        "updated_at": doc.updated_at.replace(tzinfo=None) if doc.updated_at else None,
        "url": doc.url,
        "extra": doc.extra or {},
    }
    for name, _kind, _boost in text_fields(mode):
        values[name] = doc.title if name.startswith("title") else body
    if spelling:
        values["words"] = f"{doc.title}\n{body[:STORED_BODY_CHARS]}"
    return {k: v for k, v in values.items() if v is not None}

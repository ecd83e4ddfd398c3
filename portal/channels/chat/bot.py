"""The bot in front: what it offers for the customer's words comes from a pluggable suggester.

`set_suggester(fn)` installs the real one (the search domain's `portal.search.service.suggest`, wired by the
integrator): `fn(text, locale, customer) -> [{"kind", "id", "title", "url", "snippet"}]`, best first, only what
that customer may see. Until then `simple_lookup` answers: it scans the documents other domains declared
searchable with public visibility (articles, community posts, catalog items, whatever is installed) and the
customer's own open tickets, scoring shared words and Hangul bigrams.
"""

from __future__ import annotations

import html
import logging
import re
import time
import unicodedata
from collections.abc import Callable
from typing import Any

import nh3
import sqlalchemy as sa

from portal.core import searchable
from portal.customers.models import Customer
from portal.extensions import db

log = logging.getLogger(__name__)

Suggester = Callable[[str, str, Any], list[dict[str, Any]]]
KINDS = ("article", "post", "catalog", "ticket")
MAX_SUGGESTIONS = 3
_suggester: Suggester | None = None


def set_suggester(fn: Suggester | None) -> None:
    """Install the function the bot asks for suggestions (None: back to the simple lookup)."""
    global _suggester
    _suggester = fn


def suggest(text: str, locale: str, customer: Customer | None) -> list[dict[str, Any]]:
    """What to offer for these words: at most three clean items; a failing suggester offers nothing."""
    fn = _suggester or simple_lookup
    try:
        items = fn(text, locale, customer) or []
    except Exception:
        log.exception("chat bot: the suggester failed")
        return []
    return [clean(item) for item in items if isinstance(item, dict) and item.get("title")][:MAX_SUGGESTIONS]


def clean(item: dict[str, Any]) -> dict[str, Any]:
    """Plain text only (search snippets may carry highlight tags); links only to http(s) or the portal."""
    url = str(item.get("url") or "")
    if not (url.startswith("/") or url.startswith("https://") or url.startswith("http://")) or url.startswith(
        "//"
    ):
        url = ""
    return {
        "kind": str(item.get("kind") or "article")[:20],
        "id": item.get("id"),
        "title": _text(item.get("title"))[:200],
        "url": url[:500],
        "snippet": _text(item.get("snippet"))[:300],
    }


def _text(value: Any) -> str:
    return " ".join(html.unescape(nh3.clean(str(value or ""), tags=set())).split())


# ---------------------------------------------------------------- the simple lookup

_WORD = re.compile(r"\w+", re.UNICODE)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_cache: dict[str, Any] = {"at": 0.0, "docs": []}
CACHE_SECONDS = 60
SCAN_LIMIT = 2000
MIN_SHARE = 0.3  # how much of the customer's words a document must share to be offered


STOPWORDS = frozenset(
    [
        "싶어요",
        "있나요",
        "하나요",
        "되나요",
        "어떻게",
        "언제",
        "왜",
        "해요",
        "주세요",
        "있어요",
        "없어요",
        "알려주세요",
        "궁금해요",
        "문의",
        "the",
        "a",
        "an",
        "is",
        "are",
        "to",
        "my",
        "i",
        "how",
        "what",
        "when",
        "why",
        "do",
        "does",
        "can",
        "could",
        "of",
        "for",
        "in",
        "on",
        "it",
        "me",
        "please",
    ]
)


def _bigrams(word: str) -> set[str]:
    hangul = "".join(ch for ch in word if _HANGUL.match(ch))
    return {hangul[i : i + 2] for i in range(len(hangul) - 1)}


def words(text: str) -> list[str]:
    """The customer's words, case-folded, without the ones every question has."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return [w for w in _WORD.findall(folded) if (len(w) > 1 or _HANGUL.match(w)) and w not in STOPWORDS]


def terms(text: str) -> set[str]:
    """Words (case-folded) plus Hangul bigrams, so that "환불" meets "환불받고"."""
    found: set[str] = set()
    for word in words(text):
        found.add(word)
        found |= _bigrams(word)
    return found


def score(query: list[str], doc_terms: set[str]) -> float:
    """How much of each query word the document has (the word itself, or its share of Hangul bigrams), averaged."""
    if not query:
        return 0.0
    total = 0.0
    for word in query:
        if word in doc_terms:
            total += 1
            continue
        grams = _bigrams(word)
        total += len(grams & doc_terms) / len(grams) if grams else 0
    return total / len(query)


def _public_documents() -> list[tuple[set[str], dict[str, Any]]]:
    """Public documents of every declared kind but tickets, cached for a minute."""
    if time.monotonic() - _cache["at"] < CACHE_SECONDS:
        return _cache["docs"]
    docs: list[tuple[set[str], dict[str, Any]]] = []
    for kind, source in searchable.sources().items():
        if kind == "ticket":
            continue
        seen = 0
        for ids in source.batches(200):
            for doc in source.load(ids):
                if "public" in doc.visibility:
                    item = {"kind": doc.kind, "id": doc.id, "title": doc.title, "url": doc.url}
                    item["snippet"] = doc.body[:200]
                    docs.append((terms(doc.title) | terms(doc.body), item))
            seen += len(ids)
            if seen >= SCAN_LIMIT:
                break
    _cache.update(at=time.monotonic(), docs=docs)
    return docs


def simple_lookup(text: str, locale: str, customer: Customer | None) -> list[dict[str, Any]]:
    """Until real search is wired: public documents and the customer's own open tickets sharing their words."""
    query = words(text)
    if not query:
        return []
    scored = [(score(query, doc_terms), item) for doc_terms, item in _public_documents()]
    scored += [(score(query, terms(title)), item) for title, item in _own_tickets(customer)]
    best = sorted((s for s in scored if s[0] >= MIN_SHARE), key=lambda s: -s[0])
    return [item for _score, item in best[:MAX_SUGGESTIONS]]


def _own_tickets(customer: Customer | None) -> list[tuple[str, dict[str, Any]]]:
    if customer is None or not customer.user_id:
        return []  # a guest's open requests are not shown: their address is not verified
    from portal.tickets.models import OPEN_STATUSES, Ticket

    rows = db.session.execute(
        sa.select(Ticket.id, Ticket.ref, Ticket.subject)
        .where(Ticket.customer_id == customer.id, Ticket.status.in_(OPEN_STATUSES))
        .order_by(Ticket.created_at.desc())
        .limit(20)
    ).all()
    return [
        (
            subject,
            {"kind": "ticket", "id": ticket_id, "title": f"#{ref} {subject}", "url": f"/requests/{ref}"},
        )
        for ticket_id, ref, subject in rows
    ]

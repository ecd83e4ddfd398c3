"""Search behind one function: any text in, results grouped by kind out, only what the caller may see.

The query is built from the analyzer's terms (an OR group over title and body), never parsed as Whoosh query
syntax, so quotes, colons, brackets, AND/OR/NOT or 10,000 characters are just words and nothing raises
(the one operator is a trailing star: "refun*" matches the words it begins).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from markupsafe import Markup, escape
from whoosh import query as wq

from portal.core import searchable
from portal.search import state
from portal.search.analyzers import kiwi_ready, terms, word_spans
from portal.search.highlight import snippet, title_marked
from portal.search.schema import text_fields
from portal.search.store import IndexUnavailable

log = logging.getLogger(__name__)
MAX_QUERY_CHARS = 300
MAX_TERMS = 40
KIND_ORDER = ("article", "post", "catalog", "ticket")
SELF_SERVICE_KINDS = ("article", "post", "catalog")


@dataclass
class Hit:
    """One result."""

    kind: str
    id: int
    title: str
    title_html: Markup
    url: str
    snippet: Markup
    score: float
    locale: str | None = None
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    updated_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The API's and the chat bot's shape."""
        return {
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "snippet": str(self.snippet),
            "score": round(self.score, 4),
        }


@dataclass
class Results:
    """Every group of one search."""

    text: str
    groups: dict[str, list[Hit]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    suggestion: str | None = None  # "did you mean"
    corrected: bool = False  # the groups are for the suggestion (the text itself found nothing)
    unavailable: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    def best_first(self, limit: int) -> list[Hit]:
        """Every hit of every group, best score first."""
        hits = [h for group in self.groups.values() for h in group]
        return sorted(hits, key=lambda h: -h.score)[:limit]


@dataclass
class Filters:
    """What narrows a search besides the words."""

    kinds: list[str] | None = None
    locale: str | None = None
    category: str | None = None
    tag: str | None = None


def visibility_for(user: Any = None, customer: Any = None) -> list[str] | None:
    """The visibility values a caller may see; None means everything (agents and admins)."""
    if user is not None and getattr(user, "is_authenticated", False) and user.is_staff:
        return None
    allowed = ["public"]
    if customer is None and user is not None and getattr(user, "is_authenticated", False):
        from portal.customers.service import customer_for_user

        customer = customer_for_user(user)
        allowed.append("customers")
    if customer is not None:
        allowed += ["customers", f"customer:{customer.id}"]
    return sorted(set(allowed))


def ordered_kinds(kinds: list[str] | None = None) -> list[str]:
    """Declared kinds (or the asked ones that are declared), in the order results are shown."""
    declared = set(searchable.sources())
    wanted = [k for k in (kinds or declared) if k in declared]
    return sorted(set(wanted), key=lambda k: (KIND_ORDER.index(k) if k in KIND_ORDER else 99, k))


PREFIX = re.compile(r"(\w{2,})\*")


def build_query(text: str, mode: str) -> tuple[wq.Query | None, dict[str, set[str]]]:
    """An OR group of the text's terms over the text fields; also the terms per analyzer (for snippets)."""
    text = (text or "")[:MAX_QUERY_CHARS]
    parts: list[wq.Query] = []
    by_analyzer: dict[str, set[str]] = {}
    fields = text_fields(mode)
    # "refun*": a word with a trailing star also matches every indexed word it begins (as in Zendesk)
    stems = list(dict.fromkeys(s.lower() for s in PREFIX.findall(text)))[:MAX_TERMS]
    if stems:
        text = PREFIX.sub(" ", text)
        parts.extend(wq.Prefix(name, stem, boost=boost) for name, _k, boost in fields[:2] for stem in stems)
    if mode == "mix" and not kiwi_ready():  # the model is still loading: bigrams alone meanwhile
        fields = [f for f in fields if f[1] != "kiwi"]
    for name, kind, boost in fields:
        found = by_analyzer.get(kind)
        if found is None:
            found = set(terms(kind, text)[:MAX_TERMS])
            by_analyzer[kind] = found
        parts.extend(wq.Term(name, t, boost=boost) for t in sorted(found))
    return (wq.Or(parts) if parts else None), by_analyzer


def _narrow(filters: Filters) -> wq.Query | None:
    required: list[wq.Query] = []
    if filters.locale:
        required.append(wq.Term("locale", filters.locale))
    if filters.category:
        required.append(wq.Term("category", filters.category))
    if filters.tag:
        required.append(wq.Term("tags", filters.tag.strip().lower()))
    return wq.And(required) if required else None


def search_kind(
    kind: str, text: str, visibility: list[str] | None, filters: Filters, limit: int, window: int = 160
) -> tuple:
    """(hits, total) of one kind; raises IndexUnavailable when its index is missing or broken."""
    store = state.store()
    mode = store.mode(kind)
    q, by_analyzer = build_query(text, mode)
    if q is None:
        return [], 0
    searcher = store.searcher(kind)
    allowed: set[int] | None = None
    if visibility is not None:
        allowed = store.allowed_docs(kind, searcher, visibility)
    narrow = _narrow(filters)
    if narrow is not None:
        narrowed = set(searcher.docs_for_query(narrow))
        allowed = narrowed if allowed is None else allowed & narrowed
    if allowed is not None and not allowed:
        return [], 0
    if allowed is not None and len(allowed) <= SPARSE:
        ranked, total = _score_only(searcher, q, allowed, limit)
    else:
        ranked, total = _top_then_filter(searcher, q, allowed, limit)
    highlight = "kiwi" if mode == "kiwi" else "bigram"
    wanted = by_analyzer.get(highlight, set())
    hits = [_hit(kind, searcher.stored_fields(d), score, wanted, highlight, window) for score, d in ranked]
    return hits, total


SPARSE = 3000  # allowed documents up to which they are scored one by one (a customer's own tickets)


def _top_then_filter(searcher: Any, q: wq.Query, allowed: set[int] | None, limit: int) -> tuple:
    """Whoosh's fast top-k (block-quality skipping), then drop what the caller may not see, asking for more
    when too much was dropped. Permissions are not an AND in the query: Whoosh 2.7.4's intersection over
    several segments dropped true hits in tests, and a filter set disables the top-k optimizations."""
    wanted = limit if allowed is None else limit * 2 + 20
    while True:
        found = searcher.search(q, limit=wanted, terms=False)
        ranked = [(r.score, r.docnum) for r in found if allowed is None or r.docnum in allowed]
        exhausted = found.scored_length() < wanted
        if len(ranked) >= limit or exhausted:
            total = found.estimated_min_length() if allowed is None else len(ranked)
            if allowed is not None and not exhausted:
                total = max(
                    len(ranked),
                    round(found.estimated_min_length() * len(allowed) / max(1, searcher.doc_count())),
                )
            return ranked[:limit], max(total, len(ranked[:limit]))
        wanted *= 4


def _score_only(searcher: Any, q: wq.Query, allowed: set[int], limit: int) -> tuple:
    """Score just the allowed documents (few): skip the query's matcher to each of them, segment by segment."""
    scored: list[tuple[float, int]] = []
    docs = sorted(allowed)
    for sub, offset in searcher.leaf_searchers():
        local = [d - offset for d in docs if offset <= d < offset + sub.doc_count_all()]
        if not local:
            continue
        matcher = q.matcher(sub, sub.context())
        for doc in local:
            if not matcher.is_active():
                break
            if matcher.id() < doc:
                matcher.skip_to(doc)
                if not matcher.is_active():
                    break
            if matcher.id() == doc:
                scored.append((matcher.score(), doc + offset))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return scored[:limit], len(scored)


def _hit(
    kind: str, stored: dict[str, Any], score: float, wanted: set[str], analyzer: str, window: int
) -> Hit:
    title = stored.get("title_stored", "")
    updated = stored.get("updated_at")
    return Hit(
        kind=kind,
        id=int(stored["key"]),
        title=title,
        title_html=title_marked(title, wanted, analyzer) if window else escape(title),
        url=stored.get("url", ""),
        snippet=snippet(stored.get("body_stored", ""), wanted, analyzer, window=window)
        if window
        else Markup(""),
        score=float(score or 0),
        locale=stored.get("locale") or None,
        category=stored.get("category") or None,
        tags=[t for t in (stored.get("tags") or "").split(",") if t],
        updated_at=updated,
        extra=stored.get("extra") or {},
    )


def search(
    text: str,
    *,
    user: Any = None,
    customer: Any = None,
    filters: Filters | None = None,
    limit: int = 10,
    correct: bool = True,
    window: int = 160,
) -> Results:
    """Search every kind the caller may see; results grouped by kind, best first within a group."""
    filters = filters or Filters()
    text = " ".join((text or "").split())
    results = Results(text=text)
    visibility = visibility_for(user, customer)
    kinds = ordered_kinds(filters.kinds)
    if visibility is not None and not any(v.startswith("customer:") for v in visibility):
        kinds = [k for k in kinds if k != "ticket"]  # nobody signed in has no tickets to find
    if not text:
        return results
    _collect(results, text, kinds, visibility, filters, limit, window)
    if correct:
        results.suggestion = correction(text, kinds)
        if results.suggestion and results.total == 0:
            _collect(results, results.suggestion, kinds, visibility, filters, limit, window)
            results.corrected = results.total > 0
    return results


def _collect(
    results: Results, text: str, kinds: list[str], visibility, filters: Filters, limit: int, window: int
) -> None:  # type: ignore[no-untyped-def]
    for kind in kinds:
        try:
            hits, total = search_kind(kind, text, visibility, filters, limit, window)
        except IndexUnavailable:
            _unavailable(results, kind)
            continue
        if hits:
            results.groups[kind] = hits
            results.totals[kind] = total


def _unavailable(results: Results, kind: str) -> None:
    from portal.search.indexer import request_rebuild

    results.unavailable.append(kind)
    try:
        request_rebuild(kind)
    except Exception:
        log.exception("could not ask for a rebuild of the %s index", kind)


def correction(text: str, kinds: list[str]) -> str | None:
    """A respelling of the text from the words of the self-service indexes ("did you mean"), or None."""
    store = state.store()
    searchers = []
    for kind in kinds:
        if kind in SELF_SERVICE_KINDS:
            try:
                searchers.append(store.searcher(kind))
            except IndexUnavailable:
                continue
    return respell(text, searchers)


def respell(text: str, searchers: list) -> str | None:  # type: ignore[type-arg]
    """The text with unknown words replaced by the closest known ones, or None when nothing changed."""
    if not searchers:
        return None
    changed, out = False, text
    text = text[:MAX_QUERY_CHARS]
    for word, start, _end in reversed(list(word_spans(text))):
        raw = text[start:].split(maxsplit=1)[0]  # the word as typed, endings and particles included
        if _known(word, raw, searchers):
            continue
        better = _closest(word, searchers)
        if better and better != word:
            out = out.replace(word, better) if word in out else out
            changed = True
    return out if changed and out != text else None


def _known(word: str, raw: str, searchers: list) -> bool:  # type: ignore[type-arg]
    """Whether the indexes know the word: as a word or word start, or (with Kiwi) by all its content morphemes.

    The morpheme test keeps conjugations ("잃어버렸는데", "하죠") from being "corrected" into other conjugations.
    """
    morphemes: list[str] | None = None
    for s in searchers:
        reader = s.reader()
        if (("words", word) in reader) or any(True for _ in _take(reader.expand_prefix("words", word), 1)):
            return True
        if "body_k" in s.schema.names() and kiwi_ready():
            morphemes = terms("kiwi", raw) if morphemes is None else morphemes
            if all(("body_k", m) in reader or ("title_k", m) in reader for m in morphemes):
                return True
    return False


def _take(iterable: Any, n: int) -> Any:
    for i, item in enumerate(iterable):
        if i >= n:
            return
        yield item


def _closest(word: str, searchers: list) -> str | None:  # type: ignore[type-arg]
    maxdist = 1 if len(word) <= 4 else 2
    best: tuple[int, str] | None = None
    for s in searchers:
        for candidate in s.corrector("words").suggest(word, limit=1, maxdist=maxdist, prefix=1):
            freq = s.reader().doc_frequency("words", candidate)
            if best is None or freq > best[0]:
                best = (freq, candidate)
    return best[1] if best else None


def suggest(text: str, locale: str | None, customer: Any, *, limit: int = 5) -> list[dict[str, Any]]:
    """Articles, community answers and catalog items for what a customer is typing (new request, chat bot)."""
    results = search(
        text,
        customer=customer,
        filters=Filters(kinds=list(SELF_SERVICE_KINDS)),
        limit=limit,
        correct=True,
        window=110,
    )
    hits = results.best_first(limit * 2)
    if locale:  # their language first, others after
        hits.sort(key=lambda h: (h.locale not in (None, locale), -h.score))
    return [{k: v for k, v in h.as_dict().items() if k != "score"} for h in hits[:limit]]


def ticket_ids(text: str, user: Any, limit: int = 1000) -> list[int] | None:
    """Ids of tickets matching the text that the user may see, best first; None when the index is unavailable."""
    visibility = visibility_for(user)
    try:
        hits, _total = search_kind("ticket", text, visibility, Filters(), limit, window=0)
    except IndexUnavailable:
        results = Results(text=text)
        _unavailable(results, "ticket")
        return None
    return [h.id for h in hits]

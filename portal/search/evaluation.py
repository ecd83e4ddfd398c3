"""Measure how well an analyzer mode finds the right articles: recall@k and MRR over an evaluation set.

The evaluation set (tests/search/data/korean_eval.json) pairs customers' own words with the articles that
answer them; the corpus is the demo knowledge base (portal/knowledge/demo_articles.json), Korean and English.
The same query builder and schema as production are used, over an in-memory index.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import RamStorage

from portal.core.searchable import Document
from portal.search.analyzers import kiwi
from portal.search.schema import build_schema, fields_of
from portal.search.service import build_query, respell

CORPUS = Path(__file__).resolve().parent.parent / "knowledge" / "demo_articles.json"


def corpus_documents(path: Path = CORPUS) -> tuple[list[Document], dict[int, str]]:
    """Every article version of the demo knowledge base as Documents, and each document's article key."""
    data = json.loads(path.read_text())
    docs: list[Document] = []
    family: dict[int, str] = {}
    now = datetime.now(UTC)
    for article in data["articles"]:
        versions = [("ko", article["title"], article["body"])]
        if article.get("en"):
            versions.append(("en", article["en"]["title"], article["en"]["body"]))
        for locale, title, body in versions:
            doc_id = len(docs) + 1
            family[doc_id] = article["key"]
            docs.append(
                Document(
                    kind="article",
                    id=doc_id,
                    title=title,
                    body=body,
                    url=f"/kb/{doc_id}",
                    visibility=["public"],
                    updated_at=now,
                    locale=locale,
                    tags=article.get("tags", []),
                )
            )
    return docs, family


@dataclass
class Scores:
    """What one mode achieved."""

    mode: str
    recall_at_1: float = 0.0
    recall_at_5: float = 0.0
    mrr: float = 0.0
    by_group: dict[str, dict[str, float]] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)  # queries with nothing relevant in the top 5
    build_seconds: float = 0.0
    query_ms_median: float = 0.0


def evaluate(
    mode: str,
    queries: list[dict[str, Any]],
    docs: list[Document],
    family: dict[int, str],
    *,
    correct: bool = False,
) -> Scores:
    """Index the corpus in this mode and score every query (with "did you mean" when `correct`)."""
    if mode in ("kiwi", "mix"):
        kiwi()  # measure the analyzer itself, not the fallback used while the model loads
    started = time.perf_counter()
    ix = RamStorage().create_index(build_schema(mode))
    writer = ix.writer()
    for doc in docs:
        writer.add_document(**fields_of(doc, mode))
    writer.commit()
    scores = Scores(
        mode=mode + ("+did-you-mean" if correct else ""), build_seconds=time.perf_counter() - started
    )
    per_query: list[tuple[str, float, float, float]] = []
    timings = []
    with ix.searcher() as searcher:
        for item in queries:
            t0 = time.perf_counter()
            q, _terms = build_query(item["q"], mode)
            ranked = (
                [family[int(hit["key"])] for hit in searcher.search(q, limit=10, optimize=False)] if q else []
            )
            better = respell(item["q"], [searcher]) if correct and not ranked else None
            if better:  # production shows the "did you mean" results when the words found nothing
                q, _terms = build_query(better, mode)
                ranked = (
                    [family[int(hit["key"])] for hit in searcher.search(q, limit=10, optimize=False)]
                    if q
                    else []
                )
            timings.append((time.perf_counter() - t0) * 1000)
            ranked = list(dict.fromkeys(ranked))  # one family counts once (ko and en versions)
            relevant = set(item["relevant"])
            first = next((i + 1 for i, key in enumerate(ranked) if key in relevant), None)
            at1 = 1.0 if first == 1 else 0.0
            at5 = len(relevant & set(ranked[:5])) / len(relevant)
            rr = 1.0 / first if first else 0.0
            per_query.append((item.get("group", "all"), at1, at5, rr))
            if not (first and first <= 5):
                scores.misses.append(item["q"])
    scores.recall_at_1 = statistics.fmean(p[1] for p in per_query)
    scores.recall_at_5 = statistics.fmean(p[2] for p in per_query)
    scores.mrr = statistics.fmean(p[3] for p in per_query)
    scores.query_ms_median = statistics.median(timings)
    for group in dict.fromkeys(p[0] for p in per_query):
        rows = [p for p in per_query if p[0] == group]
        scores.by_group[group] = {
            "recall@5": statistics.fmean(p[2] for p in rows),
            "mrr": statistics.fmean(p[3] for p in rows),
            "n": len(rows),
        }
    return scores


def load_queries(path: Path) -> list[dict[str, Any]]:
    """The queries of an evaluation file."""
    return json.loads(path.read_text())["queries"]


def add_distractors(path: Path, docs: list[Document], family: dict[int, str]) -> None:
    """Articles on neighbouring topics that answer none of the queries (they make ranking matter)."""
    for item in json.loads(path.read_text()).get("distractors", []):
        doc_id = len(docs) + 1
        family[doc_id] = f"distractor-{doc_id}"
        docs.append(
            Document(
                kind="article",
                id=doc_id,
                title=item["title"],
                body=item["body"],
                url="",
                visibility=["public"],
                updated_at=datetime.now(UTC),
                locale="ko",
            )
        )


def compare(path: Path, modes: tuple[str, ...] = ("bigram", "kiwi", "mix")) -> list[Scores]:
    """Scores of every mode on one evaluation file."""
    docs, family = corpus_documents()
    add_distractors(path, docs, family)
    queries = load_queries(path)
    scores = [evaluate(mode, queries, docs, family) for mode in modes]
    return scores + [evaluate(mode, queries, docs, family, correct=True) for mode in modes]

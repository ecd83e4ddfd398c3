"""Search benchmark: build rate, query latency (median, p95) and incremental index latency at scale.

    .venv/bin/python -m bench.search_bench --tickets 1000000 --content 100000 --out bench/results/search.json

Documents are generated (Korean sentences made from the words of the demo knowledge base, plus English ones) and
written through the production schema, analyzers and index store (portal/search), into a temporary folder;
queries go through portal.search.service.search_kind with the same permission filters as the pages.
The content share is half articles and half community posts; the community board lives on another branch, so
its posts are generated as article-like documents into a "post" index with the same (mix) analyzer.
Database loading is not measured: the Source.load() of each domain is a keyset select per batch.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from portal.core.searchable import Document
from portal.search.evaluation import CORPUS

EVAL = Path(__file__).resolve().parent.parent / "tests" / "search" / "data" / "korean_eval.json"
ENGLISH = [
    "password",
    "reset",
    "login",
    "account",
    "refund",
    "charge",
    "bill",
    "payment",
    "card",
    "lost",
    "stolen",
    "roaming",
    "abroad",
    "data",
    "plan",
    "router",
    "wifi",
    "internet",
    "slow",
    "outage",
    "install",
    "visit",
    "moving",
    "contract",
    "cancel",
    "upgrade",
    "phone",
    "sim",
    "app",
    "update",
]


class Vocabulary:
    """Korean words drawn with a Zipf distribution, as in real text: the demo articles' words (with their
    particles and endings, as people write them) are the common ones; 40,000 made-up words of common syllables
    make the long tail (names, models, places), so that a rare word matches few documents and a common one many."""

    def __init__(self, rng: random.Random, tail: int = 40_000) -> None:
        data = json.loads(CORPUS.read_text())
        text = " ".join(a["title"] + " " + a["body"] for a in data["articles"])
        common = list(dict.fromkeys(w for w in re.findall(r"[가-힣]+", text) if len(w) >= 2))
        rng.shuffle(common)
        syllables = sorted(set("".join(common)))
        made_up = ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(tail)]
        self.words = common + made_up
        weights = [1 / (rank + 1) ** 1.05 for rank in range(len(self.words))]
        total, running, self.cumulative = sum(weights), 0.0, []
        for w in weights:
            running += w / total
            self.cumulative.append(running)

    def sentence(self, rng: random.Random, n: int) -> str:
        picked = rng.choices(self.words, cum_weights=self.cumulative, k=n)
        if rng.random() < 0.1:
            picked[rng.randrange(n)] = rng.choice(ENGLISH)
        # sentences of about eight words, as people write (Kiwi analyses sentence by sentence)
        return " ".join(w + ("." if i % 8 == 7 else "") for i, w in enumerate(picked))


def documents(kind: str, count: int, rng: random.Random, words: Vocabulary, start: int = 1):  # type: ignore[no-untyped-def]
    """Generated documents of one kind (tickets: short, one customer each; articles and posts: longer)."""
    now = datetime.now(UTC)
    for i in range(start, start + count):
        if kind == "ticket":
            title, body = words.sentence(rng, rng.randint(3, 7)), words.sentence(rng, rng.randint(15, 50))
            visibility = ["staff", f"customer:{i % 100_000}"]
            locale = None
        else:
            title, body = words.sentence(rng, rng.randint(4, 9)), words.sentence(rng, rng.randint(40, 150))
            visibility = ["public"] if rng.random() < 0.97 else ["staff"]
            locale = "ko"
        yield Document(
            kind=kind,
            id=i,
            title=title,
            body=body,
            url=f"/{kind}/{i}",
            visibility=visibility,
            updated_at=now,
            locale=locale,
        )


def build(store: Any, kind: str, count: int, rng: random.Random, words: Vocabulary) -> dict[str, float]:
    """Index `count` generated documents into a new generation; returns the rate."""
    started = time.perf_counter()
    name, ix = store.new_generation(kind)
    writer = ix.writer(limitmb=256)
    for n, doc in enumerate(documents(kind, count, rng, words), 1):
        writer.add_document(**store.fields(doc))
        if n % 50_000 == 0:
            print(f"  {kind}: {n} documents, {n / (time.perf_counter() - started):.0f}/s", flush=True)
    commit_started = time.perf_counter()
    writer.commit(optimize=False)
    store.swap(kind, name)
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in (store.folder(kind) / name).iterdir())
    return {
        "documents": count,
        "seconds": round(seconds, 1),
        "docs_per_second": round(count / seconds),
        "commit_seconds": round(time.perf_counter() - commit_started, 1),
        "index_mb": round(size / 2**20, 1),
    }


def latencies(fn, queries: list[str], repeat: int = 1) -> dict[str, float]:  # type: ignore[no-untyped-def]
    timings = []
    for _ in range(repeat):
        for q in queries:
            t0 = time.perf_counter()
            fn(q)
            timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    return {
        "queries": len(timings),
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "max_ms": round(timings[-1], 1),
    }


def incremental(
    store: Any, kind: str, rng: random.Random, words: Vocabulary, total: int, n: int = 20
) -> dict[str, float]:
    """Replace one existing document at a time, as the worker does for each change (lock, write, commit)."""
    timings = []
    for _ in range(n):
        doc = next(documents(kind, 1, rng, words, start=rng.randint(1, total)))
        t0 = time.perf_counter()
        with store.write_lock(kind):
            ix, _fresh = store.open_for_writing(kind)
            writer = ix.writer(timeout=30)
            writer.update_document(**store.fields(doc))
            writer.commit()
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    return {
        "updates": n,
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(n * 0.95) - 1], 1),
    }


def main() -> None:
    """Run the benchmark and print (and optionally save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--content", type=int, default=100_000, help="articles plus posts (half each)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--folder", type=Path, default=None, help="where to build (default: a temporary folder)"
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    from portal import create_app
    from portal.search import service, state

    folder = args.folder or Path(tempfile.mkdtemp(prefix="hana-search-bench-"))
    app = create_app(
        {"PORTAL_INSTANCE": str(folder), "SEARCH_INDEX_DIR": str(folder / "search"), "TESTING": True}
    )
    rng = random.Random(42)
    words = Vocabulary(rng)
    eval_queries = [q["q"] for q in json.loads(EVAL.read_text())["queries"]]
    queries = (eval_queries * (args.queries // len(eval_queries) + 1))[: args.queries]
    report: dict[str, Any] = {"tickets": args.tickets, "content": args.content, "machine": "2 cores, shared"}
    with app.app_context():
        store = state.store()
        from portal.search.analyzers import kiwi

        kiwi()  # loaded once, as gunicorn's preload and the worker do
        report["build"] = {}
        for kind, count in (
            ("article", args.content // 2),
            ("post", args.content - args.content // 2),
            ("ticket", args.tickets),
        ):
            print(f"building {kind} ({count}) …", flush=True)
            report["build"][kind] = build(store, kind, count, rng, words)
            print(f"  {report['build'][kind]}", flush=True)
        customer = ["customers", "customer:4242", "public"]
        none = service.Filters()

        def content(q: str) -> None:  # a customer's search page: articles and posts
            for kind in ("article", "post"):
                service.search_kind(kind, q, customer, none, 5)

        def agent_tickets(q: str) -> None:
            service.search_kind("ticket", q, None, none, 25)

        def customer_tickets(q: str) -> None:
            service.search_kind("ticket", q, customer, none, 25)

        for name, fn in (
            ("customer_articles_and_posts", content),
            ("agent_tickets", agent_tickets),
            ("customer_own_tickets", customer_tickets),
        ):
            fn(queries[0])  # open the searcher and its permission set once
            report[name] = latencies(fn, queries)
            print(name, report[name], flush=True)
        report["incremental_article"] = incremental(store, "article", rng, words, args.content // 2)
        report["incremental_ticket"] = incremental(store, "ticket", rng, words, args.tickets)
        print("incremental", report["incremental_article"], report["incremental_ticket"], flush=True)
        t0 = time.perf_counter()
        content(queries[1])  # after a change: new searcher and permission set
        report["first_customer_query_after_a_change_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()

"""Where the indexes live and how they are opened, written and replaced.

Layout: <instance>/search/<kind>/CURRENT names the live generation folder (e.g. g-20260101-120000-ab12) beside it.
A rebuild writes a new generation aside and swaps CURRENT atomically (os.replace), so readers never see a
half-built index and a lost or corrupt one is replaced without stopping search. Writers of one kind take an
OS file lock (<kind>/.write.lock, released by the kernel even if the process dies), so only one writer runs at a
time across every worker and command on the machine; web processes only read.
"""

from __future__ import annotations

import fcntl
import logging
import os
import secrets
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.searching import Searcher

from portal.search.schema import build_schema, fields_of

log = logging.getLogger(__name__)
KEEP_OLD_GENERATIONS = 1


class IndexUnavailable(Exception):
    """The index of a kind is missing or unreadable (a rebuild has been asked for)."""


@dataclass
class Opened:
    generation: str
    index: Any
    searcher: Searcher
    allowed: dict[tuple[str, ...], set[int]] = field(default_factory=dict)


MAX_CACHED_FILTERS = 512


class Store:
    """The indexes of one instance folder."""

    def __init__(self, root: Path, modes: dict[str, str], default_mode: str) -> None:
        self.root = root
        self.modes = modes
        self.default_mode = default_mode
        self._open: dict[str, Opened] = {}
        self._lock = threading.Lock()

    def mode(self, kind: str) -> str:
        """The analyzer mode configured for a kind."""
        return self.modes.get(kind, self.default_mode)

    def spelling(self, kind: str) -> bool:
        """Whether the kind keeps a "did you mean" word list (not tickets: costly at millions of documents)."""
        return kind != "ticket"

    def fields(self, doc: Any) -> dict[str, Any]:
        """The index fields of a document for its kind's index."""
        return fields_of(doc, self.mode(doc.kind), self.spelling(doc.kind))

    def folder(self, kind: str) -> Path:
        return self.root / kind

    def current(self, kind: str) -> str | None:
        """The live generation's folder name, or None when the kind was never indexed."""
        try:
            name = (self.folder(kind) / "CURRENT").read_text().strip()
        except FileNotFoundError:
            return None
        return name or None

    def exists(self, kind: str) -> bool:
        """Whether the kind has a live generation on disk."""
        name = self.current(kind)
        return bool(name) and whoosh_index.exists_in(str(self.folder(kind) / name))  # type: ignore[arg-type]

    # ------------------------------------------------------------------ reading

    def searcher(self, kind: str) -> Searcher:
        """An up-to-date searcher of the kind's live index (cached per process, refreshed when it changed)."""
        name = self.current(kind)
        if name is None:
            raise IndexUnavailable(kind)
        with self._lock:
            opened = self._open.get(kind)
            if opened is None or opened.generation != name:
                opened = self._open_generation(kind, name)
            elif not opened.searcher.up_to_date():
                try:
                    opened.searcher = opened.searcher.refresh()
                    opened.allowed = {}
                except Exception as error:
                    self._open.pop(kind, None)
                    raise IndexUnavailable(kind) from error
            return opened.searcher

    def allowed_docs(self, kind: str, searcher: Searcher, visibility: list[str]) -> set[int]:
        """The document numbers of this searcher that one of these visibility values may see (cached).

        Permission filtering goes through Whoosh's `filter` with a set, not an AND in the query: Whoosh 2.7.4's
        intersection of an OR group over several segments drops true hits (seen in tests).
        """
        key = tuple(sorted(visibility))
        opened = self._open.get(kind)
        cache = opened.allowed if opened is not None and opened.searcher is searcher else {}
        docs = cache.get(key)
        if docs is None:
            from whoosh import query as wq

            docs = set(searcher.docs_for_query(wq.Or([wq.Term("visibility", v) for v in key])))
            if len(cache) >= MAX_CACHED_FILTERS:
                cache.clear()
            cache[key] = docs
        return docs

    def _open_generation(self, kind: str, name: str) -> Opened:
        try:
            ix = whoosh_index.open_dir(str(self.folder(kind) / name))
            opened = Opened(name, ix, ix.searcher())
        except Exception as error:  # missing files, truncated segments, unpickling errors
            self._open.pop(kind, None)
            raise IndexUnavailable(kind) from error
        self._open[kind] = opened
        return opened

    def forget(self, kind: str | None = None) -> None:
        """Drop cached searchers (tests, after a swap in this process)."""
        with self._lock:
            for key in [kind] if kind else list(self._open):
                self._open.pop(key, None)

    # ------------------------------------------------------------------ writing

    @contextmanager
    def write_lock(self, kind: str, timeout: float = 120.0) -> Iterator[None]:
        """Hold the kind's writer lock (blocking, across processes)."""
        folder = self.folder(kind)
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / ".write.lock", "a+") as handle:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"search index {kind} is locked by another writer") from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def new_generation(self, kind: str) -> tuple[str, Any]:
        """Create an empty index folder aside (not live until `swap`)."""
        name = f"g-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"
        path = self.folder(kind) / name
        path.mkdir(parents=True)
        return name, whoosh_index.create_in(str(path), build_schema(self.mode(kind), self.spelling(kind)))

    def open_for_writing(self, kind: str) -> tuple[Any, bool]:
        """The live index to write to (call under write_lock); (index, fresh) where fresh means it was lost."""
        name = self.current(kind)
        if name is not None:
            try:
                return whoosh_index.open_dir(str(self.folder(kind) / name)), False
            except Exception:
                log.warning("search index %s/%s is unreadable; starting a fresh one", kind, name)
        name, ix = self.new_generation(kind)
        self.swap(kind, name)
        return ix, True

    def swap(self, kind: str, name: str) -> None:
        """Make a generation live (atomic), then remove old ones beyond the one kept for open readers."""
        folder = self.folder(kind)
        tmp = folder / f".CURRENT.{os.getpid()}.{threading.get_ident()}"
        tmp.write_text(name)
        os.replace(tmp, folder / "CURRENT")
        self._prune(kind, keep=name)

    def _prune(self, kind: str, keep: str) -> None:
        gens = sorted((p for p in self.folder(kind).glob("g-*") if p.name != keep), key=lambda p: p.name)
        for old in gens[: max(0, len(gens) - KEEP_OLD_GENERATIONS)]:
            shutil.rmtree(old, ignore_errors=True)

    def kinds_on_disk(self) -> list[str]:
        """Kinds that have a folder under the index root."""
        return sorted(p.name for p in self.root.glob("*") if p.is_dir()) if self.root.exists() else []

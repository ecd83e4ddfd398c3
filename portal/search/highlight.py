"""Snippets: the passage of a document that matches the query best, with the matching words marked."""

from __future__ import annotations

from markupsafe import Markup, escape

from portal.search.analyzers import spans

WINDOW = 160
MAX_SOURCE = 4000


def _marks(text: str, wanted: set[str], kind: str) -> list[tuple[int, int]]:
    found = sorted((s, e) for term, s, e in spans(kind, text) if term in wanted)
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _best_window(marks: list[tuple[int, int]], length: int) -> int:
    best, best_count = 0, -1
    for i, (start, _end) in enumerate(marks):
        count = sum(1 for s, _e in marks[i:] if s < start + WINDOW)
        if count > best_count:
            best, best_count = start, count
    return max(0, min(best - 30, length - WINDOW))


def snippet(text: str, query_terms: set[str], kind: str, *, window: int = WINDOW) -> Markup:
    """An escaped excerpt of about `window` characters around the densest matches, matches in <mark>."""
    text = " ".join((text or "")[:MAX_SOURCE].split())
    if not text:
        return Markup("")
    marks = _marks(text, query_terms, kind) if query_terms else []
    start = _best_window(marks, len(text)) if marks else 0
    end = min(len(text), start + window)
    if start > 0:  # begin at a word boundary
        space = text.find(" ", start, start + 20)
        start = space + 1 if space != -1 else start
    out = [Markup("…")] if start > 0 else []
    cursor = start
    for s, e in marks:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(escape(text[cursor:s]))
        out.append(Markup("<mark>") + escape(text[s:e]) + Markup("</mark>"))
        cursor = e
    out.append(escape(text[cursor:end]))
    if end < len(text):
        out.append(Markup("…"))
    return Markup("").join(out)


def title_marked(title: str, query_terms: set[str], kind: str) -> Markup:
    """The whole title with matches marked."""
    return snippet(title, query_terms, kind, window=max(len(title), 1))

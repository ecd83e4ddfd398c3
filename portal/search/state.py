"""The search store of the running app (one per app, so that tests with several apps stay apart)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from portal.search.store import Store


def init_app(app: Flask) -> None:
    """Create the app's index store under <instance>/search."""
    root = Path(app.config.get("SEARCH_INDEX_DIR") or Path(app.instance_path) / "search")
    # Tickets: bigrams (Kiwi costs ~3 ms a document, too slow for millions); the rest: the measured best, mix.
    modes = {"ticket": "bigram", **dict(app.config.get("SEARCH_ANALYZERS") or {})}
    app.extensions["search_store"] = Store(root, modes, app.config.get("SEARCH_ANALYZER", "mix"))


def store() -> Store:
    """The current app's index store."""
    return current_app.extensions["search_store"]

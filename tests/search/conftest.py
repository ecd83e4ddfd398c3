"""Search tests: each test gets its own empty index folder, and helpers to make articles and tokens."""

from __future__ import annotations

from typing import Any

import pytest

from portal.accounts import service as accounts
from portal.search.store import Store


@pytest.fixture()
def index(app: Any, db: Any, tmp_path: Any) -> Store:
    """A fresh index store for this test (the app's own is put back afterwards)."""
    previous = app.extensions["search_store"]
    store = Store(tmp_path / "search", previous.modes, previous.default_mode)
    app.extensions["search_store"] = store
    yield store
    app.extensions["search_store"] = previous


@pytest.fixture()
def make_article(db: Any, agent: Any) -> Any:
    """An article written through the knowledge service and committed (indexed at once: jobs run inline)."""
    from portal.knowledge import service

    def make(title: str, body: str = "", **options: Any) -> Any:
        options.setdefault("status", "published")
        article = service.create_article(agent, title=title, body=body, **options)
        db.session.commit()
        return article

    return make


@pytest.fixture()
def token_for(db: Any) -> Any:
    def make(user: Any) -> dict[str, str]:
        plain = accounts.issue_token(user, "test")
        db.session.commit()
        return {"Authorization": f"Bearer {plain}"}

    return make

"""Fixtures of the board's tests: topics, posts and replies made through the real services, and API tokens."""

from __future__ import annotations

from typing import Any

import pytest

_n = {"i": 0}


def _next() -> int:
    _n["i"] += 1
    return _n["i"]


@pytest.fixture(autouse=True)
def _quick_password_hashes(monkeypatch: Any) -> None:
    """These tests create many accounts; scrypt costs a third of a second each on a shared machine. Sign-in
    still checks real hashes (pbkdf2 with one round), so only the cost changes, not what is tested."""
    from werkzeug.security import generate_password_hash

    from portal.accounts import service

    monkeypatch.setattr(
        service, "generate_password_hash", lambda p: generate_password_hash(p, "pbkdf2:sha256:1")
    )


@pytest.fixture()
def make_topic(db: Any) -> Any:
    from portal.community import configure

    def make(slug: str | None = None, name: str = "요금·결제", name_en: str = "Billing") -> Any:
        topic = configure.save_topic(None, slug=slug or f"topic-{_next()}", name=name, name_en=name_en)
        db.session.commit()
        return topic

    return make


@pytest.fixture()
def make_post(db: Any, make_user: Any) -> Any:
    """make_post(author=None, title=…, body=…, **kw): a post through the real service, committed."""
    from portal.community import service

    def make(author: Any = None, **fields: Any) -> Any:
        author = author or make_user("customer")
        n = _next()
        fields.setdefault("title", f"요금제 질문 {n}")
        fields.setdefault("body", f"데이터 요금제를 바꾸고 싶은데 어떻게 하나요? ({n})")
        post = service.create_post(author, **fields)
        db.session.commit()
        return post

    return make


@pytest.fixture()
def make_reply(db: Any, make_user: Any) -> Any:
    from portal.community import service

    def make(post: Any, author: Any = None, body: str | None = None) -> Any:
        author = author or make_user("customer")
        reply = service.add_reply(
            author, post, body or f"저는 앱에서 바꿨어요. 설정 메뉴에 있어요 ({_next()})"
        )
        db.session.commit()
        return reply

    return make


@pytest.fixture()
def token_for(db: Any) -> Any:
    """Authorization headers for a user's API token."""
    from portal.accounts import service as accounts

    def make(user: Any) -> dict[str, str]:
        plain = accounts.issue_token(user)
        db.session.commit()
        return {"Authorization": f"Bearer {plain}"}

    return make


@pytest.fixture()
def draft_receiver() -> Any:
    """A knowledge base stand-in connected to article_draft_requested for one test: records calls, returns a URL."""
    from portal.core import signals

    calls: list[dict[str, Any]] = []

    def receive(sender: Any, **kwargs: Any) -> str:
        calls.append({"sender": sender, **kwargs})
        return f"/kb/drafts/{len(calls)}"

    from portal.knowledge.service import draft_from_answer

    signals.article_draft_requested.disconnect(draft_from_answer)  # the real knowledge base steps aside
    signals.article_draft_requested.connect(receive)
    yield calls
    signals.article_draft_requested.disconnect(receive)
    signals.article_draft_requested.connect(draft_from_answer)


@pytest.fixture()
def no_knowledge_base() -> Any:
    """No receiver for article_draft_requested during one test (as on an install without a knowledge base)."""
    from portal.core import signals
    from portal.knowledge.service import draft_from_answer

    signals.article_draft_requested.disconnect(draft_from_answer)
    yield
    signals.article_draft_requested.connect(draft_from_answer)

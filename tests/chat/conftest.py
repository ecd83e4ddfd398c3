"""Chat test helpers: API tokens, a test suggester for the bot, and a guest's chat started through the API."""

from __future__ import annotations

from typing import Any

import pytest

from portal.accounts import service as accounts
from portal.channels.chat import bot, settings_store

ARTICLE = {
    "kind": "article",
    "id": 7,
    "title": "요금 환불 받는 방법",
    "url": "/kb/7",
    "snippet": "중복 결제된 <b>요금</b>은 3영업일 안에 환불됩니다.",
}


@pytest.fixture(autouse=True)
def _fresh_chat_state():
    settings_store._origins_cache.clear()
    yield
    bot.set_suggester(None)
    settings_store._origins_cache.clear()


@pytest.fixture()
def token_for(db):
    def make(user):
        plain = accounts.issue_token(user, "test")
        db.session.commit()
        return {"Authorization": f"Bearer {plain}"}

    return make


@pytest.fixture()
def suggester():
    """The bot offers one article for anything mentioning 환불 or refund, nothing otherwise."""
    asked: list[tuple[str, str, Any]] = []

    def suggest(text, locale, customer):
        asked.append((text, locale, customer))
        return [dict(ARTICLE)] if ("환불" in text or "refund" in text.lower()) else []

    bot.set_suggester(suggest)
    return asked


@pytest.fixture()
def online_agent(db, agent):
    from portal.channels.chat import agents

    agents.set_presence(agent, "online")
    db.session.commit()
    return agent


@pytest.fixture()
def start_guest_chat(client):
    def start(text="환불은 언제 되나요?", email="guest@example.com", name="손님", **extra):
        response = client.post(
            "/api/v1/chats", json={"text": text, "customer_email": email, "customer_name": name, **extra}
        )
        assert response.status_code == 201, response.get_json()
        body = response.get_json()
        return body, {"X-Chat-Token": body["token"]}

    return start


def csrf_headers(client) -> dict[str, str]:
    """The X-CSRFToken header a page of this session carries (cookie sessions must send it to the API)."""
    import re

    page = client.get("/desk/chats/").get_data(as_text=True)
    if 'name="csrf-token"' not in page:
        page = client.get("/").get_data(as_text=True)
    return {"X-CSRFToken": re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)}

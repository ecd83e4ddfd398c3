"""Catalog fixtures: a real local webhook server, items built through the service, quick retries."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.catalog import servers

SECRET = "test-webhook-secret-0123456789"


@pytest.fixture(scope="session")
def webhook_server() -> Iterator[servers.WebhookServer]:
    server = servers.WebhookServer(slow_seconds=2.5)
    httpd = servers.start(server)
    yield server
    httpd.shutdown()


@pytest.fixture()
def webhook(webhook_server: servers.WebhookServer) -> servers.WebhookServer:
    webhook_server.clear()
    return webhook_server


@pytest.fixture(autouse=True)
def quick_retries(app: Any, monkeypatch: Any) -> None:
    """Retries follow at once in tests (the backoff itself is tested on its own)."""
    monkeypatch.setitem(app.config, "CATALOG_RETRY_BASE_SECONDS", 0)


def field(name: str, kind: str = "text", **extra: Any) -> dict[str, Any]:
    """A form field definition."""
    return {"name": name, "type": kind, "label": {"ko": f"{name} 질문", "en": f"{name} question"}, **extra}


def lost_card_definition(url: str, **fulfilment: Any) -> dict[str, Any]:
    """An item like the demo's lost-card report, calling `url`."""
    return {
        "slug": fulfilment.pop("slug", "lost-card-test"),
        "names": {"ko": "카드 분실 신고", "en": "Report a lost card"},
        "categories": {"ko": "카드", "en": "Cards"},
        "audience": fulfilment.pop("audience", "customers"),
        "fields": [
            field("card_last4", required=True, pattern="[0-9]{4}", min_length=4, max_length=4),
            field("abroad", "yes_no", required=True),
            field("country", required=True, condition={"field": "abroad", "equals": "yes"}),
            field("details", "long_text"),
        ],
        "fulfilment": {
            "kind": "auto",
            "action": "webhook",
            "config": {
                "url": url,
                "secret": SECRET,
                "timeout_seconds": 1,
                "max_attempts": 3,
                "result_fields": "report_no",
            },  # fmt: skip
            "done_messages": {"ko": "정지 완료: {report_no}", "en": "Blocked: {report_no}"},
            **fulfilment,
        },
    }


@pytest.fixture()
def make_item(db: Any) -> Any:
    """An item saved through the service (validated like the admin's), committed."""
    from portal.catalog import service

    def make(definition: dict[str, Any]) -> Any:
        item = service.save_item(None, definition)
        db.session.commit()
        return item

    return make


@pytest.fixture()
def card_group(db: Any) -> Any:
    from portal.accounts import service

    group = service.save_group(None, name="카드 Card services")
    db.session.commit()
    return group

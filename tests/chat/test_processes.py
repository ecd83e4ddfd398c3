"""Real time across processes: two portal processes on one database (SQLite file, or PostgreSQL with
--db=postgresql) deliver a message written on one to a long-poll waiting on the other within a second, through the
database by default and through Redis pub/sub when REDIS_URL is set."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import pytest

from tests.chat import processes
from tests.conftest import database_url, make_app
from tests.conftest import test_settings as settings_for

pytestmark = pytest.mark.slow


@pytest.fixture()
def shared_db(tmp_path, db_kind, pg_server) -> tuple[Any, str, dict[str, str]]:
    """A migrated database both processes use, with an agent and their API token."""
    from portal.accounts import service as accounts
    from portal.extensions import db

    name = f"chat_procs_{time.monotonic_ns()}"
    url = database_url(db_kind, pg_server, tmp_path, name)
    app = make_app(settings_for(tmp_path / "seed", url))
    with app.app_context():
        agent = accounts.create_user(
            "procs-agent@example.com", "김민준", password="password-123", role="agent"
        )
        token = accounts.issue_token(agent)
        db.session.commit()
        db.engine.dispose()
    return tmp_path, url, {"Authorization": f"Bearer {token}"}


def _long_poll(base: str, chat_id: int, after: int, headers: dict[str, str], result: dict[str, Any]) -> None:
    response = httpx.get(
        f"{base}/api/v1/chats/{chat_id}/messages",
        params={"after": after, "wait": 10},
        headers=headers,
        timeout=20,
    )
    result["at"] = time.monotonic()
    result["items"] = response.json()["items"]


def _deliver(
    receiver: str, sender: str, chat_id: int, after: int, read_as: dict, write_as: dict, text: str
) -> float:
    """Write `text` on one process while the other long-polls; returns how long it took to arrive there."""
    result: dict[str, Any] = {}
    waiting = threading.Thread(target=_long_poll, args=(receiver, chat_id, after, read_as, result))
    waiting.start()
    time.sleep(0.6)  # the poll is asleep on the other process by now
    assert "at" not in result, "the long-poll answered before anything was written"
    sent = time.monotonic()
    posted = httpx.post(
        f"{sender}/api/v1/chats/{chat_id}/messages",
        headers=write_as,
        json={"text": text, "client_id": f"c-{time.monotonic_ns()}"},
    )
    assert posted.status_code == 201, posted.text
    waiting.join(timeout=15)
    assert text in [i["text"] for i in result["items"]]
    return result["at"] - sent


def _exchange(a: str, b: str, agent: dict[str, str]) -> tuple[float, float]:
    started = httpx.post(
        f"{a}/api/v1/chats",
        json={"text": "모뎀 불빛이 빨개요", "customer_email": "p@example.com", "customer_name": "손님"},
    )
    assert started.status_code == 201, started.text
    chat = started.json()
    assert chat["status"] == "waiting"  # nothing found: in line for a person
    key = {"X-Chat-Token": chat["token"]}
    # The agent's first words take the chat (and warm both processes up): delivered, not timed.
    assert _deliver(a, b, chat["id"], chat["last_seq"], key, agent, "안녕하세요, 김민준입니다") < 5
    last = httpx.get(f"{a}/api/v1/chats/{chat['id']}/messages", headers=key).json()["items"][-1]["seq"]
    to_customer = _deliver(a, b, chat["id"], last, key, agent, "모뎀 모델명을 알려주세요")
    last = httpx.get(f"{b}/api/v1/chats/{chat['id']}/messages", headers=agent).json()["items"][-1]["seq"]
    to_agent = _deliver(b, a, chat["id"], last, agent, key, "네, 모뎀이 안 켜져요")
    return to_customer, to_agent


def test_two_processes_on_one_database_deliver_within_a_second(shared_db):
    folder, url, agent = shared_db
    processes.write_config(folder / "a", CHAT_FANOUT="database")
    processes.write_config(folder / "b", CHAT_FANOUT="database")
    with processes.portal_processes([folder / "a", folder / "b"], url) as (a, b):
        to_customer, to_agent = _exchange(a, b, agent)
    assert to_customer < 1.0 and to_agent < 1.0, (to_customer, to_agent)


def test_with_redis_the_other_process_hears_it_through_pub_sub(shared_db):
    folder, url, agent = shared_db
    # The database watcher only looks every 30 s here: a delivery within a second came through Redis.
    for name in ("a", "b"):
        processes.write_config(folder / name, CHAT_SAFETY_INTERVAL=30.0)
    with (
        processes.redis_server(folder / "redis") as redis_url,
        processes.portal_processes([folder / "a", folder / "b"], url, redis_url=redis_url) as (a, b),
    ):
        to_customer, to_agent = _exchange(a, b, agent)
    assert to_customer < 1.0 and to_agent < 1.0, (to_customer, to_agent)

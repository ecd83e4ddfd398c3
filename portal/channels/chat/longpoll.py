"""Long-polling: answer at once when there is news, else wait (without holding a database connection) until a
commit anywhere wakes this request or the time is up. Clients resume by sequence number after any drop."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import current_app

from portal.channels.chat.fanout import hub_for
from portal.channels.chat.models import Chat
from portal.extensions import db

Check = Callable[[dict[int, int]], Any]


def newest(chat_ids: list[int]) -> dict[int, int]:
    """The committed newest event number of each chat."""
    if not chat_ids:
        return {}
    rows = db.session.execute(sa.select(Chat.id, Chat.last_seq).where(Chat.id.in_(chat_ids)))
    return {chat_id: seq for chat_id, seq in rows}


def wait_for(keys: list[int], read: Callable[[], dict[int, int]], check: Check, wait: float) -> Any:
    """Call `check(numbers)` until it returns something truthy or `wait` seconds passed; returns its last answer.

    `read` gives the committed numbers of `keys`; between rounds the request sleeps on the hub, registered before
    reading so that a commit after the read always wakes it.
    """
    hub = hub_for(current_app._get_current_object())  # type: ignore[attr-defined]
    deadline = time.monotonic() + max(0.0, wait)
    waiter = hub.listen(keys) if wait > 0 else None
    try:
        while True:
            if waiter is not None:
                waiter.event.clear()
            numbers = read()
            answer = check(numbers)
            remaining = deadline - time.monotonic()
            if answer or waiter is None or remaining <= 0:
                return answer
            for key, value in numbers.items():
                waiter.expect(key, value)
            db.session.commit()  # nothing held while asleep (and anything noted on the way is saved)
            waiter.wait(remaining)
    finally:
        if waiter is not None:
            hub.release(waiter)

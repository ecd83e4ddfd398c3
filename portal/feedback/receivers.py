"""What starts a survey (a solved ticket, an ended chat, a fulfilled request) and what moves surveys (merges)."""

from __future__ import annotations

from typing import Any

from portal.core import signals
from portal.customers import service as customers
from portal.feedback import service
from portal.feedback.models import Survey

DONE = ("solved", "closed")


@signals.ticket_changed.connect
def _on_ticket_changed(ticket: Any, changes: dict[str, tuple[Any, Any]], actor: Any = None, **_: Any) -> None:
    old, new = changes.get("status", (None, None))
    if new in DONE and old not in DONE and not ticket.merged_into_id:
        service.ask_after(ticket, "ticket_solved", actor=actor)


@signals.chat_ended.connect
def _on_chat_ended(chat: Any, ticket: Any = None, actor: Any = None, **_: Any) -> None:
    service.ask_after(
        ticket,
        "chat_ended",
        customer_id=getattr(chat, "customer_id", None),
        source_type="chat",
        source_id=getattr(chat, "id", None),
        actor=actor,
    )


@signals.request_fulfilled.connect
def _on_request_fulfilled(request: Any, ticket: Any = None, automatic: bool = False, **_: Any) -> None:
    service.ask_after(
        ticket,
        "request_fulfilled",
        customer_id=getattr(request, "customer_id", None),
        source_type="request",
        source_id=getattr(request, "id", None),
        automatic=bool(automatic),
    )


customers.follows_merges(Survey, "surveys")

"""Where triggers run: at intake (ticket_routing, before the ticket is announced) and on every later change."""

from __future__ import annotations

from typing import Any

from portal.core import signals
from portal.rules import engine
from portal.rules.conditions import Facts
from portal.tickets.models import Message, Ticket


def actor_kind(actor: Any) -> str:
    """customer, agent or system, as the "updated by" condition reads it."""
    if actor is None:
        return "system"
    return "agent" if getattr(actor, "is_staff", False) else "customer"


@signals.ticket_routing.connect
def _routing(ticket: Ticket, *, message: Message, inbound: Any = None, **_: Any) -> None:
    with engine.quietly(ticket):
        for hook in engine.before_routing:
            hook(ticket, message=message, inbound=inbound)
    kind = message.author_kind if message.author_kind in ("customer", "agent") else "system"
    engine.run_triggers(ticket, Facts(ticket, "created", kind, message=message))


@signals.ticket_changed.connect
def _changed(ticket: Ticket, *, changes: dict[str, Any], actor: Any = None, **_: Any) -> None:
    engine.run_triggers(ticket, Facts(ticket, "updated", actor_kind(actor), changes=dict(changes)))


@signals.message_received.connect
def _received(message: Message, *, ticket: Ticket, created: bool, **_: Any) -> None:
    if not created:
        engine.run_triggers(ticket, Facts(ticket, "updated", "customer", message=message))


@signals.message_posted.connect
def _posted(message: Message, *, ticket: Ticket, **_: Any) -> None:
    if message.direction == "outbound" and message.author_kind == "agent":
        engine.run_triggers(ticket, Facts(ticket, "updated", "agent", message=message))

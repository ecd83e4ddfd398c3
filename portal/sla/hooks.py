"""Where the SLA clock listens: every ticket change that can start, pause, resume or fulfil a target."""

from __future__ import annotations

from typing import Any

from portal.core import signals
from portal.sla.clock import refresh
from portal.tickets.models import Message, Ticket

# Fields a policy or a clock depends on: group and channel pick the policy, priority the target, status pauses.
WATCHED = {"status", "priority", "group"}


@signals.ticket_created.connect
def _created(ticket: Ticket, **_: Any) -> None:
    refresh(ticket)


@signals.ticket_changed.connect
def _changed(ticket: Ticket, *, changes: dict[str, Any], **_: Any) -> None:
    if WATCHED & set(changes):
        refresh(ticket)


@signals.message_posted.connect
def _posted(message: Message, *, ticket: Ticket, **_: Any) -> None:
    if message.direction == "outbound":  # a public reply: the first response, and new → open
        refresh(ticket)


@signals.message_received.connect
def _received(message: Message, *, ticket: Ticket, created: bool, **_: Any) -> None:
    if not created:  # the customer answered: a pending ticket reopens and its clocks run again
        refresh(ticket)


@signals.tickets_merged.connect
def _merged(ticket: Ticket, *, other: Ticket, **_: Any) -> None:
    refresh(other)

"""Report facts follow every ticket change as it happens (in the same transaction as the change)."""

from __future__ import annotations

from typing import Any

from portal.core import signals
from portal.reports.rollup import sync_ticket


@signals.ticket_created.connect
def _on_created(ticket: Any, **_: Any) -> None:
    sync_ticket(ticket)


@signals.ticket_changed.connect
def _on_changed(ticket: Any, **_: Any) -> None:
    sync_ticket(ticket)


@signals.message_posted.connect
def _on_posted(message: Any, ticket: Any = None, **_: Any) -> None:
    if ticket is not None:  # the first public answer sets first_response_at
        sync_ticket(ticket)


@signals.message_received.connect
def _on_received(message: Any, ticket: Any = None, **_: Any) -> None:
    if ticket is not None:  # a customer's reply may reopen a solved ticket
        sync_ticket(ticket)


@signals.tickets_merged.connect
def _on_merged(ticket: Any, other: Any = None, **_: Any) -> None:
    sync_ticket(ticket)
    if other is not None:
        sync_ticket(other)

"""The adapter contract: what a channel must do to deliver what agents send (its intake side only builds Inbound)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass
class Outbound:
    """Something for a customer, channel-neutral: an agent's reply, an acknowledgement, a notice."""

    kind: str  # reply, acknowledgement, notice
    ticket_id: int
    ticket_ref: int
    customer_id: int
    to_email: str | None
    to_name: str
    locale: str
    subject: str
    text: str
    html: str | None = None
    message_id: int | None = None  # the stored Message this delivers (None for acknowledgements)
    author_name: str = ""
    portal_url: str = ""  # where the customer reads and answers (signed for guests)
    attachments: list[dict[str, Any]] = field(default_factory=list)  # {"path", "filename", "content_type"}
    thread_ids: list[str] = field(default_factory=list)  # external ids of earlier messages, oldest first


class ChannelAdapter(Protocol):
    """A channel's outgoing side. `deliver` runs inside the transaction and must only queue (outbox)."""

    name: str

    def deliver(self, outbound: Outbound) -> None:
        """Queue the outbound message for sending after commit."""
        ...

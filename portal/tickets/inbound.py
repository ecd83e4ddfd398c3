"""The channel-neutral values that cross the one door: what came in (Inbound) and what intake made of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from portal.customers.service import Hints

if TYPE_CHECKING:
    from portal.customers.models import Customer
    from portal.tickets.models import Message, Ticket


@dataclass
class InboundAttachment:
    """A file that arrived with a message."""

    filename: str
    content_type: str
    data: bytes
    content_id: str | None = None  # referenced from the HTML as cid:…
    inline: bool = False


@dataclass
class Inbound:
    """One message from outside, as any channel sees it, translated out of its protocol."""

    channel: str
    sender: Hints
    text: str
    subject: str = ""
    html: str | None = None
    quoted_text: str | None = None
    external_id: str | None = None  # the channel's own id (Message-ID, chat message id) for deduplication
    reply_to: list[str] = field(default_factory=list)  # external ids this answers (In-Reply-To, References)
    ticket_ref: int | None = (
        None  # the channel already knows the ticket (a portal reply, a chat) and checked it
    )
    attachments: list[InboundAttachment] = field(default_factory=list)
    participants: list[tuple[str, str]] = field(default_factory=list)  # (address, name) copied in (Cc)
    received_at: datetime | None = None
    subject_threading: bool = False  # may join a recent ticket of the same customer with the same subject
    author_kind: str = "customer"
    priority: str | None = None
    tags: list[str] = field(default_factory=list)
    group_id: int | None = None
    context: dict[str, Any] = field(default_factory=dict)  # what the customer did before filing
    meta: dict[str, Any] = field(default_factory=dict)  # channel details kept on the message
    flagged: str | None = None  # the channel could not read it fully: a person should look
    notify: bool = True  # False for auto-replies and bulk mail: never acknowledged (no loops)
    reopen: bool = True  # False for auto-replies: an out-of-office answer does not reopen a solved ticket


@dataclass
class IntakeResult:
    """What the door did: created a ticket, appended to one, or recognised a duplicate."""

    outcome: str  # created, appended, duplicate
    ticket: Ticket
    message: Message
    customer: Customer
    reason: str  # how the ticket was chosen: new, channel, header, subject_token, subject_match, duplicate
    skipped_attachments: list[dict[str, Any]] = field(default_factory=list)

"""What agents (and customers, on their own tickets) do to tickets. Flushes, never commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.accounts.models import Group, User
from portal.core import signals
from portal.core.db import next_number, utcnow
from portal.core.errors import DomainError, ValidationFailed
from portal.customers import service as customers
from portal.extensions import db
from portal.tickets import attachments as files
from portal.tickets.inbound import InboundAttachment
from portal.tickets.models import PRIORITIES, STATUSES, Attachment, Message, Ticket, TicketEvent
from portal.tickets.tags import parse_tags, set_tags
from portal.tickets.threading import subject_key


class ReplyHeld(DomainError):
    """The conversation changed since the agent started writing: the reply waits for their review."""

    status = 409
    code = "conversation_changed"

    def __init__(self, ticket: Ticket, since_version: int) -> None:
        super().__init__(
            str(_l("New activity on this ticket since you started writing. Review it, then send."))
        )
        self.ticket = ticket
        self.since_version = since_version


def _event(
    ticket: Ticket, actor: Any, kind: str, data: dict[str, Any], actor_kind: str | None = None
) -> None:
    staff = getattr(actor, "is_staff", False)
    db.session.add(
        TicketEvent(
            ticket_id=ticket.id,
            actor_id=getattr(actor, "id", None),
            actor_kind=actor_kind or ("agent" if staff else "customer" if actor else "system"),
            kind=kind,
            data=data,
        )
    )


def add_reply(
    ticket: Ticket,
    actor: User,
    text: str,
    *,
    internal: bool = False,
    uploads: Iterable[InboundAttachment] = (),
    channel: str | None = None,
    seen_version: int | None = None,
    html: str | None = None,
    author_kind: str = "agent",
) -> Message:
    """A public reply (sent to the customer on the ticket's channel) or an internal note, by an agent."""
    text = (text or "").strip()
    uploads = list(uploads)
    if not text and not uploads:
        raise ValidationFailed([("text", str(_l("Write a message.")))])
    files.check_uploads([(u.filename, len(u.data)) for u in uploads])
    if seen_version is not None and seen_version != ticket.version:
        raise ReplyHeld(ticket, seen_version)
    now = utcnow()
    message = Message(
        ticket_id=ticket.id,
        channel=channel or reply_channel(ticket),
        direction="internal" if internal else "outbound",
        author_kind=author_kind,
        author_user_id=actor.id if actor else None,
        author_name=actor.name if actor else "",
        text=text,
        html=html,
        created_at=now,
        meta={},
        delivery=None if internal else "queued",
    )
    db.session.add(message)
    db.session.flush()
    for upload in uploads:
        name = files.clean_filename(upload.filename)
        db.session.add(
            Attachment(
                message_id=message.id,
                sha256=files.store(upload.data),
                size=len(upload.data),
                filename=name,
                content_type=files.guess_type(name, upload.content_type),
            )
        )
    ticket.message_count += 1
    ticket.version += 1
    ticket.updated_at = now
    ticket.last_message_at = now
    if not internal:
        if ticket.first_response_at is None and author_kind == "agent":
            ticket.first_response_at = now
        if ticket.status == "new":
            _set_status(ticket, "open", actor)
        customers.record(
            ticket.customer_id,
            "message",
            _snippet(text),
            channel=message.channel,
            ticket_id=ticket.id,
            ticket_ref=str(ticket.ref),
            subject_type="message",
            subject_id=message.id,
            url=f"/desk/tickets/{ticket.ref}#m{message.id}",
            at=now,
        )
    db.session.flush()
    db.session.expire(message, ["attachments"])
    signals.message_posted.send(message, ticket=ticket, actor=actor)
    return message


def reply_channel(ticket: Ticket) -> str:
    """Replies go back where the customer last wrote from (the channel of their latest message)."""
    last = db.session.scalar(
        sa.select(Message.channel)
        .where(Message.ticket_id == ticket.id, Message.direction == "inbound")
        .order_by(Message.id.desc())
        .limit(1)
    )
    return last or ticket.channel


def _snippet(text: str) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= 140 else flat[:139] + "…"


def _set_status(ticket: Ticket, status: str, actor: Any) -> None:
    old = ticket.status
    if old == status:
        return
    now = utcnow()
    ticket.status = status
    if status == "solved":
        ticket.solved_at = now
    elif status == "closed":
        ticket.closed_at = now
        ticket.solved_at = ticket.solved_at or now
    else:
        ticket.solved_at = None
        ticket.closed_at = None
    _event(ticket, actor, "status", {"from": old, "to": status})


def update_ticket(
    ticket: Ticket,
    actor: Any,
    *,
    status: str | None = None,
    priority: str | None = None,
    assignee: User | None | str = "keep",
    group: Group | None | str = "keep",
    tags: Iterable[str] | None = None,
    add_tags: Iterable[str] = (),
    subject: str | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Change fields of a ticket, record each change in its history, and announce them."""
    changes: dict[str, tuple[Any, Any]] = {}
    errors = []
    if status is not None and status not in STATUSES:
        errors.append(("status", str(_l("Unknown status."))))
    if priority is not None and priority not in PRIORITIES:
        errors.append(("priority", str(_l("Unknown priority."))))
    if isinstance(assignee, User) and not assignee.is_staff:
        errors.append(("assignee", str(_l("Only agents can be assigned."))))
    if errors:
        raise ValidationFailed(errors)
    if ticket.status == "closed" and status not in (None, "closed") and not getattr(actor, "is_staff", False):
        raise DomainError(str(_l("A closed request cannot be reopened; please file a new one.")))
    if status is not None and status != ticket.status:
        changes["status"] = (ticket.status, status)
        _set_status(ticket, status, actor)
    if priority is not None and priority != ticket.priority:
        changes["priority"] = (ticket.priority, priority)
        _event(ticket, actor, "priority", {"from": ticket.priority, "to": priority})
        ticket.priority = priority
    if assignee != "keep" and getattr(assignee, "id", None) != ticket.assignee_id:
        new_id = getattr(assignee, "id", None)
        changes["assignee"] = (ticket.assignee_id, new_id)
        _event(
            ticket,
            actor,
            "assignee",
            {"from": ticket.assignee_id, "to": new_id, "name": getattr(assignee, "name", None)},
        )
        ticket.assignee_id = new_id
        ticket.assignee = assignee if isinstance(assignee, User) else None
    if group != "keep" and getattr(group, "id", None) != ticket.group_id:
        new_id = getattr(group, "id", None)
        changes["group"] = (ticket.group_id, new_id)
        _event(
            ticket,
            actor,
            "group",
            {"from": ticket.group_id, "to": new_id, "name": getattr(group, "name", None)},
        )
        ticket.group_id = new_id
        ticket.group = group if isinstance(group, Group) else None
    if tags is not None or add_tags:
        wanted = parse_tags(list(tags) if tags is not None else ticket.tags) + parse_tags(list(add_tags))
        added, removed = set_tags(ticket, wanted)
        if added or removed:
            changes["tags"] = (removed, added)
            _event(ticket, actor, "tags", {"added": added, "removed": removed})
    if subject is not None and subject.strip() and subject.strip() != ticket.subject:
        changes["subject"] = (ticket.subject, subject.strip()[:300])
        ticket.subject, ticket.subject_key = subject.strip()[:300], subject_key(subject)
    if changes:
        ticket.updated_at = utcnow()
        ticket.version += 1
        db.session.flush()
        signals.ticket_changed.send(ticket, changes=changes, actor=actor)
    return changes


def merge_tickets(target: Ticket, source: Ticket, actor: User) -> None:
    """Move every message of `source` into `target` (same customer) and close `source` as merged."""
    if target.id == source.id:
        raise ValidationFailed([("ticket", str(_l("A ticket cannot be merged into itself.")))])
    if target.customer_id != source.customer_id:
        raise ValidationFailed([("ticket", str(_l("Only tickets of the same customer can be merged.")))])
    if source.merged_into_id or target.merged_into_id:
        raise DomainError(str(_l("One of these tickets was already merged.")))
    moved = db.session.execute(
        sa.update(Message).where(Message.ticket_id == source.id).values(ticket_id=target.id)
    ).rowcount
    target.message_count += moved
    target.version += 1
    target.updated_at = utcnow()
    target.last_message_at = max(filter(None, [target.last_message_at, source.last_message_at]), default=None)
    set_tags(target, target.tags + source.tags)
    source.message_count = 0
    source.merged_into_id = target.id
    _set_status(source, "closed", actor)
    _event(target, actor, "merged_in", {"ref": source.ref, "messages": moved})
    _event(source, actor, "merged_into", {"ref": target.ref})
    db.session.flush()
    signals.tickets_merged.send(target, other=source, actor=actor)


def split_message(message: Message, actor: User) -> Ticket:
    """Take one message off its ticket into a new ticket of the same customer (both histories say so)."""
    source = db.session.get(Ticket, message.ticket_id)
    assert source is not None
    if source.message_count <= 1:
        raise ValidationFailed([("message", str(_l("The only message of a ticket cannot be split off.")))])
    subject = (message.meta or {}).get("subject") or source.subject
    ticket = Ticket(
        ref=next_number(db.session, "ticket"),
        subject=subject[:300],
        subject_key=subject_key(subject),
        status="open",
        priority=source.priority,
        channel=message.channel,
        customer_id=message.author_customer_id or source.customer_id,
        group_id=source.group_id,
        message_count=1,
        last_message_at=message.created_at,
        last_inbound_at=message.created_at,
    )
    db.session.add(ticket)
    db.session.flush()
    message.ticket_id = ticket.id
    message.thread_reason = "split"
    source.message_count -= 1
    source.version += 1
    _event(source, actor, "split_out", {"ref": ticket.ref, "message_id": message.id})
    _event(ticket, actor, "split_from", {"ref": source.ref, "message_id": message.id})
    customers.record(
        ticket.customer_id,
        "ticket",
        ticket.subject,
        channel=ticket.channel,
        ticket_id=ticket.id,
        ticket_ref=str(ticket.ref),
        url=f"/desk/tickets/{ticket.ref}",
    )
    db.session.flush()
    # the new ticket gets its SLA clocks and report row like any other (no acknowledgement: nobody wrote in)
    signals.ticket_created.send(ticket, message=message, inbound=None, actor=actor, split_from=source)
    return ticket


def move_message(message: Message, target: Ticket, actor: User) -> None:
    """Move a message that was threaded wrongly onto another ticket."""
    source = db.session.get(Ticket, message.ticket_id)
    assert source is not None
    if target.id == source.id:
        return
    if source.message_count <= 1:
        raise ValidationFailed([("message", str(_l("Merge the tickets instead: this is the only message.")))])
    message.ticket_id = target.id
    message.thread_reason = "moved"
    source.message_count -= 1
    source.version += 1
    target.message_count += 1
    target.version += 1
    target.updated_at = utcnow()
    _event(source, actor, "message_moved_out", {"ref": target.ref, "message_id": message.id})
    _event(target, actor, "message_moved_in", {"ref": source.ref, "message_id": message.id})
    db.session.flush()


customers.follows_merges(Ticket, "tickets")
customers.follows_merges(Message, "message_authors", column="author_customer_id")

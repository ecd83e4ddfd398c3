"""Tickets as searchable documents: agents see all, each customer their own."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from portal.core import searchable, signals
from portal.core.searchable import Document
from portal.extensions import db
from portal.tickets.models import Message, Ticket

BODY_CHARS = 20000


class TicketSource:
    """Subject and the public conversation (internal notes only reach agents' results through the title)."""

    kind = "ticket"

    def load(self, ids: list[int]) -> list[Document]:
        tickets = db.session.scalars(
            sa.select(Ticket).where(Ticket.id.in_(ids), Ticket.merged_into_id.is_(None))
        )
        found = {t.id: t for t in tickets}
        if not found:
            return []
        texts: dict[int, list[str]] = {i: [] for i in found}
        rows = db.session.execute(
            sa.select(Message.ticket_id, Message.text)
            .where(Message.ticket_id.in_(list(found)), Message.direction != "internal")
            .order_by(Message.id)
        )
        for ticket_id, text in rows:
            texts[ticket_id].append(text or "")
        return [
            Document(
                kind="ticket",
                id=t.id,
                title=f"#{t.ref} {t.subject}",
                body="\n".join(texts[t.id])[:BODY_CHARS],
                url=f"/requests/{t.ref}",
                visibility=["staff", f"customer:{t.customer_id}"],
                updated_at=t.updated_at,
                tags=t.tags,
                category=t.status,
                extra={"ref": t.ref, "status": t.status},
            )
            for t in found.values()
        ]

    def batches(self, size: int) -> Iterator[list[int]]:
        return searchable.id_batches(Ticket.id, size)

    def count(self) -> int:
        return searchable.row_count(Ticket.id)


searchable.register(TicketSource())


def _message(message: Message, *, ticket: Ticket, **_: object) -> None:
    searchable.changed(db.session, "ticket", ticket.id)


def _ticket(ticket: Ticket, **_: object) -> None:
    searchable.changed(db.session, "ticket", ticket.id)


signals.message_received.connect(_message)
signals.message_posted.connect(_message)
signals.ticket_changed.connect(_ticket)

"""Read-side selects of the email channel."""

from __future__ import annotations

import sqlalchemy as sa

from portal.channels.email.models import OUTCOMES, Mailbox, MailLog


def mailboxes() -> sa.Select:
    """Every mailbox, failing ones first."""
    return sa.select(Mailbox).order_by((Mailbox.failures > 0).desc(), Mailbox.name, Mailbox.id)


def mail_log(
    *, outcome: str | None = None, sender: str | None = None, before: int | None = None, limit: int = 50
) -> sa.Select:
    """The mail log, newest first, keyset-paged by id; filter by outcome and sender (indexed)."""
    stmt = sa.select(MailLog)
    if outcome in OUTCOMES:
        stmt = stmt.where(MailLog.outcome == outcome)
    if sender:
        stmt = stmt.where(MailLog.sender == sender.strip().lower())
    if before:
        stmt = stmt.where(MailLog.id < before)
    return stmt.order_by(MailLog.id.desc()).limit(limit)

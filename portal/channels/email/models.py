"""The email channel's own records: mailboxes polled over IMAP, and a log line for every mail that arrived."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import Model, utcnow

SECURITY = ("ssl", "starttls", "none")
SOURCES = ("pipe", "imap", "webhook", "retry")
OUTCOMES = ("created", "appended", "duplicate", "ignored", "bounce", "flagged")


class Mailbox(Model):
    """An IMAP mailbox an admin connected; the worker polls it and resumes from the last UID it committed."""

    __tablename__ = "mail_mailboxes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    address: Mapped[str] = mapped_column(sa.String(320), default="")  # the support address it receives
    host: Mapped[str] = mapped_column(sa.String(255))
    port: Mapped[int] = mapped_column(default=993)
    security: Mapped[str] = mapped_column(sa.String(10), default="ssl")
    username: Mapped[str] = mapped_column(sa.String(320))
    password_encrypted: Mapped[str] = mapped_column(
        sa.Text, default=""
    )  # Fernet, key derived from SECRET_KEY
    folder: Mapped[str] = mapped_column(sa.String(200), default="INBOX")
    move_to: Mapped[str] = mapped_column(sa.String(200), default="")  # empty: mark as seen instead
    enabled: Mapped[bool] = mapped_column(default=True)
    uidvalidity: Mapped[int | None] = mapped_column(sa.BigInteger)
    last_uid: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # Unseen messages up to this UID, present when the mailbox was connected (or re-synced), still to fetch.
    backlog_uid: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    resync_since: Mapped[datetime | None]  # after a UIDVALIDITY change: everything since this time
    lease_until: Mapped[datetime | None]  # one poll at a time: whoever holds an unexpired lease polls
    last_poll_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    last_error_at: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(default=0)  # consecutive failed polls
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def failing(self) -> bool:
        return self.failures > 0


class MailLog(Model):
    """Every mail that reached the channel, with what became of it and why; the raw bytes stay on disk."""

    __tablename__ = "mail_log"
    __table_args__ = (
        sa.Index("ix_mail_log_sender_at", "sender", "at"),
        sa.Index("ix_mail_log_outcome_id", "outcome", "id"),
        sa.Index(
            "uq_mail_log_imap",
            "mailbox_id",
            "uidvalidity",
            "uid",
            unique=True,
            sqlite_where=sa.text("uid IS NOT NULL"),
            postgresql_where=sa.text("uid IS NOT NULL"),
        ),
        sa.Index("ix_mail_log_pending_server", "mailbox_id", "server_done"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    source: Mapped[str] = mapped_column(sa.String(10))
    mailbox_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mail_mailboxes.id", ondelete="SET NULL"))
    uidvalidity: Mapped[int | None] = mapped_column(sa.BigInteger)
    uid: Mapped[int | None] = mapped_column(sa.BigInteger)
    server_done: Mapped[bool] = mapped_column(default=True)  # IMAP: marked seen or moved after the commit
    header_message_id: Mapped[str | None] = mapped_column(sa.String(500))
    sender: Mapped[str | None] = mapped_column(sa.String(320))
    subject: Mapped[str] = mapped_column(sa.String(300), default="")
    size: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[str] = mapped_column(sa.String(10))
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    ticket_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("tickets.id", ondelete="SET NULL"), index=True
    )
    ticket_ref: Mapped[int | None]
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("messages.id", ondelete="SET NULL"))
    raw_path: Mapped[str] = mapped_column(sa.String(300), default="")  # relative to the instance folder

"""Polling a mailbox over IMAP: resume by UID, back-fill after outages, mark seen only after the commit.

Per message: fetch with BODY.PEEK[] (the server keeps it unseen), ingest, advance `last_uid` and commit — the
ticket, the log line and the UID together. Only then is the message marked seen (or moved), and the log line
says so. A worker killed in between leaves either nothing committed (the UID is fetched again) or a committed
message whose server-side step is finished by the next poll: nothing lost, nothing twice.
"""

from __future__ import annotations

import socket
import ssl
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from imapclient import SEEN, IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from portal.channels.email import crypto
from portal.channels.email.ingest import ingest
from portal.channels.email.models import Mailbox, MailLog
from portal.core.db import utcnow
from portal.extensions import db

LEASE_SECONDS = 300  # MAIL_POLL_LEASE_SECONDS: how long a dead worker's poll blocks the next one
TIMEOUT = 30
RESYNC_MARGIN = timedelta(days=2)


class MailboxError(Exception):
    """A mailbox problem an admin can act on; `kind` says which (auth, network, tls, folder, key, other)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


def describe(error: BaseException) -> MailboxError:
    """Sort an exception into what an admin should check."""
    if isinstance(error, MailboxError):
        return error
    detail = str(error)[:500] or type(error).__name__
    if isinstance(error, LoginError):
        return MailboxError("auth", detail)
    if isinstance(error, ssl.SSLError):
        return MailboxError("tls", detail)
    if isinstance(error, (socket.gaierror, ConnectionError, TimeoutError, socket.timeout, OSError)):
        return MailboxError("network", detail)
    if isinstance(error, IMAPClientError):
        return MailboxError("other", detail)
    return MailboxError("other", f"{type(error).__name__}: {detail}")


def connect(box: Mailbox) -> IMAPClient:
    """A signed-in IMAP connection for this mailbox."""
    password = crypto.decrypt(box.password_encrypted)
    if password is None:
        raise MailboxError("key", "the password was saved under another SECRET_KEY")
    context = ssl.create_default_context()
    client = IMAPClient(
        box.host, port=box.port, ssl=box.security == "ssl", ssl_context=context, timeout=TIMEOUT
    )
    try:
        if box.security == "starttls":
            client.starttls(context)
        client.login(box.username, password)
    except Exception:
        _close(client)
        raise
    return client


def _close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # the connection is gone already
        client.shutdown() if hasattr(client, "shutdown") else None


def check(box: Mailbox) -> int:
    """Sign in and open the folder (the admin's "test connection"); returns how many messages it holds."""
    client = connect(box)
    try:
        try:
            info = client.select_folder(box.folder, readonly=True)
        except IMAPClientError as error:
            raise MailboxError("folder", str(error)) from error
        return int(info.get(b"EXISTS", 0))
    finally:
        _close(client)


def lease() -> timedelta:
    """How long one poll holds its mailbox before another may take it (renewed after every message)."""
    return timedelta(seconds=int(current_app.config.get("MAIL_POLL_LEASE_SECONDS", LEASE_SECONDS)))


def take_lease(mailbox_id: int) -> bool:
    """One poll at a time per mailbox: claim it with one UPDATE (an expired lease of a dead worker is taken)."""
    now = utcnow()
    table = Mailbox.__table__
    taken = db.session.execute(
        sa.update(table)
        .where(
            table.c.id == mailbox_id,
            table.c.enabled.is_(True),
            sa.or_(table.c.lease_until.is_(None), table.c.lease_until < now),
        )
        .values(lease_until=now + lease(), last_poll_at=now)
    ).rowcount
    db.session.commit()
    return bool(taken)


def poll(mailbox_id: int) -> str:
    """Fetch what is new in one mailbox; records success or the error for admins. Returns a short report."""
    if not take_lease(mailbox_id):
        return "busy or disabled"
    box = db.session.get(Mailbox, mailbox_id)
    assert box is not None
    try:
        client = connect(box)
        try:
            count = sync(client, box)
        finally:
            _close(client)
    except Exception as error:
        db.session.rollback()
        problem = describe(error)
        box = db.session.get(Mailbox, mailbox_id)
        assert box is not None
        box.failures += 1
        box.last_error, box.last_error_at, box.lease_until = str(problem)[:1000], utcnow(), None
        db.session.commit()
        current_app.logger.warning("mailbox %s failed: %s", mailbox_id, problem)
        return f"failed ({problem})"
    box.failures, box.last_error, box.last_success_at, box.lease_until = 0, None, utcnow(), None
    db.session.commit()
    return f"{count} new"


def sync(client: IMAPClient, box: Mailbox) -> int:
    """Bring the mailbox up to date: finish server-side steps left over, then take new and backlog UIDs."""
    try:
        info = client.select_folder(box.folder)
    except IMAPClientError as error:
        raise MailboxError("folder", f"{box.folder}: {error}") from error
    validity = int(info[b"UIDVALIDITY"])
    if box.uidvalidity != validity:
        _resync(client, box, validity, int(info.get(b"UIDNEXT") or 0))
    _finish_pending(client, box)
    batch = int(current_app.config.get("MAIL_POLL_BATCH", 100))
    uids = _candidates(client, box)[:batch]
    for uid in uids:
        _take(client, box, uid)
    return len(uids)


def _resync(client: IMAPClient, box: Mailbox, validity: int, uidnext: int) -> None:
    """First poll, or the server renumbered the folder: start from now, plus the unseen (or recent) backlog."""
    if box.uidvalidity is not None:  # renumbered: UIDs mean nothing now; content dedupe guards the re-read
        box.resync_since = (box.last_success_at or utcnow()) - RESYNC_MARGIN
    baseline = uidnext - 1 if uidnext else max(client.search(["ALL"]) or [0])
    box.uidvalidity, box.last_uid, box.backlog_uid = validity, baseline, baseline
    db.session.commit()


def _candidates(client: IMAPClient, box: Mailbox) -> list[int]:
    new = [u for u in client.search(["UID", f"{box.last_uid + 1}:*"]) if u > box.last_uid]
    old: list[int] = []
    if box.backlog_uid:
        criteria: list = ["SINCE", box.resync_since.date()] if box.resync_since else ["UNSEEN"]
        old = [u for u in client.search([*criteria, "UID", f"1:{box.backlog_uid}"]) if u <= box.backlog_uid]
        old = sorted(set(old) - _logged(box, old))
        if not old:
            box.backlog_uid, box.resync_since = 0, None
            db.session.commit()
    return sorted(set(old)) + sorted(set(new))


def _logged(box: Mailbox, uids: list[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(uids), 500):
        found.update(
            db.session.scalars(
                sa.select(MailLog.uid).where(
                    MailLog.mailbox_id == box.id,
                    MailLog.uidvalidity == box.uidvalidity,
                    MailLog.uid.in_(uids[start : start + 500]),
                )
            )
        )
    return found


def _take(client: IMAPClient, box: Mailbox, uid: int) -> None:
    entry = db.session.scalar(
        sa.select(MailLog).where(
            MailLog.mailbox_id == box.id, MailLog.uidvalidity == box.uidvalidity, MailLog.uid == uid
        )
    )
    if entry is None:
        fetched = client.fetch([uid], ["BODY.PEEK[]"])
        data = (fetched.get(uid) or {}).get(b"BODY[]")
        if data is None:  # expunged meanwhile
            box.last_uid = max(box.last_uid, uid)
            db.session.commit()
            return
        entry = ingest(bytes(data), source="imap", mailbox=box, uid=uid, uidvalidity=box.uidvalidity).log
        box.last_uid = max(box.last_uid, uid)
        box.lease_until = utcnow() + lease()
        db.session.commit()  # the ticket, the log line and the UID, together
    _server_done(client, box, entry)


def _finish_pending(client: IMAPClient, box: Mailbox) -> None:
    """Mark seen (or move) what was committed but not yet marked when a worker died."""
    pending = db.session.scalars(
        sa.select(MailLog).where(
            MailLog.mailbox_id == box.id,
            MailLog.server_done.is_(False),
            MailLog.uidvalidity == box.uidvalidity,
        )
    ).all()
    for entry in pending:
        _server_done(client, box, entry)


def _server_done(client: IMAPClient, box: Mailbox, entry: MailLog) -> None:
    if not entry.server_done and entry.uid is not None:
        if box.move_to:
            if client.has_capability("MOVE"):
                client.move([entry.uid], box.move_to)
            else:
                client.copy([entry.uid], box.move_to)
                client.add_flags([entry.uid], [b"\\Deleted"])
                client.uid_expunge([entry.uid])
        else:
            client.add_flags([entry.uid], [SEEN])
        entry.server_done = True
        db.session.commit()


def due(box: Mailbox) -> bool:
    """Whether the scheduler should poll this mailbox now (failing ones back off up to an hour)."""
    if not box.enabled:
        return False
    if box.failures and box.last_error_at:
        wait = timedelta(minutes=min(60, 2 ** min(box.failures - 1, 6)))
        return utcnow() >= box.last_error_at + wait
    return True

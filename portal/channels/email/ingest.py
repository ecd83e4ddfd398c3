"""One raw message in, one outcome out: kept, parsed, sorted (loop, bounce, flood), then through the one door.

`ingest()` flushes and never commits; its caller (the CLI, the webhook, the IMAP poll) commits once, so the log
line, the ticket and (for IMAP) the UID it came from are stored together or not at all. It never raises for what
a message contains: a message it cannot read becomes a flagged ticket carrying the raw file.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from portal.channels.email import noise, quotes, raw
from portal.channels.email.models import Mailbox, MailLog
from portal.channels.email.parse import ParsedMail, parse
from portal.core.db import utcnow
from portal.core.html import sanitize_html
from portal.customers.models import Identity
from portal.customers.service import Hints
from portal.extensions import db
from portal.tickets.inbound import Inbound, InboundAttachment
from portal.tickets.intake import content_hash, find_duplicate, receive
from portal.tickets.models import Message

log = logging.getLogger(__name__)

DEFAULTS = {
    "MAIL_MAX_MESSAGE_BYTES": 50 * 2**20,  # larger: only the headers are read; the raw file is kept
    "MAIL_FLOOD_PER_HOUR": 30,  # more mails than this from one sender in an hour are held back
    "MAIL_MAX_PARTICIPANTS": 20,  # Cc'd people copied onto a ticket, at most
    "MAIL_MAX_TEXT_CHARS": 200_000,
    "MAIL_MAX_HTML_CHARS": 2_000_000,
}
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def setting(name: str) -> Any:
    """A setting of the email channel (instance/config.py may override the default)."""
    return current_app.config.get(name, DEFAULTS.get(name))


@dataclass
class Outcome:
    """What became of one message (the contract's outcomes)."""

    outcome: str  # created, appended, duplicate, ignored, bounce, flagged
    ticket_ref: int | None
    reason: str
    log: MailLog


def own_addresses() -> set[str]:
    """Our support addresses: MAIL_ADDRESSES and every connected mailbox (mail from them is a loop)."""
    return _own(db.session.scalars(sa.select(Mailbox.address)))


def _own(mailbox_addresses: Iterable[str]) -> set[str]:
    found = {a.lower() for a in current_app.config["MAIL_ADDRESSES"]}
    found.add(current_app.config["MAIL_FROM"].lower())
    found.update(a.lower() for a in mailbox_addresses if a)
    return found


def ingest(
    data: bytes,
    *,
    source: str,
    mailbox: Mailbox | None = None,
    uid: int | None = None,
    uidvalidity: int | None = None,
    let_through: bool = False,
) -> Outcome:
    """Turn one raw message into history (or a logged refusal); see the module docstring."""
    entry = MailLog(
        source=source,
        mailbox_id=mailbox.id if mailbox else None,
        uid=uid,
        uidvalidity=uidvalidity,
        server_done=uid is None,
        size=len(data),
        raw_path=raw.keep(data),
        outcome="flagged",
        at=utcnow(),
    )
    try:
        if len(data) > setting("MAIL_MAX_MESSAGE_BYTES"):
            mail = parse(_headers_only(data))
            reason = f"message of {len(data) // 2**20} MB is over the limit: only its headers were read"
            outcome, ref, why = _flagged(data, entry, mail, reason)
        else:
            mail = parse(data)
            outcome, ref, why = _sort(mail, data, entry, mailbox, let_through)
    except Exception as error:  # whatever a message holds, it becomes a ticket a person looks at
        log.exception("could not read a message (%s bytes)", len(data))
        mail = None
        outcome, ref, why = _flagged(data, entry, None, f"unreadable message: {type(error).__name__}")
    if mail is not None:
        entry.header_message_id = (mail.message_id or "")[:500] or None
        entry.sender = (mail.sender_email or "")[:320] or None
        entry.subject = (mail.subject or "")[:300]
    entry.outcome, entry.ticket_ref, entry.reason = outcome, ref, why[:500]
    db.session.add(entry)
    db.session.flush()
    return Outcome(outcome, ref, why, entry)


def _headers_only(data: bytes) -> bytes:
    end = min(
        (i for i in (data.find(b"\r\n\r\n"), data.find(b"\n\n")) if i >= 0), default=min(len(data), 65536)
    )
    return data[: min(end, 1_000_000)] + b"\n\n"


def _sort(mail: ParsedMail, data: bytes, entry: MailLog, mailbox: Mailbox | None, let_through: bool) -> tuple:
    came_back, recent, ours = _lookups(mail.message_id, None if let_through else mail.sender_email)
    if not mail.has_headers:
        return _flagged(data, entry, mail, "not an e-mail message (no headers)")
    if mail.sender_email in ours:
        return "ignored", None, f"from our own address {mail.sender_email}"
    if came_back:
        return "ignored", None, "our own message came back"
    if noise.looks_like_bounce(mail):
        return _bounce(mail, ours)
    if noise.is_read_receipt(mail) and not let_through:
        return "ignored", None, "read receipt"
    if mail.sender_email and not let_through and recent >= setting("MAIL_FLOOD_PER_HOUR"):
        limit = setting("MAIL_FLOOD_PER_HOUR")
        return "ignored", None, f"flood: more than {limit} mails in an hour from {mail.sender_email}"
    return _receive(_inbound(mail, data, entry, mailbox, ours), entry)


def _lookups(message_id: str | None, sender: str | None) -> tuple[bool, int, set[str]]:
    """In one statement, what the loop and flood checks need: whether this Message-ID is one we sent, the
    sender's mails in the last hour, and our own addresses (see own_addresses)."""
    came_back, count, addresses = db.session.execute(
        _LOOKUPS, {"message_id": message_id, "sender": sender, "since": utcnow() - timedelta(hours=1)}
    ).one()
    return bool(came_back), int(count or 0), _own((addresses or "").split("\n"))


# Built once (a None id or sender matches nothing): building a statement costs more than running it.
_LOOKUPS = sa.select(
    sa.exists()
    .where(Message.external_id == sa.bindparam("message_id"), Message.direction == "outbound")
    .label("ours"),
    sa.select(sa.func.count())
    .select_from(MailLog)
    .where(
        MailLog.sender == sa.bindparam("sender"),
        MailLog.at >= sa.bindparam("since", type_=MailLog.at.type),
        MailLog.outcome.in_(("created", "appended", "flagged")),
    )
    .scalar_subquery()
    .label("recent"),
    sa.select(sa.func.aggregate_strings(Mailbox.address, "\n")).scalar_subquery().label("boxes"),
)


def synthetic_id(data: bytes) -> str:
    """A stable id for a message without Message-ID, so that the same file ingested twice is stored once."""
    return f"<{hashlib.sha256(data).hexdigest()[:40]}@no-message-id.hana>"


def _inbound(
    mail: ParsedMail, data: bytes, entry: MailLog, mailbox: Mailbox | None, ours: set[str]
) -> Inbound:
    text, quoted = quotes.split(mail.text)
    if mail.forwarded:
        text = "\n\n".join([text, *mail.forwarded]).strip()
    meta: dict[str, Any] = {"subject": mail.subject, "raw": entry.raw_path, "source": entry.source}
    limit = setting("MAIL_MAX_TEXT_CHARS")
    if len(text) > limit or len(quoted or "") > limit:
        text, quoted = text[:limit], (quoted or "")[:limit] or None
        meta["truncated"] = True
    html = _html(mail, meta)
    others = [(a, n) for a, n in mail.to + mail.cc if a not in ours and a != mail.sender_email]
    cap = setting("MAIL_MAX_PARTICIPANTS")
    if len(others) > cap:
        meta["recipients"] = mail.recipient_count
    meta.update(_addressing(mail, mailbox, ours))
    auto = noise.auto_reply_reason(mail)
    if auto:
        meta["auto_reply"] = auto
    return Inbound(
        channel="email",
        sender=Hints(email=mail.sender_email, name=mail.sender_name or None, locale=_locale(mail)),
        subject=mail.subject,
        text=text,
        quoted_text=quoted,
        html=html,
        external_id=mail.message_id or synthetic_id(data),
        reply_to=mail.thread_ids,
        attachments=mail.attachments,
        participants=list(dict(others).items())[:cap],
        subject_threading=True,
        meta=meta,
        notify=auto is None,
        reopen=auto is None,
    )


def _html(mail: ParsedMail, meta: dict[str, Any]) -> str | None:
    if not mail.html:
        return None
    limit = setting("MAIL_MAX_HTML_CHARS")
    if len(mail.html) > limit:
        meta["html_truncated"] = True
    return sanitize_html(mail.html[:limit]) or None


def _addressing(mail: ParsedMail, mailbox: Mailbox | None, ours: set[str]) -> dict[str, Any]:
    to_ours = next((a for a, _ in mail.to + mail.cc if a in ours), None) or (
        mailbox.address if mailbox else None
    )
    found: dict[str, Any] = {"from": mail.sender_email, "date": mail.date}
    if to_ours:
        found["to_address"] = to_ours
    if mail.to:
        found["to"] = [a for a, _ in mail.to[:10]]
    if mail.cc:
        found["cc"] = [a for a, _ in mail.cc[:10]]
    if mailbox is not None:
        found["mailbox"] = mailbox.name
    return found


def _locale(mail: ParsedMail) -> str:
    sample = f"{mail.subject} {mail.text[:2000]}"
    return "ko" if _HANGUL.search(sample) else "en"


def _receive(inbound: Inbound, entry: MailLog) -> tuple[str, int | None, str]:
    try:
        with db.session.begin_nested():
            result = receive(inbound)
    except IntegrityError:  # the same message committed meanwhile by another way in (IMAP and webhook)
        duplicate = find_duplicate(inbound, content_hash(inbound))
        if duplicate is None:
            raise
        entry.message_id = duplicate.id
        entry.ticket_id = duplicate.ticket_id
        return "duplicate", _ref(duplicate.ticket_id), "already stored"
    entry.message_id, entry.ticket_id = result.message.id, result.ticket.id
    if not _known_not_bouncing(result.customer, inbound.sender.email):
        _clear_bouncing(inbound.sender.email)
    reason = result.reason
    if result.skipped_attachments:
        reason += "; files left out: " + ", ".join(
            f"{s['filename']} ({s['reason']})" for s in result.skipped_attachments
        )
    if inbound.meta.get("recipients"):
        reason += (
            f"; {inbound.meta['recipients']} recipients, the first {len(inbound.participants)} copied in"
        )
    if inbound.meta.get("auto_reply"):
        reason += f"; auto-reply ({inbound.meta['auto_reply']}), not acknowledged"
    if result.outcome == "created" and inbound.flagged:
        return "flagged", result.ticket.ref, f"{inbound.flagged}; {reason}"
    return result.outcome, result.ticket.ref, reason


def _ref(ticket_id: int) -> int | None:
    from portal.tickets.models import Ticket

    return db.session.scalar(sa.select(Ticket.ref).where(Ticket.id == ticket_id))


def _known_not_bouncing(customer: Any, address: str | None) -> bool:
    """The sender's identity was loaded in this transaction and is not bouncing: no UPDATE to clear it."""
    if not address:
        return True
    loaded = sa.inspect(customer).dict.get("identities")  # never triggers a load
    for identity in loaded or ():
        state = sa.inspect(identity)
        values = state.dict
        if values.get("kind") == "email" and values.get("value") == address and "bouncing_at" in values:
            return values["bouncing_at"] is None and not state.expired_attributes
    return False


def _clear_bouncing(address: str | None) -> None:
    if address:
        db.session.execute(_CLEAR_BOUNCING, {"address": address})


_CLEAR_BOUNCING = (
    sa.update(Identity)
    .where(
        Identity.kind == "email", Identity.value == sa.bindparam("address"), Identity.bouncing_at.is_not(None)
    )
    .values(bouncing_at=None)
)


def _flagged(
    data: bytes, entry: MailLog, mail: ParsedMail | None, reason: str
) -> tuple[str, int | None, str]:
    """A ticket a person must look at, carrying the raw message as a file."""
    from flask_babel import force_locale
    from flask_babel import gettext as _

    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        note = _("This message could not be read automatically. The original is attached.")
    inbound = Inbound(
        channel="email",
        sender=Hints(email=mail.sender_email, name=mail.sender_name or None) if mail else Hints(),
        subject=(mail.subject if mail else "") or "(unreadable message)",
        text=f"{note}\n\n{reason}",
        external_id=synthetic_id(data),
        attachments=[InboundAttachment("original.eml", "message/rfc822", data)],
        meta={"raw": entry.raw_path, "source": entry.source, "unreadable": reason},
        flagged=reason[:200],
        notify=False,
    )
    with db.session.begin_nested():
        result = receive(inbound)
    entry.message_id, entry.ticket_id = result.message.id, result.ticket.id
    if result.outcome == "duplicate":
        return "duplicate", result.ticket.ref, "already stored"
    return "flagged", result.ticket.ref, reason


def _bounce(mail: ParsedMail, ours: set[str]) -> tuple[str, int | None, str]:
    from portal.channels.email.bounces import record_bounce

    return record_bounce(noise.read_bounce(mail, ours))

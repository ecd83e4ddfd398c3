"""Outgoing side of the email channel: replies, acknowledgements and status notices that thread back.

Each mail gets a Message-ID of ours, stored as the outbound message's external id, and In-Reply-To/References
built from the ticket's earlier ids, so the customer's answer joins the ticket by its headers; the subject
carries [#ref] as a second way back. Mail is queued in the outbox (sent after commit, retried, failures shown).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_sqlalchemy.session import Session as FlaskSession

from portal.channels.base import Outbound
from portal.channels.email.ingest import setting
from portal.channels.email.quotes import REPLY_MARKER
from portal.channels.registry import outbound_for
from portal.core import mail, signals
from portal.customers.models import Identity
from portal.extensions import db
from portal.tickets.models import Message, Ticket, TicketParticipant
from portal.tickets.service import reply_channel
from portal.tickets.threading import REF_TOKEN

TEMPLATES = {"acknowledgement": "email_acknowledgement", "reply": "email_reply", "notice": "email_notice"}
DEFAULT_NOTICES = ("solved",)


def subject_line(outbound: Outbound) -> str:
    """The subject with our [#ref] token (once), prefixed with Re: for replies."""
    subject = REF_TOKEN.sub("", outbound.subject or "").strip() or f"#{outbound.ticket_ref}"
    line = f"[#{outbound.ticket_ref}] {subject}"
    return f"Re: {line}" if outbound.kind == "reply" else line


class EmailAdapter:
    """Delivers to customers who wrote by mail, as mail they can answer."""

    name = "email"

    def deliver(self, outbound: Outbound) -> None:
        """Compose the mail in the customer's language and queue it (skipped when there is no address)."""
        if not outbound.to_email:
            return
        template = TEMPLATES.get(outbound.kind, "email_reply")
        subject, text, html = mail.compose(
            template, outbound.locale, out=outbound, marker=REPLY_MARKER, subject_line=subject_line(outbound)
        )
        message_id = mail.new_message_id()
        if outbound.message_id is not None:
            stored = db.session.get(Message, outbound.message_id)
            if stored is not None:
                stored.external_id = message_id
            db.session.info.setdefault("email_replied", set()).add(outbound.ticket_id)
        mail.queue(
            db.session,
            outbound.to_email,
            subject,
            text,
            html,
            to_name=outbound.to_name,
            headers=headers_for(outbound),
            message_id=message_id,
            attachments=outbound.attachments,
            meta={"message_id": outbound.message_id, "ticket_id": outbound.ticket_id, "kind": outbound.kind},
        )


def headers_for(outbound: Outbound) -> dict[str, str]:
    """Threading headers, Reply-To our receiving address, Cc for participants, loop guards for automatic mail."""
    headers: dict[str, str] = {}
    ids = outbound.thread_ids[-20:]
    if ids:
        headers["In-Reply-To"] = ids[-1]
        headers["References"] = " ".join(ids)
    address = _receiving_address(outbound.ticket_id)
    if address and address != current_app.config["MAIL_FROM"].lower():
        headers["Reply-To"] = address
    if outbound.kind in ("acknowledgement", "notice"):
        headers["Auto-Submitted"] = "auto-replied" if outbound.kind == "acknowledgement" else "auto-generated"
        headers["X-Auto-Response-Suppress"] = "All"  # Exchange: no out-of-office answers to these
    else:
        cc = _participants(outbound)
        if cc:
            headers["Cc"] = ", ".join(cc)
    return headers


def _receiving_address(ticket_id: int) -> str | None:
    meta = db.session.scalar(_LAST_INBOUND_META, {"ticket_id": ticket_id})
    return (meta or {}).get("to_address")


_LAST_INBOUND_META = (  # built once: every acknowledgement asks it
    sa.select(Message.meta)
    .where(
        Message.ticket_id == sa.bindparam("ticket_id"),
        Message.direction == "inbound",
        Message.channel == "email",
    )
    .order_by(Message.id.desc())
    .limit(1)
)


def _participants(outbound: Outbound) -> list[str]:
    bouncing = sa.select(Identity.value).where(Identity.kind == "email", Identity.bouncing_at.is_not(None))
    rows = db.session.scalars(
        sa.select(TicketParticipant.address).where(
            TicketParticipant.ticket_id == outbound.ticket_id, TicketParticipant.address.not_in(bouncing)
        )
    ).all()
    return [a for a in rows if a != (outbound.to_email or "").lower()][: setting("MAIL_MAX_PARTICIPANTS")]


@signals.ticket_changed.connect
def _status_notice(ticket: Ticket, *, changes: dict[str, Any], **_: Any) -> None:
    """Tell a customer who wrote by mail that their request was solved (unless a reply just said so)."""
    if "status" not in changes:
        return
    new = changes["status"][1]
    if new not in current_app.config.get("MAIL_STATUS_NOTICES", DEFAULT_NOTICES):
        return
    if ticket.id in db.session.info.get("email_replied", set()) or reply_channel(ticket) != "email":
        return
    adapter.deliver(outbound_for(ticket, "notice", text=new))


def _forget_replies(session: Any, *_: Any) -> None:
    session.info.pop("email_replied", None)


# "A reply just went out" only holds within one transaction.
sa.event.listen(FlaskSession, "after_commit", _forget_replies)
sa.event.listen(FlaskSession, "after_soft_rollback", _forget_replies)

adapter = EmailAdapter()

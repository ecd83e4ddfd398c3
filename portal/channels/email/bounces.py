"""A bounce marks the address as bouncing and lands, as a note, on the ticket whose mail bounced: never a new one."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.channels.email.noise import Bounce
from portal.core.db import utcnow
from portal.customers.models import Identity
from portal.extensions import db
from portal.tickets import service as tickets
from portal.tickets.models import Message, Ticket
from portal.tickets.threading import follow_merges


def record_bounce(bounce: Bounce) -> tuple[str, int | None, str]:
    """Mark the failed addresses and note the failure on the ticket it belongs to; returns the log outcome."""
    if bounce.permanent and bounce.recipients:
        db.session.execute(
            sa.update(Identity)
            .where(Identity.kind == "email", Identity.value.in_(bounce.recipients))
            .values(bouncing_at=utcnow())
        )
    original = _original_message(bounce.original_ids)
    who = ", ".join(bounce.recipients) or "?"
    reason = f"{'bounced' if bounce.permanent else 'delayed'} mail to {who} {bounce.status}".strip()
    if original is None:
        return "bounce", None, reason + "; no ticket found for the original message"
    ticket = follow_merges(db.session.get(Ticket, original.ticket_id))
    if ticket is None:
        return "bounce", None, reason
    if bounce.permanent and original.direction == "outbound":
        original.delivery = "failed"
        original.meta = {
            **(original.meta or {}),
            "bounce": {"to": bounce.recipients, "status": bounce.status},
        }
    _note(ticket, bounce, who)
    return "bounce", ticket.ref, reason


def _original_message(ids: list[str]) -> Message | None:
    ids = [i for i in ids if i][-50:]
    if not ids:
        return None
    return db.session.scalar(
        sa.select(Message).where(Message.external_id.in_(ids)).order_by(Message.id.desc()).limit(1)
    )


def _note(ticket: Ticket, bounce: Bounce, who: str) -> None:
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        if bounce.permanent:
            text = _(
                "Mail to %(who)s could not be delivered (%(status)s).", who=who, status=bounce.status or "?"
            )
        else:
            text = _("Mail to %(who)s is delayed (%(status)s).", who=who, status=bounce.status or "?")
    if bounce.diagnostic:
        text += f"\n{bounce.diagnostic}"
    tickets.add_reply(ticket, None, text, internal=True, channel="email", author_kind="system")  # type: ignore[arg-type]

"""Outgoing side of the web channel: tell the customer by mail, with a link back to the portal."""

from __future__ import annotations

from portal.channels.base import Outbound
from portal.core import mail
from portal.extensions import db


class WebAdapter:
    """Web, API and other channels without their own way back: a mail that links to the request page."""

    name = "web"

    def deliver(self, outbound: Outbound) -> None:
        """Queue the notification mail (skipped when the customer has no address)."""
        if not outbound.to_email:
            return
        template = "request_received" if outbound.kind == "acknowledgement" else "request_reply"
        subject, text, html = mail.compose(template, outbound.locale, out=outbound)
        mail.queue(
            db.session,
            outbound.to_email,
            subject,
            text,
            html,
            to_name=outbound.to_name,
            headers={"Auto-Submitted": "auto-generated"} if outbound.kind == "acknowledgement" else {},
            attachments=outbound.attachments,
            meta={"message_id": outbound.message_id, "ticket_id": outbound.ticket_id},
        )


adapter = WebAdapter()

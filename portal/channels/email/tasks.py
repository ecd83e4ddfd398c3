"""The worker's side of the email channel: poll every due mailbox each minute, each in its own job."""

from __future__ import annotations

import sqlalchemy as sa
from huey import crontab

from portal.channels.email import imap
from portal.channels.email.models import Mailbox
from portal.core.jobs import job, periodic_job
from portal.extensions import db


@job(retries=0, name="email.poll_mailbox")
def poll_mailbox(mailbox_id: int) -> str:
    """Poll one mailbox (a lease keeps a second poll of the same mailbox from running meanwhile)."""
    return imap.poll(mailbox_id)


@periodic_job(crontab(minute="*"), name="email.poll_due")
def poll_due() -> int:
    """Queue a poll for every enabled mailbox that is due (failing ones back off)."""
    boxes = db.session.scalars(sa.select(Mailbox).where(Mailbox.enabled.is_(True))).all()
    due = [box.id for box in boxes if imap.due(box)]
    for mailbox_id in due:
        poll_mailbox(mailbox_id)
    return len(due)

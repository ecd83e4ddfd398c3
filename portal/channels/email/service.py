"""Mailboxes admins connect: validated, password encrypted, connection problems explained. Flushes only."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from portal.channels.email import crypto
from portal.channels.email.imap import MailboxError
from portal.channels.email.models import SECURITY, Mailbox
from portal.core.errors import ValidationFailed
from portal.extensions import db

FIELDS = ("name", "address", "host", "port", "security", "username", "folder", "move_to", "enabled")


def save_mailbox(box: Mailbox | None, data: dict[str, Any]) -> Mailbox:
    """Create or update a mailbox; a new password replaces the stored one, an empty one keeps it."""
    errors = []
    if data.get("security") not in SECURITY:
        errors.append(("security", str(_l("Choose an encryption."))))
    if box is None and not data.get("password"):
        errors.append(("password", str(_l("Enter the password."))))
    host = (data.get("host") or "").strip()
    if "://" in host or "/" in host or " " in host:
        errors.append(("host", str(_l("Enter only the server name, e.g. imap.example.com."))))
    if errors:
        raise ValidationFailed(errors)
    if box is None:
        box = Mailbox()
        db.session.add(box)
    moved = box.host != host or box.username != data["username"] or box.folder != data["folder"]
    for name in FIELDS:
        value = data.get(name)
        setattr(box, name, value.strip() if isinstance(value, str) else value)
    box.host, box.address = host, (data.get("address") or "").strip().lower()
    box.move_to = box.move_to or ""
    if data.get("password"):
        box.password_encrypted = crypto.encrypt(data["password"])
    if moved:  # another mailbox behind the same record: start over from its current state
        box.uidvalidity, box.last_uid, box.backlog_uid, box.resync_since = None, 0, 0, None
    box.failures, box.last_error = 0, None
    db.session.flush()
    return box


def explain(error: MailboxError) -> str:
    """What an admin should check, for a kind of mailbox error."""
    messages = {
        "auth": _l(
            "The server refused the user name or password (for Gmail or Outlook, use an app password)."
        ),
        "network": _l("The server could not be reached: check the server name, the port and the firewall."),
        "tls": _l("The encrypted connection failed: check the encryption setting and the port."),
        "folder": _l("The folder does not exist on this server."),
        "key": _l("The saved password cannot be read (the secret key changed): enter it again."),
    }
    return str(messages.get(error.kind, _l("The server answered with an error.")))


def kind_of(last_error: str | None) -> str:
    """The kind recorded at the front of a stored error ("auth: …")."""
    head = (last_error or "").split(":", 1)[0]
    return head if head in ("auth", "network", "tls", "folder", "key") else "other"

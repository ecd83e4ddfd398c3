"""Outgoing mail: composed in the request's transaction, sent by the worker over SMTP_URL.

Without SMTP_URL (a demo machine) each message is written as an .eml file to <instance>/mail-out/ instead.
Channels add threading headers through `headers`; this module knows nothing about tickets.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy.orm import Session

from portal.core import outbox, signals


def compose(template: str, locale: str, **context: Any) -> tuple[str, str, str | None]:
    """Render templates/emails/<template>.txt (first line 'Subject: …') and .html, if any, in `locale`."""
    with force_locale(locale):
        text = render_template(f"emails/{template}.txt", **context)
        subject, _, body = text.partition("\n")
        if not subject.startswith("Subject:"):
            raise ValueError(f"emails/{template}.txt must start with a Subject: line")
        try:
            html = render_template(f"emails/{template}.html", **context)
        except Exception as error:  # a template that does not exist means a text-only mail
            if type(error).__name__ != "TemplateNotFound":
                raise
            html = None
    return subject.removeprefix("Subject:").strip(), body.lstrip("\n"), html


def queue(
    session: Session,
    to: str | list[str],
    subject: str,
    text: str,
    html: str | None = None,
    *,
    to_name: str | None = None,
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
    attachments: list[dict[str, Any]] | None = None,
    meta: dict[str, Any] | None = None,
) -> outbox.OutboxEvent:
    """Write a mail to the outbox; the worker sends it after the transaction commits."""
    recipients = [to] if isinstance(to, str) else list(to)
    payload = {
        "to": recipients,
        "to_name": to_name,
        "subject": subject,
        "text": text,
        "html": html,
        "headers": headers or {},
        "message_id": message_id or new_message_id(),
        "attachments": attachments or [],  # [{"path", "filename", "content_type"}], files already stored
        "meta": meta or {},
    }
    return outbox.enqueue(session, "mail.send", payload)


def new_message_id() -> str:
    """A Message-ID in the portal's own domain (threading relies on recognising our ids)."""
    domain = current_app.config["MAIL_FROM"].rpartition("@")[2] or "hana.example"
    return make_msgid(domain=domain)


def build(payload: dict[str, Any]) -> EmailMessage:
    """The RFC 5322 message for an outbox payload."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = formataddr((payload.get("from_name") or config["COMPANY_NAME"], config["MAIL_FROM"]))
    to = payload["to"]
    if len(to) == 1 and payload.get("to_name"):
        message["To"] = formataddr((payload["to_name"], to[0]))
    else:
        message["To"] = ", ".join(to)
    message["Subject"] = payload["subject"]
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = payload["message_id"]
    for name, value in payload.get("headers", {}).items():
        message[name] = value
    message.set_content(payload["text"])
    if payload.get("html"):
        message.add_alternative(payload["html"], subtype="html")
    for item in payload.get("attachments", []):
        data = Path(item["path"]).read_bytes()
        maintype, _, subtype = (item.get("content_type") or "application/octet-stream").partition("/")
        message.add_attachment(
            data, maintype=maintype, subtype=subtype or "octet-stream", filename=item["filename"]
        )
    return message


def send(message: EmailMessage) -> None:
    """Hand the message to the SMTP server of SMTP_URL (smtp://, smtp+starttls://, smtps://), or to a file."""
    url = current_app.config.get("SMTP_URL")
    if not url:
        folder = Path(current_app.instance_path) / "mail-out"
        folder.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").replace("/", "_")
        (folder / f"{name}.eml").write_bytes(message.as_bytes())
        return
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port
    timeout = 30
    if parts.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            host, port or 465, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        client = smtplib.SMTP(host, port or 25, timeout=timeout)
    with client:
        if parts.scheme == "smtp+starttls":
            client.starttls(context=ssl.create_default_context())
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)


@outbox.handler("mail.send")
def deliver_mail(payload: dict[str, Any]) -> None:
    """Outbox handler: build and send one mail."""
    send(build(payload))
    signals.mail_sent.send(payload)

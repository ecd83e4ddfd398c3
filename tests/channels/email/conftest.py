"""Fixtures of the email channel: raw messages, a real IMAP server (Dovecot), mailboxes pointing at it."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import pytest

from tests.channels.email.dovecot import DOVECOT, PASSWORD, Dovecot

CORPUS = Path(__file__).resolve().parents[2] / "data" / "mail"


def build(
    *,
    sender: str = "고객 <customer@example.kr>",
    to: str = "support@hana.example",
    subject: str = "문의드립니다",
    text: str = "안녕하세요. 요금이 이상해요.",
    html: str | None = None,
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    """A raw message as a mail client would send it."""
    message = EmailMessage()
    if sender:
        message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="example.kr")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message.as_bytes()


@pytest.fixture()
def raw_mail() -> Any:
    """raw_mail(**fields) -> bytes of a message."""
    return build


@pytest.fixture()
def ingest_raw(db: Any) -> Any:
    """ingest_raw(bytes, source="pipe") -> Outcome, committed."""
    from portal.channels.email.ingest import ingest

    def run(data: bytes, source: str = "pipe", **kwargs: Any) -> Any:
        result = ingest(data, source=source, **kwargs)
        db.session.commit()
        return result

    return run


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    if not Path(DOVECOT).exists():
        pytest.skip("dovecot is not installed (make test installs dovecot-imapd)")
    server = Dovecot().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture()
def make_mailbox(db: Any, dovecot: Dovecot) -> Any:
    """make_mailbox(**fields) -> a Mailbox on a fresh Dovecot account, committed."""
    from portal.channels.email import service

    def make(**overrides: Any) -> Any:
        user = overrides.pop("username", None) or dovecot.account()
        data = {
            "name": "Support",
            "address": user,
            "host": dovecot.host,
            "port": dovecot.port,
            "security": "none",
            "username": user,
            "password": PASSWORD,
            "folder": "INBOX",
            "move_to": "",
            "enabled": True,
        }
        data.update(overrides)
        box = service.save_mailbox(None, data)
        db.session.commit()
        return box

    return make

"""Mailbox passwords encrypted at rest with Fernet, under a key derived from the app's SECRET_KEY."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


def _fernet() -> Fernet:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"hana-mailbox", info=b"imap-password").derive(
        secret
    )
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(password: str) -> str:
    """The stored form of a password."""
    return _fernet().encrypt(password.encode()).decode()


def decrypt(token: str) -> str | None:
    """The password, or None if it was encrypted under another SECRET_KEY (the admin must enter it again)."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return None

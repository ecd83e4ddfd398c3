"""Signed, expiring links (password reset, a guest following a request, surveys) with itsdangerous."""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"hana.{purpose}")


def sign(purpose: str, data: Any) -> str:
    """A URL-safe token carrying `data`, valid only for `purpose`."""
    return _serializer(purpose).dumps(data)


def unsign(purpose: str, token: str, max_age: int) -> Any | None:
    """The data of a token made by sign() for this purpose, or None if forged, altered or expired."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired, ValueError, TypeError):
        return None

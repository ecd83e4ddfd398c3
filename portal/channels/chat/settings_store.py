"""The admin's chat settings (one row): sites allowed to embed the widget, business hours."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.channels.chat import hours
from portal.channels.chat.models import ChatSettings
from portal.core.db import utcnow
from portal.core.errors import ValidationFailed
from portal.extensions import db

CACHE_SECONDS = 10
_origins_cache: dict[str, Any] = {}


def current() -> ChatSettings:
    """The settings row, or unsaved defaults (id None) when an admin never saved any."""
    row = db.session.scalar(sa.select(ChatSettings).order_by(ChatSettings.id).limit(1))
    if row is None:
        row = ChatSettings(
            allowed_origins=[],
            business_hours=current_app.config["CHAT_BUSINESS_HOURS"],
            closed_on_holidays=False,
        )
    return row


def normalize_origin(raw: str) -> str | None:
    """scheme://host[:port] in lower case, or None when the text is not an http(s) origin."""
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        return None
    if parts.query or parts.fragment or parts.username:
        return None
    host = parts.hostname.lower()
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def save(*, origins_text: str, business_hours: str, closed_on_holidays: bool, actor: Any) -> ChatSettings:
    """Store what the admin entered; each wrong line or hour range is named."""
    errors: list[tuple[str, str]] = []
    origins: list[str] = []
    for line in (origins_text or "").splitlines():
        if not line.strip():
            continue
        origin = normalize_origin(line)
        if origin is None:
            errors.append(("allowed_origins", str(_l("Not a site address: %(line)s", line=line.strip()))))
        elif origin not in origins:
            origins.append(origin)
    try:
        hours.parse(business_hours)
    except hours.BadHours as bad:
        errors.append(("business_hours", str(_l("Could not read: %(part)s", part=str(bad)))))
    if errors:
        raise ValidationFailed(errors)
    row = current()
    if row.id is None:
        db.session.add(row)
    row.allowed_origins = origins
    row.business_hours = business_hours.strip()
    row.closed_on_holidays = closed_on_holidays
    row.updated_at = utcnow()
    row.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    _origins_cache.clear()
    return row


def allowed_origins() -> set[str]:
    """The embedding sites, read at most every few seconds per process."""
    key = current_app.config["SQLALCHEMY_DATABASE_URI"]
    cached = _origins_cache.get(key)
    if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    row = db.session.scalar(sa.select(ChatSettings.allowed_origins).order_by(ChatSettings.id).limit(1))
    value = {o for o in (row or []) if isinstance(o, str)}
    _origins_cache[key] = (time.monotonic(), value)
    return value

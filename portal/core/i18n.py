"""Locale and time zone of the person looking, and the formatting helpers templates use."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask, current_app, request, session
from flask_babel import format_datetime, format_timedelta, get_locale
from flask_login import current_user

from portal.core.db import utcnow


def select_locale() -> str:
    """The user's setting, else the one they picked on this visit, else Accept-Language, else Korean."""
    locales = current_app.config["LOCALES"]
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in locales:
        return user_locale
    picked = session.get("locale") if request else None
    if picked in locales:
        return picked
    if request:
        best = request.accept_languages.best_match(locales)
        if best:
            return best
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """The user's time zone, else the company's."""
    zone = getattr(current_user, "timezone", None) if current_user else None
    return zone or current_app.config["BABEL_DEFAULT_TIMEZONE"]


# CLDR's Korean abbreviations print "PM"; Korean users read 오전/오후 or a 24-hour clock.
KOREAN_PATTERNS = {
    "short": "yy. M. d. HH:mm",
    "medium": "yyyy. M. d. aaaa h:mm",
    "long": "yyyy년 M월 d일 aaaa h:mm",
}


def when(value: datetime | None, style: str = "medium") -> str:
    """A stored UTC time shown in the viewer's time zone and language."""
    if value is None:
        return ""
    if str(get_locale()) == "ko":
        return format_datetime(value, KOREAN_PATTERNS.get(style, style))
    return format_datetime(value, style)


def ago(value: datetime | None) -> str:
    """'3 minutes ago' in the viewer's language."""
    if value is None:
        return ""
    return format_timedelta(value - utcnow(), add_direction=True, threshold=0.95)


def duration(seconds: float | int | None) -> str:
    """A length of time such as '2 hours' in the viewer's language."""
    if seconds is None:
        return ""
    return format_timedelta(timedelta(seconds=seconds), threshold=0.95)


def init_app(app: Flask) -> None:
    """Template filters and globals for dates and the current locale."""
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["ago"] = ago
    app.jinja_env.filters["duration"] = duration
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())

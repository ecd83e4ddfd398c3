"""The community's settings and their defaults (override them in instance/config.py or create_app(config))."""

from __future__ import annotations

from typing import Any

from flask import current_app

DEFAULTS: dict[str, Any] = {
    # Flask-Limiter rates per signed-in person (per address for others).
    "COMMUNITY_RATELIMIT_POST": "5 per minute;30 per hour",
    "COMMUNITY_RATELIMIT_REPLY": "10 per minute;120 per hour",
    "COMMUNITY_RATELIMIT_VOTE": "60 per minute",
    "COMMUNITY_RATELIMIT_FLAG": "20 per hour",
    # Someone with fewer published, reviewed contributions than this is a new poster.
    "COMMUNITY_NEW_POSTER_THRESHOLD": 3,
    # Held for review above these link counts (new posters get fewer).
    "COMMUNITY_NEW_POSTER_MAX_LINKS": 2,
    "COMMUNITY_MAX_LINKS": 10,
    # How many posts and replies a new poster may write in 24 hours (checked in the database, every process).
    "COMMUNITY_NEW_POSTER_DAILY": 10,
    # How many votes anyone may cast in an hour.
    "COMMUNITY_VOTES_PER_HOUR": 120,
    # Distinct people flagging an item before it is hidden until a moderator looks.
    "COMMUNITY_FLAGS_TO_HIDE": 3,
    # The same text again within this many hours: refused (same author) or held (someone else).
    "COMMUNITY_DUPLICATE_HOURS": 24,
    # Open a high-priority ticket when a customer's post sounds angry or reports a failure.
    "COMMUNITY_ESCALATE_SOUR": True,
}


def setting(name: str) -> Any:
    """The configured value of a community setting, else its default."""
    return current_app.config.get(name, DEFAULTS[name])

"""Spam checks on what people post: repetition, links and the pace of new posters (staff are exempt).

Refused outright: the same text again from the same person (a double submit or a copy-paste flood), and a new
poster over their daily allowance. Held for a moderator: too many links, the same text from several accounts,
and text made of a few words repeated. Rate limits per minute and hour are Flask-Limiter's, on the views.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.community import content
from portal.community.models import Post, Reply
from portal.community.settings import setting
from portal.core.db import utcnow
from portal.core.errors import DomainError, ValidationFailed
from portal.extensions import db


class TooFast(DomainError):
    """The person posts faster than the board allows."""

    status = 429
    code = "rate_limited"


@dataclass
class Screening:
    """The outcome for one new post or reply."""

    hold: str | None  # why it waits for a moderator (links, repetition), or None to publish
    review: str | None  # why a moderator should look after publishing (first_post), or None
    fingerprint: str


def _count(model: Any, *conditions: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*conditions)) or 0


def _count_upto(model: Any, cap: int, *conditions: Any) -> int:
    # Counting stops at `cap`: a prolific member costs as little as a new one.
    inner = sa.select(sa.literal(1)).select_from(model).where(*conditions).limit(cap).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(inner)) or 0


def is_new_poster(user_id: int) -> bool:
    """Fewer published, reviewed posts and replies than COMMUNITY_NEW_POSTER_THRESHOLD."""
    cap = setting("COMMUNITY_NEW_POSTER_THRESHOLD")
    found = 0
    for model in (Post, Reply):
        found += _count_upto(
            model,
            cap - found,
            model.author_id == user_id,
            model.state == "published",
            model.needs_review.is_(False),
        )
        if found >= cap:
            return False
    return True


def has_written(user_id: int) -> bool:
    """Whether this person ever wrote anything on the board, whatever became of it."""
    return any(_count_upto(m, 1, m.author_id == user_id) for m in (Post, Reply))


def _repeated(user_id: int, fingerprint: str) -> tuple[bool, bool]:
    """(by the same person, by someone else) within the duplicate window."""
    since = utcnow() - timedelta(hours=setting("COMMUNITY_DUPLICATE_HOURS"))
    mine = others = False
    for model in (Post, Reply):
        rows = db.session.execute(
            sa.select(model.author_id)
            .where(model.fingerprint == fingerprint, model.created_at >= since)
            .limit(20)
        ).all()
        mine = mine or any(r.author_id == user_id for r in rows)
        others = others or any(r.author_id != user_id for r in rows)
    return mine, others


def _recent(user_id: int) -> int:
    since = utcnow() - timedelta(hours=24)
    return sum(_count(m, m.author_id == user_id, m.created_at >= since) for m in (Post, Reply))


def screen(actor: Any, title: str, body: str) -> Screening:
    """Refuse, hold or publish a new post or reply by `actor` (see the module docstring)."""
    fingerprint = content.fingerprint(title, body)
    if getattr(actor, "is_staff", False):
        return Screening(None, None, fingerprint)
    mine, others = _repeated(actor.id, fingerprint)
    if mine:
        raise ValidationFailed([("body", _l("You already posted this. Edit your earlier post instead."))])
    new_poster = is_new_poster(actor.id)
    if new_poster and _recent(actor.id) >= setting("COMMUNITY_NEW_POSTER_DAILY"):
        raise TooFast(
            str(_l("New members can post a limited number of times a day. Please try again later."))
        )
    links = content.count_links(body)
    limit = setting("COMMUNITY_NEW_POSTER_MAX_LINKS" if new_poster else "COMMUNITY_MAX_LINKS")
    hold = None
    if links > limit:
        hold = "links"
    elif others or content.is_repetitive(body):
        hold = "repetition"
    review = None if has_written(actor.id) else "first_post"
    return Screening(hold, review, fingerprint)

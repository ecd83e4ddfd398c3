"""Keeping the board healthy: flags from everyone; approve, hide, pin, lock, move and merge for staff.

First-time posters are published at once and then reviewed (their question gets help while a moderator looks);
spam suspects are held until a moderator approves them; enough flags hide an item until a moderator decides.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.community import escalation, notify, policy
from portal.community.models import FLAG_REASONS, Flag, Follow, Post, Reply, Topic, Vote
from portal.community.service import MAX_TAGS, recount, recount_topic, set_tags
from portal.community.settings import setting
from portal.core import searchable
from portal.core.db import utcnow
from portal.core.errors import DomainError, Forbidden, ValidationFailed
from portal.extensions import db


def _staff(actor: Any) -> None:
    if not policy.can_moderate(actor):
        raise Forbidden(str(_l("Only staff can do this.")))


def _post_id(item: Post | Reply) -> int:
    return item.id if isinstance(item, Post) else item.post_id


def flag(actor: User, item: Post | Reply, reason: str, note: str = "") -> Flag:
    """Ask moderators to look; once per person and item; enough distinct flags hide the item meanwhile."""
    if reason not in FLAG_REASONS:
        raise ValidationFailed([("reason", _l("Choose a reason."))])
    if not policy.can_flag(actor, item):
        raise Forbidden(str(_l("You cannot flag this.")))
    row = Flag(
        target_kind=item.kind, target_id=item.id, user_id=actor.id, reason=reason, note=note.strip()[:500]
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        raise DomainError(str(_l("You already flagged this.")), code="already_flagged", status=409) from None
    item.flag_count += 1
    item.needs_review, item.review_reason = True, "flagged"
    open_flags = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Flag)
        .where(Flag.target_kind == item.kind, Flag.target_id == item.id, Flag.resolved_at.is_(None))
    )
    if (open_flags or 0) >= setting("COMMUNITY_FLAGS_TO_HIDE") and item.is_published:
        _take_down(item, "flags")
    db.session.flush()
    return row


def _resolve_flags(item: Post | Reply, resolution: str) -> None:
    db.session.execute(
        sa.update(Flag)
        .where(Flag.target_kind == item.kind, Flag.target_id == item.id, Flag.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolution=resolution)
    )


def _take_down(item: Post | Reply, reason: str) -> None:
    item.state, item.hidden_reason = "hidden", reason
    if isinstance(item, Post):
        recount_topic(item.topic_id)
    else:
        post = db.session.get(Post, item.post_id)
        assert post is not None
        db.session.flush()
        recount(post)
        if post.accepted_reply_id == item.id:
            post.accepted_reply_id = None
    searchable.changed(db.session, "post", _post_id(item))


def approve(actor: User, item: Post | Reply) -> None:
    """Publish a held or hidden item and clear it from the queue; a held one is announced now."""
    _staff(actor)
    was_held = item.state == "held"
    if item.state in ("held", "hidden"):
        item.state, item.hidden_reason = "published", None
    item.needs_review, item.review_reason = False, None
    item.reviewed_at, item.reviewed_by_id = utcnow(), actor.id
    _resolve_flags(item, "approved")
    db.session.flush()
    post = item if isinstance(item, Post) else db.session.get(Post, item.post_id)
    assert post is not None
    if isinstance(item, Reply):
        recount(post)
    else:
        recount_topic(post.topic_id)
    if was_held:
        post.last_activity_at = max(post.last_activity_at, item.created_at)
        if isinstance(item, Post):
            notify.announce("new_post", item, actor=None)
        else:
            notify.announce("staff_reply" if item.staff else "reply", post, item, None)
        escalation.raise_if_sour(item)
    searchable.changed(db.session, "post", post.id)


def hide(actor: User, item: Post | Reply, *, spam: bool = False) -> None:
    """Take an item down (as spam, or for any other reason) and clear it from the queue."""
    _staff(actor)
    item.needs_review, item.review_reason = False, None
    item.reviewed_at, item.reviewed_by_id = utcnow(), actor.id
    _resolve_flags(item, "spam" if spam else "hidden")
    _take_down(item, "spam" if spam else "moderator")
    db.session.flush()


def pin(actor: User, post: Post, pinned: bool) -> None:
    """Keep a post on top of its board (or stop)."""
    _staff(actor)
    post.pinned = pinned


def lock(actor: User, post: Post, locked: bool) -> None:
    """Close a post to new replies (or reopen it)."""
    _staff(actor)
    post.locked = locked


def move(actor: User, post: Post, topic: Topic | None) -> None:
    """Put a post under another topic."""
    _staff(actor)
    old = post.topic_id
    post.topic_id = topic.id if topic else None
    recount_topic(old)
    recount_topic(post.topic_id)
    db.session.flush()
    db.session.expire(post, ["topic"])
    searchable.changed(db.session, "post", post.id)


def merge(actor: User, source: Post, target: Post) -> None:
    """Fold `source` into `target`: its text becomes a reply, its replies, votes and followers move; its URL
    redirects to `target`. Both were about the same thing."""
    _staff(actor)
    if source.id == target.id:
        raise ValidationFailed([("target", _l("A post cannot be merged into itself."))])
    if source.state == "merged" or target.state != "published":
        raise ValidationFailed([("target", _l("Merge into a published post that was not merged itself."))])
    moved = Reply(
        post_id=target.id,
        author_id=source.author_id,
        customer_id=source.customer_id,
        body=f"**{source.title}**\n\n{source.body}",
        body_html=f"<p><strong>{_escape(source.title)}</strong></p>{source.body_html}",
        state=source.state if source.state != "merged" else "published",
        staff=source.staff,
        fingerprint=source.fingerprint,
        score=source.score,
        sour_terms=list(source.sour_terms),
        ticket_id=source.ticket_id,
        created_at=source.created_at,
    )
    db.session.add(moved)
    db.session.flush()
    db.session.execute(
        sa.update(Vote)
        .where(Vote.target_kind == "post", Vote.target_id == source.id)
        .values(target_kind="reply", target_id=moved.id)
    )
    db.session.execute(sa.update(Reply).where(Reply.post_id == source.id).values(post_id=target.id))
    _move_followers(source, target)
    if target.accepted_reply_id is None and source.accepted_reply_id is not None:
        target.accepted_reply_id = source.accepted_reply_id
    set_tags(target, (target.tags + [t for t in source.tags if t not in target.tags])[:MAX_TAGS])
    target.last_activity_at = max(target.last_activity_at, source.last_activity_at)
    source.state, source.merged_into_id, source.pinned = "merged", target.id, False
    source.needs_review, source.review_reason = False, None
    db.session.flush()
    recount(target)
    recount_topic(source.topic_id)
    searchable.changed(db.session, "post", [source.id, target.id])


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def _move_followers(source: Post, target: Post) -> None:
    already = set(
        db.session.scalars(
            sa.select(Follow.user_id).where(Follow.kind == "post", Follow.key == str(target.id))
        )
    )
    rows = db.session.scalars(
        sa.select(Follow).where(Follow.kind == "post", Follow.key == str(source.id))
    ).all()
    for row in rows:
        if row.user_id in already:
            db.session.delete(row)
        else:
            row.key = str(target.id)

"""Read-side selects of the board: lists with keyset pages, threads, notifications, the moderation queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.community.models import Flag, Follow, Notification, Post, PostTag, Reply, Topic
from portal.core.auth import is_staff

SORTS = ("latest", "new", "top", "unanswered", "solved")


@dataclass
class BoardFilter:
    """What a board page lists."""

    topic_id: int | None = None
    tag: str | None = None
    sort: str = "latest"


def _sort_columns(sort: str) -> tuple[Any, Any]:
    if sort == "new":
        return Post.created_at, Post.id
    if sort == "top":
        return Post.score, Post.id
    return Post.last_activity_at, Post.id


def _conditions(filters: BoardFilter) -> list[Any]:
    conditions: list[Any] = [Post.state == "published"]
    if filters.topic_id is not None:
        conditions.append(Post.topic_id == filters.topic_id)
    if filters.tag:
        conditions.append(
            Post.id.in_(sa.select(PostTag.post_id).where(PostTag.name == filters.tag).scalar_subquery())
        )
    if filters.sort == "unanswered":
        conditions.append(Post.reply_count == 0)
    elif filters.sort == "solved":
        conditions.append(Post.accepted_reply_id.is_not(None))
    return conditions


def board_page(filters: BoardFilter, *, after: list[Any] | None, limit: int) -> sa.Select:
    """Published, unpinned posts of a board, best first by the chosen sort, after a keyset cursor."""
    key, tiebreak = _sort_columns(filters.sort)
    stmt = sa.select(Post).where(*_conditions(filters), Post.pinned.is_(False))
    if after:
        value, last_id = _coerce(key, after[0]), int(after[1])
        stmt = stmt.where(sa.or_(key < value, sa.and_(key == value, tiebreak < last_id)))
    return stmt.order_by(key.desc(), tiebreak.desc()).limit(limit)


def _coerce(key: Any, value: Any) -> Any:
    """A cursor's value as the column's type (times travel as ISO strings); ValueError when it is not one."""
    if key is Post.score:
        return int(value)
    if not isinstance(value, str):
        raise ValueError("not a time")
    return datetime.fromisoformat(value)


def cursor_of(post: Post, sort: str) -> list[Any]:
    """The keyset cursor after this post."""
    key, _ = _sort_columns(sort)
    return [getattr(post, key.key), post.id]


def pinned(filters: BoardFilter, limit: int = 10) -> sa.Select:
    """Pinned posts of the board (shown above the list on its first page)."""
    return (
        sa.select(Post)
        .where(*_conditions(filters), Post.pinned.is_(True))
        .order_by(Post.last_activity_at.desc(), Post.id.desc())
        .limit(limit)
    )


def topics() -> sa.Select:
    """Every topic in its order."""
    return sa.select(Topic).order_by(Topic.position, Topic.id)


def topic_counts() -> sa.Select:
    """(topic id, published posts) for every topic."""
    return sa.select(Post.topic_id, sa.func.count()).where(Post.state == "published").group_by(Post.topic_id)


def replies(post_id: int, viewer: Any, *, after: int | None = None, limit: int = 200) -> sa.Select:
    """A thread's replies in order: published ones, and the viewer's own held ones; staff see everything."""
    stmt = sa.select(Reply).where(Reply.post_id == post_id)
    if not is_staff(viewer):
        visible = Reply.state == "published"
        if getattr(viewer, "is_authenticated", False):
            visible = sa.or_(visible, sa.and_(Reply.author_id == viewer.id, Reply.state == "held"))
        stmt = stmt.where(visible)
    if after:
        stmt = stmt.where(Reply.id > after)
    return stmt.order_by(Reply.id).limit(limit)


def my_flags(user: Any, keys: list[tuple[str, int]]) -> sa.Select:
    """(kind, id) the viewer already flagged among these items."""
    return sa.select(Flag.target_kind, Flag.target_id).where(
        Flag.user_id == user.id, sa.tuple_(Flag.target_kind, Flag.target_id).in_(keys)
    )


def follows_of(user_id: int) -> sa.Select:
    """Everything a person follows."""
    return sa.select(Follow).where(Follow.user_id == user_id).order_by(Follow.kind, Follow.key)


def follow_keys(user_id: int, targets: list[tuple[str, str]]) -> sa.Select:
    """Which of these (kind, key) targets the person follows."""
    return sa.select(Follow.kind, Follow.key).where(
        Follow.user_id == user_id, sa.tuple_(Follow.kind, Follow.key).in_(targets)
    )


def notifications(user_id: int, limit: int = 50) -> sa.Select:
    """A person's latest notifications, newest first."""
    return (
        sa.select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.id.desc())
        .limit(limit)
    )


def unread_count(user_id: int) -> sa.Select:
    """How many notifications the person has not read."""
    return (
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )


def review_queue(model: type[Post] | type[Reply], limit: int = 50) -> sa.Select:
    """Posts or replies a moderator should look at: flagged, held, or a first-time poster's, oldest first."""
    return (
        sa.select(model).where(model.needs_review.is_(True)).order_by(model.created_at, model.id).limit(limit)
    )


def hidden(model: type[Post] | type[Reply], limit: int = 50) -> sa.Select:
    """What moderators or flags took down, newest first."""
    return sa.select(model).where(model.state == "hidden").order_by(model.updated_at.desc()).limit(limit)


def review_count() -> int | None:
    """Items waiting for a moderator (the desk's badge); None when there are none."""
    from portal.extensions import db

    total = sum(
        db.session.scalar(sa.select(sa.func.count()).select_from(m).where(m.needs_review.is_(True))) or 0
        for m in (Post, Reply)
    )
    return total or None


def open_flags(keys: list[tuple[str, int]]) -> sa.Select:
    """Unresolved flags on these items, with who flagged."""
    return (
        sa.select(Flag)
        .where(Flag.resolved_at.is_(None), sa.tuple_(Flag.target_kind, Flag.target_id).in_(keys))
        .order_by(Flag.created_at)
    )


def posts_by_id(ids: list[int]) -> sa.Select:
    """Posts by id (for replies shown out of their thread)."""
    return sa.select(Post).where(Post.id.in_(ids))

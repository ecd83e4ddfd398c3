"""JSON API v1 of the board (see ../shared/CONTRACT.md and /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import request
from flask_login import current_user

from portal.community import moderation, policy, queries, service
from portal.community.api_spec import document_community_api
from portal.community.links import post_url
from portal.community.models import Post, Reply, Topic
from portal.community.settings import setting
from portal.community.views.portal import who
from portal.core.api import (
    api_blueprint,
    decode_cursor,
    encode_cursor,
    field,
    iso,
    json_body,
    limit_arg,
    require_user,
)
from portal.core.errors import DomainError, NotFound, ValidationFailed
from portal.extensions import db, limiter

bp = api_blueprint("community_api", __name__)
document_community_api()


def _author(item: Post | Reply) -> dict[str, Any]:
    return {"name": item.author.name, "staff": item.staff}


def reply_json(reply: Reply, post: Post) -> dict[str, Any]:
    """A reply as the API shows it."""
    return {
        "id": reply.id,
        "post_id": reply.post_id,
        "body": reply.body,
        "html": reply.body_html,
        "author": _author(reply),
        "staff": reply.staff,
        "state": reply.state,
        "score": reply.score,
        "accepted": post.accepted_reply_id == reply.id,
        "url": post_url(post.id, reply.id),
        "created_at": iso(reply.created_at),
        "edited_at": iso(reply.edited_at),
    }


def post_json(post: Post) -> dict[str, Any]:
    """A post as the API shows it."""
    return {
        "id": post.id,
        "url": post_url(post.id),
        "title": post.title,
        "body": post.body,
        "html": post.body_html,
        "topic": {"slug": post.topic.slug, "name": post.topic.name} if post.topic else None,
        "tags": post.tags,
        "author": _author(post),
        "state": post.state,
        "score": post.score,
        "reply_count": post.reply_count,
        "accepted_reply_id": post.accepted_reply_id,
        "pinned": post.pinned,
        "locked": post.locked,
        "locale": post.locale,
        "created_at": iso(post.created_at),
        "updated_at": iso(post.updated_at),
        "last_activity_at": iso(post.last_activity_at),
    }


def _post(post_id: int) -> Post:
    post = db.session.get(Post, post_id)
    if not policy.can_view(current_user, post) or post.state == "merged":  # type: ignore[union-attr]
        raise NotFound("No such post.")
    return post  # type: ignore[return-value]


def _reply(reply_id: int) -> Reply:
    reply = db.session.get(Reply, reply_id)
    if not policy.can_view(current_user, reply):
        raise NotFound("No such reply.")
    _post(reply.post_id)  # type: ignore[union-attr]
    return reply  # type: ignore[return-value]


@bp.get("/posts")
def list_posts() -> Any:
    """Published posts, by latest activity (or `sort`), filtered by `topic` slug or `tag`."""
    require_user()
    sort = request.args.get("sort", "latest")
    if sort not in queries.SORTS:
        raise ValidationFailed([("sort", f"must be one of {', '.join(queries.SORTS)}")])
    filters = queries.BoardFilter(sort=sort, tag=(request.args.get("tag") or "").strip().casefold() or None)
    if request.args.get("topic"):
        topic = db.session.scalar(sa.select(Topic).where(Topic.slug == request.args["topic"]))
        filters.topic_id = topic.id if topic else -1
    limit = limit_arg()
    try:
        after = decode_cursor(request.args.get("cursor"))
        rows = db.session.scalars(queries.board_page(filters, after=after, limit=limit + 1)).all()
    except (ValueError, TypeError, IndexError):
        raise DomainError("The cursor is not valid.", code="bad_request", status=400) from None
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [post_json(p) for p in rows],
        "next": encode_cursor(queries.cursor_of(rows[-1], sort)) if more else None,
    }


@bp.post("/posts")
@limiter.limit(lambda: setting("COMMUNITY_RATELIMIT_POST"), key_func=who)
def create_post() -> Any:
    """Start a thread: `title`, `body` (Markdown), `tags?`, `topic?` (a topic's slug)."""
    user = require_user()
    data = json_body()
    title = field(data, "title", str, required=True)
    body = field(data, "body", str, required=True)
    tags = field(data, "tags", (list, str), default=[])
    if isinstance(tags, list) and not all(isinstance(t, str) for t in tags):
        raise ValidationFailed([("tags", "must be a list of strings")])
    topic = None
    if (slug := field(data, "topic", str)) is not None:
        topic = db.session.scalar(sa.select(Topic).where(Topic.slug == slug))
        if topic is None:
            raise ValidationFailed([("topic", "no such topic")])
    post = service.create_post(user, title=title, body=body, topic=topic, tags=tags)
    db.session.commit()
    return post_json(post), 201


@bp.get("/posts/<int:post_id>")
def get_post(post_id: int) -> Any:
    """A post with its replies."""
    require_user()
    post = _post(post_id)
    replies = db.session.scalars(queries.replies(post.id, current_user)).all()
    return {**post_json(post), "replies": [reply_json(r, post) for r in replies]}


@bp.post("/posts/<int:post_id>/replies")
@limiter.limit(lambda: setting("COMMUNITY_RATELIMIT_REPLY"), key_func=who)
def create_reply(post_id: int) -> Any:
    """Answer on a thread: `body` (Markdown). A locked post answers 409 `locked`."""
    user = require_user()
    post = _post(post_id)
    body = field(json_body(), "body", str, required=True)
    reply = service.add_reply(user, post, body)
    db.session.commit()
    return reply_json(reply, post), 201


def _value() -> int:
    value = field(json_body(), "value", int, required=True)
    if value not in (1, -1, 0):
        raise ValidationFailed([("value", "must be 1, -1, or 0 to take the vote back")])
    return value


@bp.post("/posts/<int:post_id>/vote")
@limiter.limit(lambda: setting("COMMUNITY_RATELIMIT_VOTE"), key_func=who)
def vote_post(post_id: int) -> Any:
    """Vote on a post: `value` 1 or -1 (0 takes it back); the same vote twice is a 409."""
    user = require_user()
    post = _post(post_id)
    service.vote(user, post, _value())
    db.session.commit()
    return post_json(post)


@bp.post("/replies/<int:reply_id>/vote")
@limiter.limit(lambda: setting("COMMUNITY_RATELIMIT_VOTE"), key_func=who)
def vote_reply(reply_id: int) -> Any:
    """Vote on a reply, as on a post."""
    user = require_user()
    reply = _reply(reply_id)
    service.vote(user, reply, _value())
    db.session.commit()
    return reply_json(reply, _post(reply.post_id))


@bp.post("/posts/<int:post_id>/accept")
def accept(post_id: int) -> Any:
    """The asker or staff marks `reply_id` as the accepted answer (null takes the mark back)."""
    user = require_user()
    post = _post(post_id)
    reply_id = field(json_body(), "reply_id", int)
    reply = _reply(reply_id) if reply_id is not None else None
    service.accept_answer(user, post, reply)
    db.session.commit()
    return post_json(post)


@bp.post("/posts/<int:post_id>/flag")
@limiter.limit(lambda: setting("COMMUNITY_RATELIMIT_FLAG"), key_func=who)
def flag_post(post_id: int) -> Any:
    """Ask moderators to look: `reason` (spam, abusive, off_topic, other), `note?`."""
    user = require_user()
    post = _post(post_id)
    data = json_body()
    moderation.flag(
        user, post, field(data, "reason", str, required=True), field(data, "note", str, default="")
    )
    db.session.commit()
    return post_json(post), 201

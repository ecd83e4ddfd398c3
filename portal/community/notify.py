"""Following topics, tags and posts, and telling followers what happened: in the portal and by mail.

The fan-out runs after commit in the worker (outbox kind "community.notify"), so that a post with a thousand
followers costs its author one row, not a thousand notifications and mails on the request path.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.accounts.models import User
from portal.community.models import FOLLOW_KINDS, Follow, Notification, Post, Reply
from portal.core import mail, outbox
from portal.core.db import utcnow
from portal.core.errors import ValidationFailed
from portal.core.links import external_url
from portal.extensions import db

KIND = "community.notify"
EVENTS = ("new_post", "reply", "staff_reply", "accepted")


def follow(user: User, kind: str, key: str | int, *, email: bool = True) -> Follow:
    """Follow a topic (its id), a tag (its name) or a post (its id); following twice changes nothing."""
    if kind not in FOLLOW_KINDS:
        raise ValidationFailed([("kind", _l("Unknown kind of follow."))])
    key = str(key)[:60]
    row = db.session.scalar(
        sa.select(Follow).where(Follow.user_id == user.id, Follow.kind == kind, Follow.key == key)
    )
    if row is None:
        row = Follow(user_id=user.id, kind=kind, key=key, email=email)
        db.session.add(row)
        db.session.flush()
    return row


def unfollow(user: User, kind: str, key: str | int) -> None:
    """Stop following."""
    db.session.execute(
        sa.delete(Follow).where(Follow.user_id == user.id, Follow.kind == kind, Follow.key == str(key))
    )


def set_email(user: User, follow_id: int, email: bool) -> None:
    """Mail on or off for one of the user's follows."""
    db.session.execute(
        sa.update(Follow).where(Follow.id == follow_id, Follow.user_id == user.id).values(email=email)
    )


def announce(event: str, post: Post, reply: Reply | None = None, actor: Any = None) -> None:
    """Tell followers after commit (nothing is sent if the change rolls back)."""
    payload = {
        "event": event,
        "post_id": post.id,
        "reply_id": reply.id if reply else None,
        "actor_id": getattr(actor, "id", None),
    }
    outbox.enqueue(db.session, KIND, payload)


def mark_read(user: User, *, post_id: int | None = None, notification_id: int | None = None) -> None:
    """Mark one notification, a post's notifications, or all of them as read."""
    stmt = sa.update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if post_id is not None:
        stmt = stmt.where(Notification.post_id == post_id)
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    db.session.execute(stmt.values(read_at=utcnow()))


def _followers(post: Post, event: str) -> dict[int, bool]:
    """{user id: wants mail} for the followers concerned by this event."""
    if event == "new_post":
        targets = [("tag", t) for t in post.tags]
        if post.topic_id:
            targets.append(("topic", str(post.topic_id)))
    else:
        targets = [("post", str(post.id))]
    if not targets:
        return {}
    rows = db.session.execute(
        sa.select(Follow.user_id, Follow.email).where(
            sa.or_(*[sa.and_(Follow.kind == k, Follow.key == v) for k, v in targets])
        )
    ).all()
    wanted: dict[int, bool] = {}
    for user_id, email in rows:
        wanted[user_id] = wanted.get(user_id, False) or email
    return wanted


def recipients(event: str, post: Post, reply: Reply | None, actor_id: int | None) -> dict[int, bool]:
    """Who hears about this event, and whether by mail too (never the person who caused it)."""
    wanted = _followers(post, event)
    if event == "accepted" and reply is not None:
        wanted[reply.author_id] = True
    skip = {actor_id}
    if event == "new_post":
        skip.add(post.author_id)
    elif event != "accepted" and reply is not None:
        skip.add(reply.author_id)
    for user_id in skip:
        wanted.pop(user_id, None)  # type: ignore[arg-type]
    return wanted


@outbox.handler(KIND)
def deliver(payload: dict[str, Any]) -> None:
    """Outbox handler: write the notifications and queue the mails of one event (safe to run twice)."""
    post = db.session.get(Post, payload["post_id"])
    reply = db.session.get(Reply, payload["reply_id"]) if payload.get("reply_id") else None
    if post is None or not post.is_published or (reply is not None and not reply.is_published):
        return
    event = payload["event"]
    wanted = recipients(event, post, reply, payload.get("actor_id"))
    if not wanted:
        return
    same_reply = Notification.reply_id.is_(None) if reply is None else Notification.reply_id == reply.id
    already = set(
        db.session.scalars(
            sa.select(Notification.user_id).where(
                Notification.post_id == post.id,
                Notification.event == event,
                same_reply,
                Notification.user_id.in_(list(wanted)),
            )
        )
    )
    users = db.session.scalars(sa.select(User).where(User.id.in_(list(wanted)), User.active.is_(True))).all()
    actor = db.session.get(User, payload["actor_id"]) if payload.get("actor_id") else None
    actor = actor or (reply.author if reply is not None else post.author)
    for user in users:
        if user.id in already:
            continue
        db.session.add(
            Notification(
                user_id=user.id,
                event=event,
                post_id=post.id,
                reply_id=reply.id if reply else None,
                actor_name=actor.name[:200],
                title=post.title[:200],
            )
        )
        if wanted[user.id]:
            _mail(user, event, post, reply, actor.name)


def _mail(user: User, event: str, post: Post, reply: Reply | None, actor_name: str) -> None:
    from portal.community.content import plain_text, snippet

    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    anchor = f"#r{reply.id}" if reply is not None else ""
    subject, text, html = mail.compose(
        "community_notification",
        locale,
        event=event,
        post=post,
        actor_name=actor_name,
        excerpt=snippet(plain_text(reply.body_html if reply is not None else post.body_html), 300),
        url=external_url("community.thread", post_id=post.id) + anchor,
        settings_url=external_url("community_notes.index"),
    )
    mail.queue(
        db.session,
        user.email,
        subject,
        text,
        html,
        to_name=user.name,
        headers={"Auto-Submitted": "auto-generated", "X-Hana-Community": event},
        meta={"community_post_id": post.id, "user_id": user.id},
    )

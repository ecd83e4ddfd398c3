"""Posting, replying, editing, voting and accepting answers on the board. Flushes, never commits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.community import content, escalation, notify, policy, spam
from portal.community.links import post_path
from portal.community.models import Post, PostTag, Reply, Topic, Vote
from portal.community.settings import setting
from portal.core import searchable, signals
from portal.core.db import utcnow
from portal.core.errors import DomainError, Forbidden, ValidationFailed
from portal.customers import service as customers
from portal.extensions import db
from portal.tickets.tags import parse_tags

MAX_TAGS = 5


class Locked(DomainError):
    """The post is locked: no more replies."""

    status = 409
    code = "locked"


def _customer_id(actor: User) -> int | None:
    if actor.is_staff:
        return None
    customer = customers.customer_for_user(actor)
    return customer.id if customer else None


def _tags(raw: str | Iterable[str] | None) -> list[str]:
    tags = parse_tags(raw)
    if len(tags) > MAX_TAGS:
        raise ValidationFailed([("tags", _l("Use at most %(n)d tags.", n=MAX_TAGS))])
    return tags


def set_tags(post: Post, tags: Iterable[str]) -> None:
    """Replace the post's tags (normalized like ticket tags)."""
    wanted = _tags(list(tags))
    current = {row.name: row for row in post.tag_rows}
    post.tag_rows = [current[t] if t in current else PostTag(name=t) for t in wanted]


def create_post(
    actor: User, *, title: str, body: str, topic: Topic | None = None, tags: Iterable[str] | str = ()
) -> Post:
    """A new thread: checked for spam, published or held, recorded on the customer's history, announced."""
    if not policy.can_post(actor):
        raise Forbidden(str(_l("Sign in to post.")))
    title, body = content.check_post(title, body)
    tag_list = _tags(tags)
    screening = spam.screen(actor, title, body)
    now = utcnow()
    post = Post(
        topic_id=topic.id if topic else None,
        author_id=actor.id,
        customer_id=_customer_id(actor),
        title=title,
        body=body,
        body_html=content.render(body),
        locale=content.guess_locale(f"{title} {body}"),
        state="held" if screening.hold else "published",
        needs_review=bool(screening.hold or screening.review),
        review_reason=screening.hold or screening.review,
        staff=actor.is_staff,
        fingerprint=screening.fingerprint,
        created_at=now,
        last_activity_at=now,
    )
    db.session.add(post)
    db.session.flush()
    set_tags(post, tag_list)
    notify.follow(actor, "post", post.id)
    if post.customer_id:
        customers.record(
            post.customer_id,
            "post",
            str(_l("Community post: %(title)s", title=title)),
            channel="community",
            subject_type="post",
            subject_id=post.id,
            url=post_path(post.id),
            at=now,
        )
    db.session.flush()
    searchable.changed(db.session, "post", post.id)
    if post.is_published:
        recount_topic(post.topic_id)
        notify.announce("new_post", post, actor=actor)
    if screening.hold != "links" and screening.hold != "repetition":
        escalation.raise_if_sour(post)
    return post


def add_reply(actor: User, post: Post, body: str) -> Reply:
    """An answer on a thread; refused on a locked post; staff answers carry the staff badge."""
    if post.state != "published":
        raise DomainError(str(_l("This post is not open for replies.")), code="not_found", status=404)
    if post.locked and not actor.is_staff:
        raise Locked(str(_l("This post is locked: it takes no more replies.")))
    if not policy.can_reply(actor, post):
        raise Forbidden(str(_l("Sign in to reply.")))
    body = content.check_reply(body)
    screening = spam.screen(actor, "", body)
    now = utcnow()
    reply = Reply(
        post_id=post.id,
        author_id=actor.id,
        customer_id=_customer_id(actor),
        body=body,
        body_html=content.render(body),
        state="held" if screening.hold else "published",
        needs_review=bool(screening.hold or screening.review),
        review_reason=screening.hold or screening.review,
        staff=actor.is_staff,
        fingerprint=screening.fingerprint,
        created_at=now,
    )
    db.session.add(reply)
    db.session.flush()
    notify.follow(actor, "post", post.id)
    if reply.customer_id:
        customers.record(
            reply.customer_id,
            "post",
            str(_l("Community reply: %(title)s", title=post.title)),
            channel="community",
            subject_type="reply",
            subject_id=reply.id,
            url=post_path(post.id, reply.id),
            at=now,
        )
    if reply.is_published:
        recount(post)
        post.last_activity_at = now
        notify.announce("staff_reply" if reply.staff else "reply", post, reply, actor)
    searchable.changed(db.session, "post", post.id)
    if screening.hold is None:
        escalation.raise_if_sour(reply)
    return reply


def recount_topic(topic_id: int | None) -> None:
    """Keep a topic's count of published posts true (after a post appears, moves or goes)."""
    if topic_id is None:
        return
    db.session.flush()
    count = (
        sa.select(sa.func.count())
        .select_from(Post)
        .where(Post.topic_id == topic_id, Post.state == "published")
        .scalar_subquery()
    )
    db.session.execute(sa.update(Topic).where(Topic.id == topic_id).values(post_count=count))


def recount(post: Post) -> None:
    """Keep the post's count of published replies true (after any change of a reply's state)."""
    post.reply_count = (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Reply)
            .where(Reply.post_id == post.id, Reply.state == "published")
        )
        or 0
    )


def edit_post(
    actor: User, post: Post, *, title: str, body: str, tags: Iterable[str] | str | None = None
) -> None:
    """The author (or staff) corrects a post; the new text is sanitized and checked like the first."""
    if not policy.can_edit(actor, post):
        raise Forbidden(str(_l("You cannot edit this post.")))
    title, body = content.check_post(title, body)
    post.title, post.body, post.body_html = title, body, content.render(body)
    post.fingerprint = content.fingerprint(title, body)
    post.locale = content.guess_locale(f"{title} {body}")
    post.edited_at = utcnow()
    if tags is not None:
        set_tags(post, _tags(tags))
    db.session.flush()
    searchable.changed(db.session, "post", post.id)
    escalation.raise_if_sour(post)


def edit_reply(actor: User, reply: Reply, body: str) -> None:
    """The author (or staff) corrects a reply."""
    if not policy.can_edit(actor, reply):
        raise Forbidden(str(_l("You cannot edit this reply.")))
    body = content.check_reply(body)
    reply.body, reply.body_html = body, content.render(body)
    reply.fingerprint = content.fingerprint("", body)
    reply.edited_at = utcnow()
    db.session.flush()
    searchable.changed(db.session, "post", reply.post_id)
    escalation.raise_if_sour(reply)


def _votes_last_hour(user_id: int) -> int:
    since = utcnow() - timedelta(hours=1)
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Vote)
            .where(Vote.user_id == user_id, Vote.created_at >= since)
        )
        or 0
    )


def vote(actor: User, item: Post | Reply, value: int) -> int:
    """Vote up (1) or down (-1), change one's vote, or take it back (0); returns the new score.

    One vote per person and item (the primary key guarantees it, even for two requests at once); the same vote
    twice is refused; nobody votes on what they wrote; and nobody casts more than COMMUNITY_VOTES_PER_HOUR.
    """
    if value not in (1, -1, 0):
        raise ValidationFailed([("value", _l("Vote 1 (up) or -1 (down)."))])
    if item.author_id == actor.id:
        raise Forbidden(str(_l("You cannot vote on what you wrote.")))
    if not policy.can_vote(actor, item):
        raise DomainError(str(_l("This cannot be voted on.")), code="not_found", status=404)
    existing = db.session.get(Vote, (item.kind, item.id, actor.id))
    old = existing.value if existing else 0
    if value != 0 and old == value:
        raise DomainError(str(_l("You already voted on this.")), code="already_voted", status=409)
    if existing is None and value != 0:
        if _votes_last_hour(actor.id) >= setting("COMMUNITY_VOTES_PER_HOUR"):
            raise spam.TooFast(str(_l("You are voting too fast. Please try again later.")))
        try:
            with db.session.begin_nested():
                db.session.add(Vote(target_kind=item.kind, target_id=item.id, user_id=actor.id, value=value))
        except IntegrityError:
            raise DomainError(
                str(_l("You already voted on this.")), code="already_voted", status=409
            ) from None
    elif existing is not None and value == 0:
        db.session.delete(existing)
    elif existing is not None:
        existing.value = value
    delta = value - old
    if delta:
        model = type(item)
        db.session.execute(
            sa.update(model).where(model.id == item.id).values(score=model.score + delta),
            execution_options={"synchronize_session": False},
        )
        db.session.flush()
        db.session.refresh(item, ["score"])
        if isinstance(item, Post):
            searchable.changed(db.session, "post", item.id)
    return item.score


def accept_answer(actor: User, post: Post, reply: Reply | None) -> None:
    """The asker or staff marks the reply that solved it (None takes the mark back)."""
    if not policy.can_accept(actor, post):
        raise Forbidden(str(_l("Only the person who asked, or staff, can accept an answer.")))
    if reply is not None and (reply.post_id != post.id or not reply.is_published):
        raise ValidationFailed([("reply_id", _l("Pick a published reply of this post."))])
    new_id = reply.id if reply else None
    if post.accepted_reply_id == new_id:
        return
    post.accepted_reply_id = new_id
    db.session.flush()
    searchable.changed(db.session, "post", post.id)
    if reply is not None:
        notify.announce("accepted", post, reply, actor)


def my_votes(
    user: Any, posts: Iterable[Post] = (), replies: Iterable[Reply] = ()
) -> dict[tuple[str, int], int]:
    """{(kind, id): value} of the viewer's votes on these items, in one query."""
    if not getattr(user, "is_authenticated", False):
        return {}
    keys = [("post", p.id) for p in posts] + [("reply", r.id) for r in replies]
    if not keys:
        return {}
    rows = db.session.execute(
        sa.select(Vote.target_kind, Vote.target_id, Vote.value).where(
            Vote.user_id == user.id,
            sa.tuple_(Vote.target_kind, Vote.target_id).in_(keys),
        )
    )
    return {(kind, target): value for kind, target, value in rows}


@signals.customers_merging.connect
def _move_authors(merge: Any, survivor: Any, other: Any, **_: Any) -> None:
    for model, key in ((Post, "community_posts"), (Reply, "community_replies")):
        ids = db.session.scalars(sa.select(model.id).where(model.customer_id == other.id)).all()
        if ids:
            db.session.execute(sa.update(model).where(model.id.in_(ids)).values(customer_id=survivor.id))
            customers.note_moved(merge, key, list(ids))


@signals.customers_unmerging.connect
def _restore_authors(merge: Any, survivor: Any, other: Any, **_: Any) -> None:
    for model, key in ((Post, "community_posts"), (Reply, "community_replies")):
        ids = customers.moved_ids(merge, key)
        if ids:
            db.session.execute(
                sa.update(model)
                .where(model.id.in_(ids), model.customer_id == survivor.id)
                .values(customer_id=other.id)
            )

"""The community board: topics, posts and their replies, votes, flags, follows, notifications, sour words."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import Model, utcnow

# published: everyone sees it; held: waits for a moderator (spam checks); hidden: a moderator or enough flags
# took it down; merged: a post folded into another one (its URL redirects there).
STATES = ("published", "held", "hidden", "merged")
REVIEW_REASONS = ("first_post", "flagged", "links", "repetition")
FLAG_REASONS = ("spam", "abusive", "off_topic", "other")
FOLLOW_KINDS = ("topic", "tag", "post")
TARGET_KINDS = ("post", "reply")
SOUR_KINDS = ("angry", "failure")


class Topic(Model):
    """A category of the board (billing, internet, experiences …), named in Korean and English."""

    __tablename__ = "community_topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(100), default="")
    description: Mapped[str] = mapped_column(sa.String(300), default="")
    description_en: Mapped[str] = mapped_column(sa.String(300), default="")
    icon: Mapped[str] = mapped_column(sa.String(40), default="chat-square-text")
    position: Mapped[int] = mapped_column(default=50)
    post_count: Mapped[int] = mapped_column(
        default=0
    )  # published posts, kept by the services (no GROUP BY per page)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def label(self, locale: str) -> str:
        """The name in the viewer's language (Korean when no English name was given)."""
        return self.name_en if locale == "en" and self.name_en else self.name

    def blurb(self, locale: str) -> str:
        """The description in the viewer's language."""
        return self.description_en if locale == "en" and self.description_en else self.description


class _Content:
    """Columns shared by posts and replies: Markdown source, its sanitized HTML, moderation and score."""

    body: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown as written
    body_html: Mapped[str] = mapped_column(sa.Text, default="")  # rendered and sanitized (again on output)
    state: Mapped[str] = mapped_column(sa.String(10), default="published")
    review_reason: Mapped[str | None] = mapped_column(sa.String(20))  # why it sits in the moderation queue
    needs_review: Mapped[bool] = mapped_column(default=False)
    hidden_reason: Mapped[str | None] = mapped_column(sa.String(20))  # moderator, flags, spam
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    score: Mapped[int] = mapped_column(default=0)
    flag_count: Mapped[int] = mapped_column(default=0)
    staff: Mapped[bool] = mapped_column(default=False)  # written by an agent or admin: the staff badge
    fingerprint: Mapped[str] = mapped_column(sa.String(64), default="")  # normalized content, for repetition
    sour_terms: Mapped[list[Any]] = mapped_column(default=list)  # angry or failure words found when written
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    edited_at: Mapped[datetime | None]

    @property
    def is_published(self) -> bool:
        return self.state == "published"


class Post(_Content, Model):
    """A question or an experience a customer (or staff member) shared, with its replies."""

    __tablename__ = "community_posts"
    __table_args__ = (
        sa.Index("ix_community_posts_board", "state", "pinned", "last_activity_at", "id"),
        sa.Index("ix_community_posts_topic", "topic_id", "state", "pinned", "last_activity_at", "id"),
        sa.Index("ix_community_posts_created", "state", "created_at", "id"),
        sa.Index("ix_community_posts_score", "state", "score", "id"),
        sa.Index("ix_community_posts_unanswered", "state", "pinned", "reply_count", "last_activity_at", "id"),
        sa.Index("ix_community_posts_solved", "state", "pinned", "accepted_reply_id", "last_activity_at"),
        sa.Index("ix_community_posts_author", "author_id", "created_at"),
        sa.Index("ix_community_posts_review", "needs_review", "created_at"),
        sa.Index("ix_community_posts_fingerprint", "fingerprint", "created_at"),
        sa.Index("ix_community_posts_customer", "customer_id"),
        sa.Index("ix_community_posts_ticket", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int | None] = mapped_column(sa.ForeignKey("community_topics.id", ondelete="SET NULL"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(sa.String(200))
    locale: Mapped[str] = mapped_column(sa.String(10), default="ko")
    pinned: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    reply_count: Mapped[int] = mapped_column(default=0)  # published replies
    # No foreign key: replies point at posts, and a cycle would complicate every migration for little gain.
    accepted_reply_id: Mapped[int | None]
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("community_posts.id"))
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id", ondelete="SET NULL"))
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship(lazy="joined", foreign_keys=[author_id])
    topic: Mapped[Topic | None] = relationship(lazy="joined")
    tag_rows: Mapped[list[PostTag]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="PostTag.name"
    )

    @property
    def tags(self) -> list[str]:
        return [t.name for t in self.tag_rows]

    @property
    def solved(self) -> bool:
        return self.accepted_reply_id is not None

    kind = "post"

    def __repr__(self) -> str:
        return f"<Post {self.id} {self.state}>"


class PostTag(Model):
    """A tag on a post (normalized like ticket tags)."""

    __tablename__ = "community_post_tags"
    __table_args__ = (sa.Index("ix_community_post_tags_name", "name", "post_id"),)

    post_id: Mapped[int] = mapped_column(
        sa.ForeignKey("community_posts.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(sa.String(50), primary_key=True)


class Reply(_Content, Model):
    """An answer or comment on a post."""

    __tablename__ = "community_replies"
    __table_args__ = (
        sa.Index("ix_community_replies_post", "post_id", "id"),
        sa.Index("ix_community_replies_author", "author_id", "created_at"),
        sa.Index("ix_community_replies_review", "needs_review", "created_at"),
        sa.Index("ix_community_replies_fingerprint", "fingerprint", "created_at"),
        sa.Index("ix_community_replies_customer", "customer_id"),
        sa.Index("ix_community_replies_ticket", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("community_posts.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id", ondelete="SET NULL"))
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id", ondelete="SET NULL"))
    article_url: Mapped[str | None] = mapped_column(sa.String(500))  # promoted into a draft article

    author: Mapped[User] = relationship(lazy="joined", foreign_keys=[author_id])

    kind = "reply"

    def __repr__(self) -> str:
        return f"<Reply {self.id} on {self.post_id} {self.state}>"


class Vote(Model):
    """One person's vote on one post or reply: the primary key makes a second vote impossible."""

    __tablename__ = "community_votes"
    __table_args__ = (sa.Index("ix_community_votes_user_at", "user_id", "created_at"),)

    target_kind: Mapped[str] = mapped_column(sa.String(5), primary_key=True)  # post, reply
    target_id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    value: Mapped[int]  # 1 or -1
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Flag(Model):
    """Someone asked moderators to look at a post or reply (once per person and item)."""

    __tablename__ = "community_flags"
    __table_args__ = (
        sa.Index("uq_community_flags_once", "target_kind", "target_id", "user_id", unique=True),
        sa.Index("ix_community_flags_open", "resolved_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_kind: Mapped[str] = mapped_column(sa.String(5))
    target_id: Mapped[int]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[str | None] = mapped_column(sa.String(20))  # approved, hidden, spam

    user: Mapped[User] = relationship(lazy="joined")


class Follow(Model):
    """Someone follows a topic, a tag or a post; notified in the portal, and by mail when `email`."""

    __tablename__ = "community_follows"
    __table_args__ = (
        sa.Index("uq_community_follows_once", "user_id", "kind", "key", unique=True),
        sa.Index("ix_community_follows_target", "kind", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(10))  # topic, tag, post
    key: Mapped[str] = mapped_column(sa.String(60))  # topic id, tag name or post id
    email: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Notification(Model):
    """Something happened that a follower wants to know: shown in the portal until read."""

    __tablename__ = "community_notifications"
    __table_args__ = (
        sa.Index("ix_community_notifications_unread", "user_id", "read_at"),
        sa.Index("ix_community_notifications_user", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(sa.String(20))  # new_post, reply, staff_reply, accepted
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("community_posts.id", ondelete="CASCADE"), index=True)
    reply_id: Mapped[int | None] = mapped_column(sa.ForeignKey("community_replies.id", ondelete="CASCADE"))
    actor_name: Mapped[str] = mapped_column(sa.String(200), default="")
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]


class SourTerm(Model):
    """A word or phrase admins added to the built-in list of angry or failure words."""

    __tablename__ = "community_sour_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(sa.String(100), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(10), default="angry")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

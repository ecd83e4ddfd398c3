"""The knowledge base: categories, sections, articles (Korean and English versions linked), revisions and votes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import Model, utcnow

STATUSES = ("draft", "published")
LOCALES = ("ko", "en")


class Category(Model):
    """A top-level topic of the help center (e.g. 요금·결제)."""

    __tablename__ = "kb_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sections: Mapped[list[Section]] = relationship(
        back_populates="category", order_by="Section.position, Section.id", lazy="selectin"
    )

    def label(self, locale: str | None) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name


class Section(Model):
    """A group of articles inside a category (e.g. 환불)."""

    __tablename__ = "kb_sections"
    __table_args__ = (sa.Index("ix_kb_sections_category_position", "category_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("kb_categories.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120), default="")
    position: Mapped[int] = mapped_column(default=0)

    category: Mapped[Category] = relationship(back_populates="sections", lazy="joined")

    def label(self, locale: str | None) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name


class Article(Model):
    """One language version of an article; versions of the same article share `family_id`."""

    __tablename__ = "articles"
    __table_args__ = (
        sa.UniqueConstraint("family_id", "locale", name="uq_articles_family_locale"),
        sa.Index("ix_articles_section_status_position", "section_id", "status", "position", "id"),
        sa.Index("ix_articles_status_updated", "status", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int | None] = mapped_column(sa.Integer)  # the id of the first version
    locale: Mapped[str] = mapped_column(sa.String(5), default="ko")
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    section_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kb_sections.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(sa.String(10), default="draft")
    internal: Mapped[bool] = mapped_column(default=False)  # agents only, never shown to customers
    tags: Mapped[list[Any]] = mapped_column(default=list)
    position: Mapped[int] = mapped_column(default=0)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    source_url: Mapped[str | None] = mapped_column(sa.String(500))  # e.g. the community answer it came from
    revision: Mapped[int] = mapped_column(default=1)
    helpful_yes: Mapped[int] = mapped_column(default=0)
    helpful_no: Mapped[int] = mapped_column(default=0)
    views: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    section: Mapped[Section | None] = relationship(lazy="joined")
    author: Mapped[User | None] = relationship(lazy="joined")

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def helpful_percent(self) -> int | None:
        total = self.helpful_yes + self.helpful_no
        return round(100 * self.helpful_yes / total) if total else None


class ArticleRevision(Model):
    """The title and body of an article as one save left them."""

    __tablename__ = "article_revisions"
    __table_args__ = (
        sa.UniqueConstraint("article_id", "number", name="uq_article_revisions_article_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("articles.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(10), default="draft")
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")


class ArticleVote(Model):
    """One "was this helpful?" answer: one per signed-in person, one per anonymous visitor."""

    __tablename__ = "article_votes"
    __table_args__ = (
        sa.UniqueConstraint("article_id", "user_id", name="uq_article_votes_article_user"),
        sa.UniqueConstraint("article_id", "visitor", name="uq_article_votes_article_visitor"),
        sa.Index("ix_article_votes_article_created", "article_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("articles.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    visitor: Mapped[str | None] = mapped_column(sa.String(64))  # a random id in a signed cookie
    helpful: Mapped[bool] = mapped_column()
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

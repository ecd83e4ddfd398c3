"""Read-side selects of the knowledge base."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from portal.knowledge.models import Article, ArticleRevision, ArticleVote, Category, Section


def categories() -> sa.Select:
    """Every category in display order (sections come with them)."""
    return sa.select(Category).order_by(Category.position, Category.id)


def sections() -> sa.Select:
    """Every section with its category, for pickers."""
    return sa.select(Section).join(Category).order_by(Category.position, Section.position, Section.id)


def _public() -> list[Any]:
    return [Article.status == "published", Article.internal.is_(False)]


def published_in_sections(section_ids: list[int], locale: str) -> sa.Select:
    """Published public articles of these sections: one version per family, the reader's language first."""
    ranked = (
        sa.select(
            Article.id,
            sa.func.row_number()
            .over(
                partition_by=sa.func.coalesce(Article.family_id, Article.id),
                order_by=(sa.case((Article.locale == locale, 0), else_=1), Article.id),
            )
            .label("rank"),
        )
        .where(Article.section_id.in_(section_ids or [-1]), *_public())
        .subquery()
    )
    return (
        sa.select(Article)
        .join(ranked, ranked.c.id == Article.id)
        .where(ranked.c.rank == 1)
        .order_by(Article.section_id, Article.position, Article.id)
    )


def desk_articles(
    *,
    status: str | None = None,
    section_id: int | None = None,
    after: list[Any] | None = None,
    limit: int = 50,
) -> sa.Select:
    """Articles for agents, most recently updated first (keyset on updated_at, id)."""
    from datetime import datetime

    stmt = sa.select(Article)
    if status == "internal":
        stmt = stmt.where(Article.internal.is_(True))
    elif status:
        stmt = stmt.where(Article.status == status)
    if section_id:
        stmt = stmt.where(Article.section_id == section_id)
    if after:
        at, last = datetime.fromisoformat(after[0]), after[1]
        stmt = stmt.where(
            sa.or_(Article.updated_at < at, sa.and_(Article.updated_at == at, Article.id < last))
        )
    return stmt.order_by(Article.updated_at.desc(), Article.id.desc()).limit(limit)


def versions(article: Article) -> sa.Select:
    """Every language version of an article, the article itself included."""
    family = article.family_id or article.id
    return (
        sa.select(Article)
        .where(sa.or_(Article.family_id == family, Article.id == family))
        .order_by(Article.id)
    )


def related(article: Article, *, staff: bool, limit: int = 5) -> sa.Select:
    """Articles in the same language that share the section or a tag, most helpful first."""
    stmt = sa.select(Article).where(
        Article.id != article.id,
        Article.locale == article.locale,
        sa.func.coalesce(Article.family_id, Article.id) != (article.family_id or article.id),
    )
    stmt = stmt.where(*_public()) if not staff else stmt.where(Article.status == "published")
    same_section = Article.section_id == article.section_id if article.section_id else sa.false()
    return stmt.where(same_section).order_by(Article.helpful_yes.desc(), Article.id).limit(limit)


def revisions(article_id: int) -> sa.Select:
    """An article's revisions, newest first."""
    return (
        sa.select(ArticleRevision)
        .where(ArticleRevision.article_id == article_id)
        .order_by(ArticleRevision.number.desc())
    )


def vote_comments(article_id: int, limit: int = 20) -> sa.Select:
    """The latest votes that came with a comment."""
    return (
        sa.select(ArticleVote)
        .where(ArticleVote.article_id == article_id, ArticleVote.comment != "")
        .order_by(ArticleVote.created_at.desc())
        .limit(limit)
    )

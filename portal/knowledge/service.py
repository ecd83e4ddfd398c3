"""Writing the knowledge base: articles and their versions, revisions, votes, categories and sections."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal.core import searchable, signals
from portal.core.db import utcnow
from portal.core.errors import DomainError, ValidationFailed
from portal.extensions import db
from portal.knowledge.models import (
    LOCALES,
    STATUSES,
    Article,
    ArticleRevision,
    ArticleVote,
    Category,
    Section,
)

TITLE_MAX = 200
BODY_MAX = 100_000
COMMENT_MAX = 2000
TAG_MAX = 40


def clean_tags(tags: Any) -> list[str]:
    """Tags as a short list of distinct trimmed words."""
    if tags is None:
        return []
    if isinstance(tags, str):
        tags = tags.split(",")
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ValidationFailed([("tags", "must be a list of words")])
    cleaned = [re.sub(r"\s+", " ", t).strip()[:TAG_MAX] for t in tags]
    return list(dict.fromkeys(t for t in cleaned if t))[:20]


def _check(title: str, body: str, locale: str, status: str) -> None:
    errors: list[tuple[str, str]] = []
    if not title.strip():
        errors.append(("title", "must not be empty"))
    elif len(title) > TITLE_MAX:
        errors.append(("title", f"must be at most {TITLE_MAX} characters"))
    if len(body) > BODY_MAX:
        errors.append(("body", f"must be at most {BODY_MAX} characters"))
    if locale not in LOCALES:
        errors.append(("locale", f"must be one of {', '.join(LOCALES)}"))
    if status not in STATUSES:
        errors.append(("status", f"must be one of {', '.join(STATUSES)}"))
    if errors:
        raise ValidationFailed(errors)


def create_article(
    actor: Any,
    *,
    title: str,
    body: str,
    locale: str = "ko",
    section: Section | None = None,
    tags: Any = None,
    internal: bool = False,
    status: str = "draft",
    translation_of: Article | None = None,
    source_url: str | None = None,
) -> Article:
    """A new article (or a new language version of an existing one), with its first revision."""
    _check(title, body, locale, status)
    family = (translation_of.family_id or translation_of.id) if translation_of else None
    if family and db.session.scalar(
        sa.select(Article.id).where(
            sa.or_(Article.family_id == family, Article.id == family), Article.locale == locale
        )
    ):
        raise ValidationFailed([("locale", "this article already has a version in that language")])
    article = Article(
        title=title.strip(),
        body=body,
        locale=locale,
        section=section if section is not None else (translation_of.section if translation_of else None),
        tags=clean_tags(tags),
        internal=internal,
        status=status,
        author_id=getattr(actor, "id", None),
        source_url=(source_url or None) and source_url[:500],
        published_at=utcnow() if status == "published" else None,
    )
    db.session.add(article)
    db.session.flush()
    article.family_id = family or article.id
    _revision(article, actor, note="created")
    searchable.changed(db.session, "article", article.id)
    return article


def update_article(article: Article, actor: Any, *, note: str = "", **changes: Any) -> Article:
    """Edit an article; a change of title, body or status is kept as a new revision."""
    title = changes.get("title", article.title)
    body = changes.get("body", article.body)
    status = changes.get("status", article.status)
    _check(title, body, article.locale, status)
    content_changed = (title.strip(), body, status) != (article.title, article.body, article.status)
    article.title, article.body = title.strip(), body
    if status == "published" and article.status != "published":
        article.published_at = utcnow()
    article.status = status
    if "section" in changes:
        article.section = changes["section"]
    if "tags" in changes:
        article.tags = clean_tags(changes["tags"])
    if "internal" in changes:
        article.internal = bool(changes["internal"])
    article.updated_at = utcnow()
    if content_changed:
        article.revision += 1
        _revision(article, actor, note=note)
    searchable.changed(db.session, "article", article.id)
    return article


def _revision(article: Article, actor: Any, *, note: str) -> ArticleRevision:
    revision = ArticleRevision(
        article_id=article.id,
        number=article.revision,
        title=article.title,
        body=article.body,
        status=article.status,
        note=note[:300],
        author_id=getattr(actor, "id", None),
    )
    db.session.add(revision)
    return revision


def restore_revision(article: Article, revision: ArticleRevision, actor: Any) -> Article:
    """Bring back the title and body of an earlier revision (as a new revision)."""
    if revision.article_id != article.id:
        raise DomainError("That revision belongs to another article.", code="not_found", status=404)
    return update_article(
        article, actor, title=revision.title, body=revision.body, note=f"restored revision {revision.number}"
    )


def delete_article(article: Article) -> None:
    """Remove an article and its revisions and votes (and from search)."""
    searchable.changed(db.session, "article", article.id)
    db.session.delete(article)
    db.session.flush()


def vote(
    article: Article, *, helpful: bool, comment: str = "", user: Any = None, visitor: str | None = None
) -> ArticleVote:
    """Record whether the article helped; a second vote from the same person or visitor is refused (409)."""
    user_id = getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None
    if user_id is None and not visitor:
        raise DomainError("Cannot tell who is voting.", code="bad_request", status=400)
    existing = sa.select(ArticleVote.id).where(ArticleVote.article_id == article.id)
    existing = existing.where(
        ArticleVote.user_id == user_id if user_id is not None else ArticleVote.visitor == visitor
    )
    if db.session.scalar(existing):
        raise DomainError("You already told us whether this article helped.", code="conflict", status=409)
    row = ArticleVote(
        article_id=article.id,
        user_id=user_id,
        visitor=None if user_id is not None else visitor,
        helpful=bool(helpful),
        comment=(comment or "").strip()[:COMMENT_MAX],
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # the same person voting twice at the same moment
        raise DomainError(
            "You already told us whether this article helped.", code="conflict", status=409
        ) from None
    counter = Article.helpful_yes if helpful else Article.helpful_no
    db.session.execute(sa.update(Article).where(Article.id == article.id).values({counter: counter + 1}))
    db.session.expire(article, ["helpful_yes", "helpful_no"])
    return row


def count_view(article: Article) -> None:
    """One more reader (an UPDATE, so concurrent readers never lose a count)."""
    db.session.execute(sa.update(Article).where(Article.id == article.id).values(views=Article.views + 1))


def save_category(
    category: Category | None,
    *,
    slug: str,
    name: str,
    name_en: str = "",
    description: str = "",
    position: int = 0,
) -> Category:
    """Create or edit a category."""
    slug = re.sub(r"[^a-z0-9-]+", "-", slug.strip().lower()).strip("-")
    errors = []
    if not slug:
        errors.append(("slug", "must not be empty"))
    if not name.strip():
        errors.append(("name", "must not be empty"))
    clash = db.session.scalar(sa.select(Category).where(Category.slug == slug))
    if clash is not None and clash is not category:
        errors.append(("slug", "is already used"))
    if errors:
        raise ValidationFailed(errors)
    category = category or Category()
    category.slug, category.name, category.name_en = slug, name.strip(), name_en.strip()
    category.description, category.position = description.strip(), position
    db.session.add(category)
    db.session.flush()
    return category


def save_section(
    section: Section | None, *, category: Category, name: str, name_en: str = "", position: int = 0
) -> Section:
    """Create or edit a section of a category."""
    if not name.strip():
        raise ValidationFailed([("name", "must not be empty")])
    section = section or Section()
    section.category, section.name, section.name_en, section.position = (
        category,
        name.strip(),
        name_en.strip(),
        position,
    )
    db.session.add(section)
    db.session.flush()
    return section


def draft_from_answer(
    sender: Any,
    *,
    title: str,
    body: str,
    locale: str = "ko",
    actor: Any = None,
    source_url: str | None = None,
    **_: Any,
) -> str:
    """signals.article_draft_requested: turn a good community answer into a draft article; returns its URL."""
    from flask import url_for

    article = create_article(
        actor,
        title=(title or "").strip()[:TITLE_MAX] or "(untitled)",
        body=body or "",
        locale=locale if locale in LOCALES else "ko",
        status="draft",
        source_url=source_url,
    )
    return url_for("knowledge_desk.edit", article_id=article.id)


signals.article_draft_requested.connect(draft_from_answer)

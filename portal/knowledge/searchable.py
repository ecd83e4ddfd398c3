"""Articles as searchable documents: published public ones for everyone, drafts and internal ones for agents."""

from __future__ import annotations

import html
from collections.abc import Iterator

import nh3
import sqlalchemy as sa

from portal.core import searchable
from portal.core.html import render_markdown
from portal.core.searchable import Document
from portal.extensions import db
from portal.knowledge.models import Article


def plain_text(markdown: str) -> str:
    """The words of a Markdown body without its markup (for matching and snippets)."""
    rendered = str(render_markdown(markdown)).replace("</li>", "</li>\n").replace("</p>", "</p>\n")
    return html.unescape(nh3.clean(rendered, tags=set())).strip()


def document(article: Article) -> Document:
    """The search document of one article version."""
    public = article.status == "published" and not article.internal
    section = article.section
    return Document(
        kind="article",
        id=article.id,
        title=article.title,
        body=plain_text(article.body),
        url=f"/kb/articles/{article.id}",
        visibility=["public"] if public else ["staff"],
        updated_at=article.updated_at,
        locale=article.locale,
        tags=list(article.tags or []),
        category=section.category.slug if section else None,
        extra={
            "status": article.status,
            "internal": article.internal,
            "section": section.name if section else None,
        },
    )


class ArticleSource:
    """Every article version, one document each."""

    kind = "article"

    def load(self, ids: list[int]) -> list[Document]:
        rows = db.session.scalars(sa.select(Article).where(Article.id.in_(ids)))
        return [document(a) for a in rows]

    def batches(self, size: int) -> Iterator[list[int]]:
        return searchable.id_batches(Article.id, size)

    def count(self) -> int:
        return searchable.row_count(Article.id)


searchable.register(ArticleSource())

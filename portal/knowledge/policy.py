"""Who may read, write and vote on articles."""

from __future__ import annotations

from typing import Any

from portal.core.auth import is_staff
from portal.knowledge.models import Article


def can_view_article(user: Any, article: Article | None) -> bool:
    """Agents see every article; everyone else only published, non-internal ones."""
    if article is None:
        return False
    if is_staff(user):
        return True
    return article.status == "published" and not article.internal


def can_edit_articles(user: Any) -> bool:
    """Agents and admins write and edit the knowledge base."""
    return is_staff(user)


def can_vote(user: Any, article: Article) -> bool:
    """Anyone who may read a published article may say whether it helped (once)."""
    return article.status == "published" and can_view_article(user, article)

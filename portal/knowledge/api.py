"""JSON API v1: articles (see ../shared/CONTRACT.md and /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for
from flask_login import current_user

from portal.core.api import api_blueprint, document, field, iso, json_body, require_user
from portal.core.errors import DomainError, NotFound, ValidationFailed
from portal.core.html import render_markdown
from portal.extensions import db, limiter
from portal.knowledge import policy, queries, service
from portal.knowledge.models import Article, Category, Section
from portal.tickets.api_spec import body, ok, path_param, ref

bp = api_blueprint("knowledge_api", __name__)


def serialize(article: Article) -> dict[str, Any]:
    """An article as the API shows it."""
    section = article.section
    versions = db.session.scalars(queries.versions(article)).all()
    return {
        "id": article.id,
        "url": url_for("knowledge.article", article_id=article.id, _external=True),
        "title": article.title,
        "body": article.body,
        "html": str(render_markdown(article.body)),
        "locale": article.locale,
        "status": article.status,
        "internal": article.internal,
        "category": section.category.slug if section else None,
        "section": section.name if section else None,
        "tags": list(article.tags or []),
        "versions": [{"id": v.id, "locale": v.locale} for v in versions if v.id != article.id],
        "helpful": {"yes": article.helpful_yes, "no": article.helpful_no},
        "revision": article.revision,
        "created_at": iso(article.created_at),
        "updated_at": iso(article.updated_at),
        "published_at": iso(article.published_at),
    }


def _section_for(category_slug: str | None, section_name: str | None) -> Section | None:
    if not category_slug:
        return None
    category = db.session.scalar(sa.select(Category).where(Category.slug == category_slug.strip()))
    if category is None:
        raise ValidationFailed([("category", "no such category")])
    if section_name:
        match = next((s for s in category.sections if section_name.strip() in (s.name, s.name_en)), None)
        if match is None:
            raise ValidationFailed([("section", "no such section in that category")])
        return match
    if not category.sections:
        return service.save_section(None, category=category, name=category.name, name_en=category.name_en)
    return category.sections[0]


@bp.post("/articles")
@limiter.limit(lambda: current_app.config["RATELIMIT_SUBMIT"])
def create_article() -> Any:
    """Write an article (agents); published unless `status` says draft."""
    user = require_user()
    if not policy.can_edit_articles(user):
        raise DomainError("Only agents write articles.", code="forbidden", status=403)
    data = json_body()
    original = None
    if data.get("translation_of") is not None:
        original = db.session.get(Article, field(data, "translation_of", int))
        if original is None:
            raise ValidationFailed([("translation_of", "no such article")])
    article = service.create_article(
        user,
        title=field(data, "title", str, required=True),
        body=field(data, "body", str, required=True),
        locale=field(data, "locale", str, default="ko"),
        section=_section_for(field(data, "category", str), field(data, "section", str)),
        tags=field(data, "tags", list),
        internal=field(data, "internal", bool, default=False),
        status=field(data, "status", str, default="published"),
        translation_of=original,
    )
    db.session.commit()
    return serialize(article), 201


@bp.get("/articles/<int:article_id>")
def get_article(article_id: int) -> Any:
    """One article; drafts and internal articles only for agents (404 for anyone else)."""
    article = db.session.get(Article, article_id)
    if not policy.can_view_article(current_user, article):
        raise NotFound("No such article.")
    return serialize(article)  # type: ignore[arg-type]


ARTICLE_SCHEMA = {
    "type": "object",
    "required": ["id", "url", "title", "body", "html", "locale", "status", "internal", "tags", "created_at"],
    "properties": {
        "id": {"type": "integer"},
        "url": {"type": "string"},
        "title": {"type": "string"},
        "body": {"type": "string", "description": "Markdown"},
        "html": {"type": "string", "description": "the body rendered and sanitized"},
        "locale": {"enum": ["ko", "en"]},
        "status": {"enum": ["draft", "published"]},
        "internal": {"type": "boolean"},
        "category": {"type": ["string", "null"]},
        "section": {"type": ["string", "null"]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "versions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "locale": {"type": "string"}},
            },
        },
        "helpful": {"type": "object", "properties": {"yes": {"type": "integer"}, "no": {"type": "integer"}}},
        "revision": {"type": "integer"},
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "published_at": {"type": ["string", "null"], "format": "date-time"},
    },
}
NEW_ARTICLE = {
    "type": "object",
    "required": ["title", "body"],
    "properties": {
        "title": {"type": "string", "maxLength": 200},
        "body": {
            "type": "string",
            "description": "Markdown; raw HTML is escaped, links and images sanitized",
        },
        "locale": {"enum": ["ko", "en"], "default": "ko"},
        "category": {"type": "string", "description": "a category slug"},
        "section": {"type": "string", "description": "a section name inside the category"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "internal": {
            "type": "boolean",
            "default": False,
            "description": "agents only, never shown to customers",
        },
        "status": {"enum": ["draft", "published"], "default": "published"},
        "translation_of": {
            "type": "integer",
            "description": "the id of the same article in another language",
        },
    },
}

document(
    {
        "/articles": {
            "post": {
                "summary": "Write an article (agents)",
                "requestBody": body(NEW_ARTICLE),
                "responses": ok(ref("Article"), "Created", "201"),
            }
        },
        "/articles/{id}": {
            "get": {
                "summary": "One article (drafts and internal ones only for agents)",
                "parameters": [path_param("id", "integer")],
                "responses": ok(ref("Article")),
            }
        },
    },
    {"Article": ARTICLE_SCHEMA},
)

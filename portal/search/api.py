"""JSON API v1: GET /search (see ../shared/CONTRACT.md and /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_login import current_user

from portal.core.api import api_blueprint, document, limit_arg
from portal.core.errors import ValidationFailed
from portal.extensions import limiter
from portal.search import service
from portal.tickets.api_spec import ok, query, ref

bp = api_blueprint("search_api", __name__)
KINDS = ("article", "post", "ticket", "catalog")


@bp.get("/search")
@limiter.limit(lambda: current_app.config["RATELIMIT_API"])
def search() -> Any:
    """Everything the caller may see that matches `q`, best first (any text is accepted)."""
    text = request.args.get("q") or ""
    kind = request.args.get("kind") or None
    locale = request.args.get("locale") or None
    if kind is not None and kind not in KINDS and kind not in service.ordered_kinds():
        raise ValidationFailed([("kind", f"must be one of {', '.join(KINDS)}")])
    if locale is not None and locale not in ("ko", "en"):
        raise ValidationFailed([("locale", "must be ko or en")])
    limit = limit_arg(default=10, maximum=50)
    results = service.search(
        text,
        user=current_user,
        filters=service.Filters(kinds=[kind] if kind else None, locale=locale),
        limit=limit,
    )
    body: dict[str, Any] = {"items": [h.as_dict() for h in results.best_first(limit)], "next": None}
    if results.suggestion:
        body["did_you_mean"] = results.suggestion
    return body


HIT = {
    "type": "object",
    "required": ["kind", "id", "title", "url", "snippet", "score"],
    "properties": {
        "kind": {
            "type": "string",
            "description": "article, post, ticket, catalog (or any kind a domain declares)",
        },
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "url": {"type": "string"},
        "snippet": {"type": "string", "description": "escaped HTML; matching words in <mark>"},
        "score": {"type": "number"},
    },
}
RESULTS = {
    "type": "object",
    "required": ["items"],
    "properties": {
        "items": {"type": "array", "items": ref("SearchHit")},
        "next": {"type": "null"},
        "did_you_mean": {"type": "string", "description": "a respelling when some words are unknown"},
    },
}

document(
    {
        "/search": {
            "get": {
                "summary": "Search what the caller may see (customers: public content and their own tickets)",
                "parameters": [
                    query("q", "any text; never a syntax error"),
                    query("kind", "article, post, ticket or catalog"),
                    query("locale", "ko or en"),
                    query("limit", "1 to 50 (default 10)", {"type": "integer"}),
                ],
                "responses": ok(ref("SearchResults")),
            }
        }
    },
    {"SearchHit": HIT, "SearchResults": RESULTS},
)

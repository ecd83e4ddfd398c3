"""OpenAPI description of the board's routes (kept true by tests/test_openapi.py and tests/community)."""

from __future__ import annotations

from typing import Any

from portal.core.api import document
from portal.tickets.api_spec import NULLABLE_STR, NULLABLE_TIME, TIME, body, ok, path_param, query, ref

AUTHOR = {
    "type": "object",
    "required": ["name", "staff"],
    "properties": {"name": {"type": "string"}, "staff": {"type": "boolean"}},
}
STATE = {"enum": ["published", "held", "hidden", "merged"]}

SCHEMAS: dict[str, Any] = {
    "Post": {
        "type": "object",
        "required": [
            "id", "url", "title", "body", "html", "topic", "tags", "author", "state", "score", "reply_count",
            "accepted_reply_id", "pinned", "locked", "created_at", "updated_at",
        ],
        "properties": {
            "id": {"type": "integer"},
            "url": {"type": "string"},
            "title": {"type": "string"},
            "body": {"type": "string", "description": "Markdown as written"},
            "html": {"type": "string", "description": "rendered and sanitized"},
            "topic": {
                "type": ["object", "null"],
                "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
            },
            "tags": {"type": "array", "items": {"type": "string"}},
            "author": AUTHOR,
            "state": STATE,
            "score": {"type": "integer", "description": "up votes minus down votes"},
            "reply_count": {"type": "integer"},
            "accepted_reply_id": {"type": ["integer", "null"]},
            "pinned": {"type": "boolean"},
            "locked": {"type": "boolean"},
            "locale": {"type": "string"},
            "created_at": TIME,
            "updated_at": TIME,
            "last_activity_at": TIME,
        },
    },
    "Reply": {
        "type": "object",
        "required": ["id", "post_id", "body", "html", "author", "staff", "state", "score", "accepted", "created_at"],
        "properties": {
            "id": {"type": "integer"},
            "post_id": {"type": "integer"},
            "body": {"type": "string"},
            "html": {"type": "string"},
            "author": AUTHOR,
            "staff": {"type": "boolean", "description": "written by an agent or admin (the staff badge)"},
            "state": STATE,
            "score": {"type": "integer"},
            "accepted": {"type": "boolean"},
            "url": {"type": "string"},
            "created_at": TIME,
            "edited_at": NULLABLE_TIME,
        },
    },
    "PostWithReplies": {
        "allOf": [
            ref("Post"),
            {
                "type": "object",
                "required": ["replies"],
                "properties": {"replies": {"type": "array", "items": ref("Reply")}},
            },
        ]
    },
    "PostList": {
        "type": "object",
        "required": ["items", "next"],
        "properties": {"items": {"type": "array", "items": ref("Post")}, "next": NULLABLE_STR},
    },
    "NewPost": {
        "type": "object",
        "required": ["title", "body"],
        "properties": {
            "title": {"type": "string", "minLength": 4, "maxLength": 200},
            "body": {"type": "string", "description": "Markdown; raw HTML is escaped, the result sanitized"},
            "tags": {"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]},
            "topic": {"type": "string", "description": "a topic's slug"},
        },
    },
    "NewReply": {"type": "object", "required": ["body"], "properties": {"body": {"type": "string"}}},
    "Vote": {
        "type": "object",
        "required": ["value"],
        "properties": {"value": {"enum": [1, -1, 0], "description": "1 up, -1 down, 0 takes the vote back"}},
    },
}  # fmt: skip


def limited(responses: dict[str, Any]) -> dict[str, Any]:
    """The responses of a rate-limited route: the contract's errors plus 429."""
    responses["429"] = {
        "description": "Too many requests",
        "content": {"application/json": {"schema": ref("Error")}},
    }
    return responses


def document_community_api() -> None:
    """Add the board's paths to the OpenAPI document."""
    post_id = [path_param("post_id", "integer")]
    document(
        {
            "/posts": {
                "get": {
                    "summary": "Published posts, newest activity first",
                    "parameters": [
                        query("topic", "a topic's slug"),
                        query("tag", "a tag"),
                        query("sort", "latest, new, top, unanswered or solved"),
                        query("cursor", "the `next` of the previous page"),
                        query("limit", "1 to 100", {"type": "integer"}),
                    ],
                    "responses": ok(ref("PostList")),
                },
                "post": {
                    "summary": "Start a thread (spam checks may hold it for a moderator: `state` held)",
                    "requestBody": body(ref("NewPost")),
                    "responses": limited(ok(ref("Post"), "Created", "201")),
                },
            },
            "/posts/{post_id}": {
                "get": {
                    "summary": "A post with its replies",
                    "parameters": post_id,
                    "responses": ok(ref("PostWithReplies")),
                }
            },
            "/posts/{post_id}/replies": {
                "post": {
                    "summary": "Answer on a thread; a locked post answers 409 with code `locked`",
                    "parameters": post_id,
                    "requestBody": body(ref("NewReply")),
                    "responses": limited(ok(ref("Reply"), "Created", "201")),
                }
            },
            "/posts/{post_id}/vote": {
                "post": {
                    "summary": "Vote on a post; the same vote twice is 409 `already_voted`, one's own post 403",
                    "parameters": post_id,
                    "requestBody": body(ref("Vote")),
                    "responses": limited(ok(ref("Post"))),
                }
            },
            "/replies/{reply_id}/vote": {
                "post": {
                    "summary": "Vote on a reply",
                    "parameters": [path_param("reply_id", "integer")],
                    "requestBody": body(ref("Vote")),
                    "responses": limited(ok(ref("Reply"))),
                }
            },
            "/posts/{post_id}/accept": {
                "post": {
                    "summary": "Mark the accepted answer (the asker or staff); null takes the mark back",
                    "parameters": post_id,
                    "requestBody": body(
                        {"type": "object", "properties": {"reply_id": {"type": ["integer", "null"]}}}
                    ),
                    "responses": ok(ref("Post")),
                }
            },
            "/posts/{post_id}/flag": {
                "post": {
                    "summary": "Ask moderators to look at a post (once per person)",
                    "parameters": post_id,
                    "requestBody": body(
                        {
                            "type": "object",
                            "required": ["reason"],
                            "properties": {
                                "reason": {"enum": ["spam", "abusive", "off_topic", "other"]},
                                "note": {"type": "string"},
                            },
                        }
                    ),
                    "responses": limited(ok(ref("Post"), "Flagged", "201")),
                }
            },
        },
        SCHEMAS,
    )

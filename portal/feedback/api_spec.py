"""OpenAPI description of the surveys routes (kept true by tests/test_openapi.py)."""

from __future__ import annotations

from typing import Any

from portal.core.api import document
from portal.tickets.api_spec import NULLABLE_STR, NULLABLE_TIME, body, ok, path_param, query, ref

NULLABLE_INT = {"type": ["integer", "null"]}

SCHEMAS: dict[str, Any] = {
    "Survey": {
        "type": "object",
        "description": (
            "One question asked of one customer. CSAT is 1-5 (4 and 5 count as satisfied), CES 1-7 (7: very "
            "easy), NPS 0-10 (9-10 promoters, 0-6 detractors). `touchpoint` says what served the customer: "
            "agent, bot, article (self-service), catalog (automation) or other."
        ),
        "required": ["id", "kind", "ticket", "sent_at", "answered_at", "score", "comment"],
        "properties": {
            "id": {"type": "integer"},
            "kind": {"enum": ["csat", "nps", "ces"]},
            "ticket": NULLABLE_STR,
            "customer_id": {"type": "integer"},
            "trigger": {"enum": ["ticket_solved", "chat_ended", "request_fulfilled", "schedule"]},
            "touchpoint": {"enum": ["agent", "bot", "article", "catalog", "other"]},
            "agent": NULLABLE_STR,
            "channel": NULLABLE_STR,
            "scale": {
                "type": "object",
                "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}},
            },
            "sent_at": NULLABLE_TIME,
            "closes_at": {"type": "string", "format": "date-time"},
            "answered_at": NULLABLE_TIME,
            "changed_at": NULLABLE_TIME,
            "score": NULLABLE_INT,
            "comment": NULLABLE_STR,
        },
    },
    "SurveyList": {
        "type": "object",
        "required": ["items", "next"],
        "properties": {"items": {"type": "array", "items": ref("Survey")}, "next": NULLABLE_STR},
    },
}

PATHS: dict[str, Any] = {
    "/surveys": {
        "get": {
            "summary": "Surveys the caller may see (a customer: their own), newest first",
            "operationId": "listSurveys",
            "parameters": [
                query("ticket", "A ticket reference: that ticket's surveys"),
                query("customer_id", "Agents: one customer's surveys", {"type": "integer"}),
                query("kind", "csat, nps or ces"),
                query("cursor", "From the previous page"),
                query("limit", "1-100, default 25", {"type": "integer"}),
            ],
            "responses": ok(ref("SurveyList")),
        },
    },
    "/surveys/{id}/answer": {
        "parameters": [path_param("id", "integer")],
        "post": {
            "summary": "Answer a survey, or change the answer until it closes (409 survey_closed after)",
            "description": (
                "The survey's customer answers; an agent may record an answer given another way (not on a "
                "survey about their own work). `comment` omitted keeps the comment, an empty string removes it."
            ),
            "operationId": "answerSurvey",
            "requestBody": body(
                {
                    "type": "object",
                    "required": ["score"],
                    "properties": {"score": {"type": "integer"}, "comment": {"type": "string"}},
                }
            ),
            "responses": ok(ref("Survey")),
        },
    },
}


def document_feedback_api() -> None:
    """Register these paths and schemas in the app's OpenAPI document."""
    document(PATHS, SCHEMAS)

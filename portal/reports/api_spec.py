"""OpenAPI description of the reports routes (kept true by tests/test_openapi.py)."""

from __future__ import annotations

from typing import Any

from portal.core.api import document
from portal.tickets.api_spec import ok, query, ref

NUMBER_OR_NULL = {"type": ["number", "null"]}

SCHEMAS: dict[str, Any] = {
    "ReportSummary": {
        "type": "object",
        "description": (
            "Figures over the company days from … to (Asia/Seoul by default), both included. A ticket counts on "
            "the day it was created; first-response time (creation to the first public answer by an agent) on "
            "the day of that answer; resolution time (creation to solved) on the solved day. Medians interpolate "
            "between the two middle values. csat: percent of CSAT answers 4-5 (0-100); nps: percent promoters "
            "(9-10) minus percent detractors (0-6), -100..100; ces: mean Customer Effort Score, 1 (very "
            "difficult) to 7 (very easy); all three over answers given in the period, null without answers. "
            "deflection_rate and auto_resolution_rate are fractions 0-1 and sla_breaches a count, as the "
            "self-service, catalog and SLA domains compute them; null when that domain is not installed."
        ),
        "required": [
            "tickets_created",
            "by_channel",
            "first_response_median_s",
            "resolution_median_s",
            "csat",
            "nps",
            "ces",
            "deflection_rate",
            "auto_resolution_rate",
            "sla_breaches",
        ],
        "additionalProperties": False,
        "properties": {
            "tickets_created": {"type": "integer"},
            "by_channel": {"type": "object", "additionalProperties": {"type": "integer"}},
            "first_response_median_s": NUMBER_OR_NULL,
            "resolution_median_s": NUMBER_OR_NULL,
            "csat": {"type": ["number", "null"], "minimum": 0, "maximum": 100},
            "nps": {"type": ["number", "null"], "minimum": -100, "maximum": 100},
            "ces": {"type": ["number", "null"], "minimum": 1, "maximum": 7},
            "deflection_rate": NUMBER_OR_NULL,
            "auto_resolution_rate": NUMBER_OR_NULL,
            "sla_breaches": NUMBER_OR_NULL,
        },
    },
}

PATHS: dict[str, Any] = {
    "/reports/summary": {
        "get": {
            "summary": "Headline report figures of a period (team leads and admins)",
            "operationId": "reportSummary",
            "parameters": [
                query(
                    "from",
                    "First day, YYYY-MM-DD (default: 29 days before `to`)",
                    {"type": "string", "format": "date"},
                ),
                query(
                    "to",
                    "Last day, YYYY-MM-DD, included (default: today)",
                    {"type": "string", "format": "date"},
                ),
                query("group", "Only this group (an id)", {"type": "integer"}),
            ],
            "responses": ok(ref("ReportSummary")),
        },
    },
}


def document_reports_api() -> None:
    """Register these paths and schemas in the app's OpenAPI document."""
    document(PATHS, SCHEMAS)

"""OpenAPI description of the catalog routes (kept true by tests/test_openapi.py and tests/catalog)."""

from __future__ import annotations

from typing import Any

from portal.core.api import document
from portal.tickets.api_spec import NULLABLE_STR, NULLABLE_TIME, TIME, body, ok, path_param, ref

TEXTS = {"type": "object", "properties": {"ko": {"type": "string"}, "en": {"type": "string"}}}
STATES = ["submitted", "awaiting_approval", "in_progress", "fulfilled", "failed", "rejected", "cancelled"]
FIELD_TYPES = [
    "text",
    "long_text",
    "number",
    "email",
    "phone",
    "date",
    "choice",
    "multi_choice",
    "yes_no",
    "file",
]

SCHEMAS: dict[str, Any] = {
    "CatalogChoice": {
        "type": "object",
        "required": ["value", "label"],
        "properties": {"value": {"type": "string"}, "label": {"type": "string"}, "labels": TEXTS},
    },
    "CatalogField": {
        "type": "object",
        "required": ["name", "label", "type", "required", "choices"],
        "properties": {
            "name": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"},
            "label": {"type": "string", "description": "In the caller's language"},
            "labels": TEXTS,
            "type": {"enum": FIELD_TYPES},
            "required": {"type": "boolean"},
            "help": {"type": "string"},
            "helps": TEXTS,
            "choices": {"type": "array", "items": ref("CatalogChoice")},
            "min_length": {"type": ["integer", "null"]},
            "max_length": {"type": ["integer", "null"]},
            "pattern": NULLABLE_STR,
            "min": {"type": ["number", "null"]},
            "max": {"type": ["number", "null"]},
            "condition": {
                "type": ["object", "null"],
                "description": "Shown (and required) only when another, earlier field has this value",
                "properties": {"field": {"type": "string"}, "equals": {"type": "string"}},
            },
        },
    },
    "CatalogFulfilment": {
        "type": "object",
        "required": ["kind", "action", "config"],
        "properties": {
            "kind": {"enum": ["auto", "approval", "manual"]},
            "action": {
                "type": ["string", "null"],
                "description": "A registered action: webhook, password_reset, update_record, send_email",
            },
            "config": {"type": "object", "description": "The action's settings (admins only; {} for others)"},
            "group": NULLABLE_STR,
            "approver": {"type": "object", "properties": {"group": NULLABLE_STR, "email": NULLABLE_STR}},
            "checklist": {"type": "array", "items": {"type": "string"}},
            "done_messages": TEXTS,
        },
    },
    "CatalogItem": {
        "type": "object",
        "required": ["slug", "name", "category", "description", "fields", "fulfilment"],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "names": TEXTS,
            "category": {"type": "string"},
            "categories": TEXTS,
            "description": {"type": "string"},
            "descriptions": TEXTS,
            "icon": {"type": "string"},
            "audience": {"enum": ["everyone", "customers", "tier"]},
            "tier": NULLABLE_STR,
            "active": {"type": "boolean"},
            "position": {"type": "integer"},
            "fields": {"type": "array", "items": ref("CatalogField")},
            "fulfilment": ref("CatalogFulfilment"),
        },
    },
    "CatalogItemList": {
        "type": "object",
        "required": ["items", "next"],
        "properties": {"items": {"type": "array", "items": ref("CatalogItem")}, "next": NULLABLE_STR},
    },
    "CatalogRequest": {
        "type": "object",
        "required": ["id", "item", "state", "ticket", "result", "created_at", "updated_at"],
        "properties": {
            "id": {"type": "integer"},
            "item": {"type": "string", "description": "The item's slug"},
            "state": {"enum": STATES},
            "ticket": {**NULLABLE_STR, "description": "The reference of the request's ticket"},
            "result": {"type": ["object", "null"]},
            "fields": {"type": "object", "description": "The answers"},
            "customer": ref("CustomerRef"),
            "created_at": TIME,
            "updated_at": TIME,
            "fulfilled_at": NULLABLE_TIME,
            "error": NULLABLE_STR,
            "attempts": {"type": "integer"},
            "timeline": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["at", "kind"],
                    "properties": {
                        "at": TIME,
                        "kind": {"type": "string"},
                        "actor": NULLABLE_STR,
                        "data": {"type": "object"},
                    },
                },
            },
        },
    },
}

ITEM_INPUT = {
    "type": "object",
    "required": ["fields", "fulfilment"],
    "description": "An item as answered (names or name, labels or label …); the export file holds a list of these",
    "properties": {
        "slug": {"type": "string"},
        "name": {"oneOf": [{"type": "string"}, TEXTS]},
        "names": TEXTS,
        "description": {"oneOf": [{"type": "string"}, TEXTS]},
        "category": {"oneOf": [{"type": "string"}, TEXTS]},
        "icon": {"type": "string"},
        "audience": {"enum": ["everyone", "customers", "tier"]},
        "tier": NULLABLE_STR,
        "fields": {"type": "array", "items": {"type": "object"}},
        "fulfilment": {"type": "object"},
    },
}
DECISION = {
    "required": False,
    "content": {
        "application/json": {"schema": {"type": "object", "properties": {"comment": {"type": "string"}}}}
    },
}

PATHS: dict[str, Any] = {
    "/catalog/items": {
        "get": {
            "summary": "Catalog items the caller may request (no token: items open to everyone)",
            "operationId": "listCatalogItems",
            "security": [{}, {"bearer": []}],
            "responses": ok(ref("CatalogItemList")),
        },
        "post": {
            "summary": "Create a catalog item (admins)",
            "operationId": "createCatalogItem",
            "requestBody": body(ITEM_INPUT),
            "responses": ok(ref("CatalogItem"), "Created", "201"),
        },
    },
    "/catalog/items/{slug}": {
        "parameters": [path_param("slug")],
        "get": {
            "summary": "One catalog item (403 when the caller may not request it)",
            "operationId": "getCatalogItem",
            "security": [{}, {"bearer": []}],
            "responses": ok(ref("CatalogItem")),
        },
        "put": {
            "summary": "Replace a catalog item's definition (admins)",
            "operationId": "replaceCatalogItem",
            "requestBody": body(ITEM_INPUT),
            "responses": ok(ref("CatalogItem")),
        },
    },
    "/catalog/items/{slug}/requests": {
        "parameters": [
            path_param("slug"),
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": "The same key again answers 200 with the request filed the first time",
                "schema": {"type": "string", "maxLength": 100},
            },
        ],
        "post": {
            "summary": "Request an item; agents file for a customer with customer_email",
            "operationId": "createCatalogRequest",
            "requestBody": body(
                {
                    "type": "object",
                    "required": ["fields"],
                    "properties": {
                        "fields": {
                            "type": "object",
                            "description": "Answers by field name; yes/no as booleans, several choices as a "
                            "list, a file as {filename, content_base64, content_type}",
                        },
                        "customer_email": {"type": "string"},
                        "customer_name": {"type": "string"},
                        "client_id": {"type": "string", "description": "Same as the Idempotency-Key header"},
                    },
                }
            ),
            "responses": {
                **ok(ref("CatalogRequest"), "Created", "201"),
                "200": {
                    "description": "Already filed with this key",
                    "content": {"application/json": {"schema": ref("CatalogRequest")}},
                },
            },  # fmt: skip
        },
    },
    "/requests/{id}": {
        "parameters": [path_param("id", "integer")],
        "get": {
            "summary": "A catalog request with its history",
            "operationId": "getCatalogRequest",
            "responses": ok(ref("CatalogRequest")),
        },
    },
}
for _verb, _summary in (
    ("approve", "Approve a request waiting for approval (approvers)"),
    ("reject", "Reject a request waiting for approval (approvers)"),
    ("cancel", "Cancel an open request (its customer before anyone acted; agents while open)"),
):
    PATHS[f"/requests/{{id}}/{_verb}"] = {
        "parameters": [path_param("id", "integer")],
        "post": {
            "summary": _summary,
            "operationId": f"{_verb}CatalogRequest",
            "requestBody": DECISION,
            "responses": ok(ref("CatalogRequest")),
        },
    }


def document_catalog_api() -> None:
    """Register these paths and schemas in the app's OpenAPI document."""
    document(PATHS, SCHEMAS)

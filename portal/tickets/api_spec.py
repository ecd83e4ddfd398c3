"""OpenAPI description of the tickets and customers routes (kept true by tests/test_openapi.py)."""

from __future__ import annotations

from typing import Any

from portal.core.api import document


def ref(name: str) -> dict[str, str]:
    """A $ref to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    """application/json content with this schema."""
    return {"application/json": {"schema": schema}}


def ok(schema: dict[str, Any], description: str = "OK", status: str = "200") -> dict[str, Any]:
    """A success response plus the contract's error responses."""
    responses: dict[str, Any] = {status: {"description": description, "content": json_content(schema)}}
    for code in ("400", "401", "403", "404", "409", "422"):
        responses[code] = {"description": "Error", "content": json_content(ref("Error"))}
    return responses


def body(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON request body."""
    return {"required": True, "content": json_content(schema)}


def query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """A query parameter."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def path_param(name: str, kind: str = "string") -> dict[str, Any]:
    """A path parameter."""
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


NULLABLE_STR = {"type": ["string", "null"]}
TIME = {"type": "string", "format": "date-time"}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}

SCHEMAS: dict[str, Any] = {
    "CustomerRef": {
        "type": "object",
        "required": ["id", "name", "email"],
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "email": NULLABLE_STR},
    },
    "Ticket": {
        "type": "object",
        "required": [
            "ref",
            "subject",
            "status",
            "priority",
            "channel",
            "customer",
            "group",
            "assignee",
            "tags",
            "created_at",
            "updated_at",
        ],
        "properties": {
            "ref": {"type": "string"},
            "subject": {"type": "string"},
            "status": {"enum": ["new", "open", "pending", "solved", "closed"]},
            "priority": {"enum": ["low", "normal", "high", "urgent"]},
            "channel": {"enum": ["email", "chat", "web", "api", "catalog", "phone", "community"]},
            "customer": ref("CustomerRef"),
            "group": NULLABLE_STR,
            "assignee": NULLABLE_STR,
            "tags": {"type": "array", "items": {"type": "string"}},
            "created_at": TIME,
            "updated_at": TIME,
            "first_response_at": NULLABLE_TIME,
            "solved_at": NULLABLE_TIME,
        },
    },
    "Attachment": {
        "type": "object",
        "required": ["filename", "content_type", "size", "url", "inline"],
        "properties": {
            "filename": {"type": "string"},
            "content_type": {"type": "string"},
            "size": {"type": "integer"},
            "url": {"type": "string"},
            "inline": {"type": "boolean"},
        },
    },
    "Message": {
        "type": "object",
        "required": [
            "id",
            "channel",
            "direction",
            "author",
            "text",
            "quoted_text",
            "html",
            "attachments",
            "created_at",
        ],
        "properties": {
            "id": {"type": "integer"},
            "channel": {"type": "string"},
            "direction": {"enum": ["inbound", "outbound", "internal"]},
            "author": {
                "type": "object",
                "required": ["kind", "name"],
                "properties": {
                    "kind": {"enum": ["customer", "agent", "bot", "system"]},
                    "name": {"type": "string"},
                },
            },
            "text": {"type": "string"},
            "quoted_text": NULLABLE_STR,
            "html": NULLABLE_STR,
            "attachments": {"type": "array", "items": ref("Attachment")},
            "created_at": TIME,
        },
    },
    "TicketWithMessages": {
        "allOf": [
            ref("Ticket"),
            {
                "type": "object",
                "required": ["messages"],
                "properties": {"messages": {"type": "array", "items": ref("Message")}},
            },
        ]
    },
    "TicketList": {
        "type": "object",
        "required": ["items", "next"],
        "properties": {"items": {"type": "array", "items": ref("Ticket")}, "next": NULLABLE_STR},
    },
    "Identity": {
        "type": "object",
        "required": ["kind", "value"],
        "properties": {"kind": {"enum": ["email", "phone", "chat", "portal"]}, "value": {"type": "string"}},
    },
    "Customer": {
        "type": "object",
        "required": ["id", "name", "email", "identities", "tier"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "email": NULLABLE_STR,
            "identities": {"type": "array", "items": ref("Identity")},
            "tier": {"type": "string"},
        },
    },
    "TimelineEntry": {
        "type": "object",
        "required": ["at", "kind", "channel", "ticket", "summary"],
        "properties": {
            "at": TIME,
            "kind": {"type": "string"},
            "channel": NULLABLE_STR,
            "ticket": NULLABLE_STR,
            "summary": {"type": "string"},
        },
    },
    "Merge": {
        "type": "object",
        "required": ["id", "other_id", "at"],
        "properties": {"id": {"type": "integer"}, "other_id": {"type": "integer"}, "at": TIME},
    },
    "CustomerDetail": {
        "allOf": [
            ref("Customer"),
            {
                "type": "object",
                "required": ["tickets", "timeline", "merges"],
                "properties": {
                    "tickets": {"type": "array", "items": ref("Ticket")},
                    "timeline": {"type": "array", "items": ref("TimelineEntry")},
                    "merges": {"type": "array", "items": ref("Merge")},
                },
            },
        ]
    },
    "CustomerList": {
        "type": "object",
        "required": ["items", "next"],
        "properties": {"items": {"type": "array", "items": ref("Customer")}, "next": NULLABLE_STR},
    },
    "Unmerged": {
        "type": "object",
        "required": ["customer", "other", "items"],
        "properties": {
            "customer": ref("CustomerDetail"),
            "other": ref("CustomerDetail"),
            "items": {"type": "array", "items": ref("CustomerDetail")},
        },
    },
}

PATHS: dict[str, Any] = {
    "/tickets": {
        "get": {
            "summary": "List tickets the caller may see",
            "operationId": "listTickets",
            "parameters": [
                query("status", "Filter by status"),
                query("channel", "Filter by channel of origin"),
                query("customer_id", "Filter by customer"),
                query("assignee", "Filter by the assignee's email"),
                query("q", "Words in the subject (or a ticket reference)"),
                query("cursor", "From the previous page"),
                query("limit", "1-100, default 25", {"type": "integer"}),
            ],
            "responses": ok(ref("TicketList")),
        },
        "post": {
            "summary": "File a ticket",
            "operationId": "createTicket",
            "requestBody": body(
                {
                    "type": "object",
                    "required": ["subject", "text"],
                    "properties": {
                        "subject": {"type": "string"},
                        "text": {"type": "string"},
                        "channel": {"type": "string"},
                        "customer_email": {"type": "string"},
                        "customer_name": {"type": "string"},
                    },
                }
            ),
            "responses": ok(ref("Ticket"), "Created", "201"),
        },
    },
    "/tickets/{ref}": {
        "parameters": [path_param("ref")],
        "get": {
            "summary": "A ticket with its messages",
            "operationId": "getTicket",
            "responses": ok(ref("TicketWithMessages")),
        },
        "patch": {
            "summary": "Change a ticket (agents)",
            "operationId": "updateTicket",
            "requestBody": body(
                {
                    "type": "object",
                    "properties": {
                        "status": {"type": "string"},
                        "priority": {"type": "string"},
                        "assignee_email": NULLABLE_STR,
                        "group": NULLABLE_STR,
                        "tags": {"type": "array", "items": {"type": "string"}},
                    },
                }
            ),
            "responses": ok(ref("Ticket")),
        },
    },
    "/tickets/{ref}/messages": {
        "parameters": [path_param("ref")],
        "post": {
            "summary": "Reply on a ticket, or add an internal note (agents)",
            "operationId": "addMessage",
            "requestBody": body(
                {
                    "type": "object",
                    "required": ["text"],
                    "properties": {"text": {"type": "string"}, "internal": {"type": "boolean"}},
                }
            ),
            "responses": ok(ref("Message"), "Created", "201"),
        },
    },
    "/customers": {
        "get": {
            "summary": "Customers having an identity",
            "operationId": "findCustomers",
            "parameters": [query("email", "An email identity")],
            "responses": ok(ref("CustomerList")),
        },
    },
    "/customers/{id}": {
        "parameters": [path_param("id", "integer")],
        "get": {
            "summary": "A customer with identities, tickets and timeline",
            "operationId": "getCustomer",
            "responses": ok(ref("CustomerDetail")),
        },
    },
    "/customers/{id}/merge": {
        "parameters": [path_param("id", "integer")],
        "post": {
            "summary": "Merge another customer into this one (agents)",
            "operationId": "mergeCustomers",
            "requestBody": body(
                {"type": "object", "required": ["other_id"], "properties": {"other_id": {"type": "integer"}}}
            ),
            "responses": ok(ref("CustomerDetail")),
        },
    },
    "/customers/{id}/unmerge": {
        "parameters": [path_param("id", "integer")],
        "post": {
            "summary": "Undo a merge (agents)",
            "operationId": "unmergeCustomers",
            "requestBody": body(
                {"type": "object", "required": ["merge_id"], "properties": {"merge_id": {"type": "integer"}}}
            ),
            "responses": ok(ref("Unmerged")),
        },
    },
}


def document_tickets_api() -> None:
    """Register these paths and schemas in the app's OpenAPI document."""
    document(PATHS, SCHEMAS)

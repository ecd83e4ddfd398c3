"""OpenAPI description of the chat routes (kept true by tests/test_openapi.py and tests/chat/test_api.py)."""

from __future__ import annotations

from typing import Any

from portal.core.api import document
from portal.tickets.api_spec import NULLABLE_STR, TIME, body, json_content, ok, path_param, query, ref

NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
KEY = {
    "name": "X-Chat-Token",
    "in": "header",
    "required": False,
    "description": "A guest's key to their chat (the `token` of the answer that started it).",
    "schema": {"type": "string"},
}


def chat_ok(schema: dict[str, Any], description: str = "OK", status: str = "200") -> dict[str, Any]:
    """A success response plus the errors a chat route may answer (413 too long, 429 too fast)."""
    responses = ok(schema, description, status)
    for code in ("413", "429"):
        responses[code] = {"description": "Error", "content": json_content(ref("Error"))}
    return responses


SCHEMAS: dict[str, Any] = {
    "ChatItem": {
        "type": "object",
        "required": ["seq", "author", "text", "created_at"],
        "properties": {
            "seq": {"type": "integer", "description": "Numbers the chat's events; resume with after=seq"},
            "kind": {"enum": ["message", "bot", "note", "system"]},
            "author": {
                "type": "object",
                "required": ["kind", "name"],
                "properties": {
                    "kind": {"enum": ["customer", "agent", "bot", "system"]},
                    "name": {"type": "string"},
                },
            },
            "text": {"type": "string"},
            "created_at": TIME,
            "client_id": NULLABLE_STR,
            "data": {
                "type": "object",
                "description": "suggestions [{kind, id, title, url, snippet}], ask (helped, leave_message), event",
            },
        },
    },
    "Chat": {
        "type": "object",
        "required": ["id", "status", "ticket"],
        "properties": {
            "id": {"type": "integer"},
            "status": {"enum": ["bot", "waiting", "active", "ended"]},
            "ticket": {
                **NULLABLE_STR,
                "description": "The ticket's ref, once a person is involved or it ended",
            },
            "agent": {"type": ["object", "null"], "properties": {"name": {"type": "string"}}},
            "position": {"type": ["integer", "null"], "description": "Place in line while waiting"},
            "offline": {"type": "boolean", "description": "Handed over while nobody could answer"},
            "outcome": NULLABLE_STR,
            "last_seq": {"type": "integer"},
            "created_at": TIME,
            "ended_at": NULLABLE_TIME,
            "messages": {"type": "array", "items": ref("ChatItem")},
            "token": {"type": "string", "description": "Only when started: the key for X-Chat-Token"},
        },
    },
    "ChatItems": {
        "type": "object",
        "required": ["items", "next"],
        "properties": {
            "items": {"type": "array", "items": ref("ChatItem")},
            "next": {"type": ["integer", "null"], "description": "More after this seq: ask again at once"},
            "chat": {
                **ref("Chat"),
                "description": "The chat's state, when it may have changed (no news, or a join, transfer, handoff or end)",
            },
        },
    },
}

_CHAT = [path_param("chat_id", "integer"), KEY]

PATHS: dict[str, Any] = {
    "/chats": {
        "post": {
            "summary": "Start a chat (customers; guests give a name and an email address)",
            "operationId": "startChat",
            "security": [{"bearer": []}, {}],
            "requestBody": body(
                {
                    "type": "object",
                    "required": ["text"],
                    "properties": {
                        "text": {"type": "string", "maxLength": 2000},
                        "customer_email": {"type": "string"},
                        "customer_name": {"type": "string"},
                        "client_id": {"type": "string"},
                        "locale": {"enum": ["ko", "en"]},
                        "page_url": {"type": "string"},
                    },
                }
            ),
            "responses": chat_ok(ref("Chat"), "Created; the bot has answered", "201"),
        },
    },
    "/chats/{chat_id}": {
        "parameters": _CHAT,
        "get": {
            "summary": "A chat with all its events",
            "operationId": "getChat",
            "responses": ok(ref("Chat")),
        },
    },
    "/chats/{chat_id}/messages": {
        "parameters": _CHAT,
        "get": {
            "summary": "Events after a sequence number (long-polls with `wait`)",
            "operationId": "listChatMessages",
            "parameters": [
                query("after", "The last seq the client holds (default 0)", {"type": "integer"}),
                query(
                    "wait",
                    "Seconds to wait for the next event when there is none (0-25)",
                    {"type": "integer"},
                ),
            ],
            "responses": ok(ref("ChatItems")),
        },
        "post": {
            "summary": "Send a message; the same client_id again answers 200 with the first one",
            "operationId": "sendChatMessage",
            "requestBody": body(
                {
                    "type": "object",
                    "required": ["text"],
                    "properties": {
                        "text": {"type": "string", "maxLength": 2000},
                        "client_id": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{8,64}$"},
                        "internal": {
                            "type": "boolean",
                            "description": "Agents: a note the customer never sees",
                        },
                    },
                }
            ),
            "responses": {
                **chat_ok(ref("ChatItem"), "Created", "201"),
                **ok(ref("ChatItem"), "Already sent"),
            },
        },
    },
    "/chats/{chat_id}/handoff": {
        "parameters": _CHAT,
        "post": {"summary": "Ask for a person", "operationId": "handoffChat", "responses": ok(ref("Chat"))},
    },
    "/chats/{chat_id}/end": {
        "parameters": _CHAT,
        "post": {
            "summary": "End the chat (agents may add solve: true)",
            "operationId": "endChat",
            "requestBody": {
                "required": False,
                "content": json_content({"type": "object", "properties": {"solve": {"type": "boolean"}}}),
            },
            "responses": ok(ref("Chat")),
        },
    },
    "/chats/{chat_id}/helped": {
        "parameters": _CHAT,
        "post": {
            "summary": "Answer the bot's question whether its suggestions helped",
            "operationId": "chatHelped",
            "requestBody": body(
                {"type": "object", "required": ["helped"], "properties": {"helped": {"type": "boolean"}}}
            ),
            "responses": ok(ref("Chat")),
        },
    },
    "/chats/{chat_id}/leave_message": {
        "parameters": _CHAT,
        "post": {
            "summary": "Nobody can answer now: leave a message, answered by email",
            "operationId": "leaveChatMessage",
            "requestBody": body(
                {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}
            ),
            "responses": chat_ok(ref("Chat")),
        },
    },
}


def document_chat_api() -> None:
    """Register these paths and schemas in the app's OpenAPI document."""
    document(PATHS, SCHEMAS)

"""JSON API v1 plumbing: blueprints, authentication, the contract's error shape, cursors, OpenAPI assembly."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, g, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.exceptions import HTTPException

from portal.core.auth import bearer_token
from portal.core.errors import DomainError, ValidationFailed

API_PREFIX = "/api/v1"

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Hana portal API",
        "version": "1",
        "description": "Tickets, customers, chat, catalog, knowledge and feedback of the Hana portal.",
    },
    "servers": [{"url": API_PREFIX}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "fields": {"type": "object", "additionalProperties": {"type": "array"}},
                        },
                    }
                },
            }
        },
        "responses": {},
    },
    "security": [{"bearer": []}],
    "paths": {},
}


def document(paths: dict[str, Any], schemas: dict[str, Any] | None = None) -> None:
    """Add a domain's paths (relative to /api/v1) and schemas to the OpenAPI document."""
    for path, operations in paths.items():
        SPEC["paths"].setdefault(path, {}).update(operations)
    SPEC["components"]["schemas"].update(schemas or {})


def error_response(status: int, code: str, message: str, fields: dict[str, list[str]] | None = None) -> Any:
    """The contract's error body."""
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    return response


def api_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint under /api/v1 with bearer-token auth; cookie sessions must send the CSRF header to write."""
    from portal.extensions import csrf

    bp = Blueprint(name, import_name, url_prefix=API_PREFIX)
    bp.before_request(_authenticate)
    csrf.exempt(bp)  # tokens need no CSRF; cookie sessions are checked in _authenticate
    return bp


def _authenticate() -> Any:
    if bearer_token():
        # Flask-Login's request loader resolved the token; a token that did not resolve is a 401.
        if not current_user.is_authenticated or not getattr(g, "api_token_user", None):
            return error_response(401, "unauthorized", "The token is missing, unknown or revoked.")
        return None
    if current_user.is_authenticated and request.method not in ("GET", "HEAD", "OPTIONS"):
        try:
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except Exception:
            return error_response(403, "csrf_failed", "Send the X-CSRFToken header with cookie sessions.")
    return None


def require_user() -> Any:
    """Return the signed-in caller or raise a 401 (as DomainError)."""
    if not current_user.is_authenticated:
        raise DomainError(
            "Authentication required: send Authorization: Bearer TOKEN.", code="unauthorized", status=401
        )
    return current_user._get_current_object()  # type: ignore[attr-defined]


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 400 that says why not."""
    data = request.get_json(silent=True, force=True) if request.data else None
    if not isinstance(data, dict):
        raise DomainError("The body must be a JSON object.", code="bad_request", status=400)
    return data


def field(
    data: dict[str, Any],
    name: str,
    kind: type | tuple[type, ...],
    *,
    required: bool = False,
    default: Any = None,
) -> Any:
    """One field of a JSON body, type-checked; wrong types are a 422 naming the field."""
    if name not in data or data[name] is None:
        if required:
            raise ValidationFailed([(name, "is required")])
        return default
    value = data[name]
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise ValidationFailed([(name, "has the wrong type")])
    if not isinstance(value, kind):
        raise ValidationFailed([(name, "has the wrong type")])
    return value


def limit_arg(default: int = 25, maximum: int = 100) -> int:
    """The `limit` query argument, bounded."""
    raw = request.args.get("limit")
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationFailed([("limit", "must be an integer")]) from None
    if not 1 <= value <= maximum:
        raise ValidationFailed([("limit", f"must be between 1 and {maximum}")])
    return value


def encode_cursor(values: list[Any]) -> str:
    """An opaque cursor for keyset pagination (the sort key of the last item)."""
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> list[Any] | None:
    """The sort key inside a cursor; a cursor that was not ours is a 400."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise DomainError("The cursor is not valid.", code="bad_request", status=400) from None
    if not isinstance(values, list):
        raise DomainError("The cursor is not valid.", code="bad_request", status=400)
    return values


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with offset (stored times are UTC)."""
    return value.isoformat() if value else None


def init_app(app: Flask) -> None:
    """JSON errors for every /api/ path, whatever raised them."""

    def is_api() -> bool:
        return request.path.startswith("/api/")

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> Any:
        if is_api():
            fields = error.by_field() if isinstance(error, ValidationFailed) else None
            return error_response(error.status, error.code, error.message, fields)
        from flask import abort

        abort(error.status)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        if is_api():
            return error_response(403, "csrf_failed", error.description or "CSRF check failed")
        return app_csrf_page(error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if is_api():
            code = {
                400: "bad_request",
                401: "unauthorized",
                403: "forbidden",
                404: "not_found",
                405: "method_not_allowed",
                409: "conflict",
                413: "too_large",
                415: "bad_request",
                422: "validation_failed",
                429: "rate_limited",
            }.get(error.code or 500, "error")
            return error_response(error.code or 500, code, error.description or code)
        return html_error(error)

    def app_csrf_page(error: CSRFError) -> Any:
        return html_error(error)

    def html_error(error: HTTPException) -> Any:
        from flask import render_template

        return render_template("errors.html", error=error), error.code or 500


bp = Blueprint("api_meta", __name__, url_prefix=API_PREFIX)


@bp.get("/openapi.json")
def openapi() -> Any:
    """The OpenAPI document of every /api/v1 route (checked against the app's routes by a test)."""
    return jsonify(SPEC)

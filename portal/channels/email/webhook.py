"""The inbound webhook: a mail provider POSTs a raw MIME message, guarded by a shared secret."""

from __future__ import annotations

import hmac
from typing import Any

from flask import Blueprint, current_app, jsonify, request

from portal.core.api import API_PREFIX, document, error_response
from portal.core.auth import bearer_token
from portal.extensions import csrf, db, limiter

bp = Blueprint("email_webhook", __name__, url_prefix=API_PREFIX)
# Form fields providers put the raw message in (SendGrid "email", Mailgun "body-mime", others "message"/"raw").
RAW_FIELDS = ("email", "body-mime", "message", "raw", "mime")


def _rate() -> str:
    return current_app.config.get("MAIL_WEBHOOK_RATE", "600 per minute")


def _secret_matches() -> bool:
    secret = current_app.config.get("MAIL_WEBHOOK_SECRET") or ""
    given = request.headers.get("X-Webhook-Secret") or bearer_token() or request.args.get("secret") or ""
    # Constant-time: the answer's timing says nothing about how much of the secret was right.
    return hmac.compare_digest(given.encode(), secret.encode())


def _raw_message() -> bytes:
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for name in RAW_FIELDS:
            if name in request.files:
                return request.files[name].read()
            if request.form.get(name):
                return request.form[name].encode("utf-8", "surrogateescape")
        return b""
    return request.get_data(cache=False)


@bp.post("/mail/inbound")
@csrf.exempt
@limiter.limit(_rate)
def inbound() -> Any:
    """Ingest one raw message; answers its outcome as `mail ingest --json` does."""
    from portal.channels.email.ingest import ingest

    if not current_app.config.get("MAIL_WEBHOOK_SECRET"):
        return error_response(404, "not_found", "The mail webhook is not enabled (set MAIL_WEBHOOK_SECRET).")
    if not _secret_matches():
        return error_response(401, "unauthorized", "Wrong or missing webhook secret.")
    data = _raw_message()
    if not data.strip():
        return error_response(400, "bad_request", "Send the raw message as the body (message/rfc822).")
    result = ingest(data, source="webhook")
    db.session.commit()
    body = {
        "outcome": result.outcome,
        "ticket": str(result.ticket_ref) if result.ticket_ref else None,
        "reason": result.reason,
    }
    return jsonify(body), 201 if result.outcome in ("created", "flagged") else 200


_OUTCOME = {
    "type": "object",
    "required": ["outcome", "ticket", "reason"],
    "properties": {
        "outcome": {"enum": ["created", "appended", "duplicate", "ignored", "bounce", "flagged"]},
        "ticket": {"type": ["string", "null"]},
        "reason": {"type": "string"},
    },
}
_ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
document(
    {
        "/mail/inbound": {
            "post": {
                "summary": "Inbound mail webhook: one raw RFC 5322 message",
                "description": "Authenticated by the shared MAIL_WEBHOOK_SECRET in `X-Webhook-Secret`, a bearer "
                "token or `?secret=`. Body: the raw message (message/rfc822), or a form with it in "
                "`email`, `body-mime`, `message`, `raw` or `mime`.",
                "security": [],
                "requestBody": {"content": {"message/rfc822": {"schema": {"type": "string"}}}},
                "responses": {
                    "200": {
                        "description": "appended, duplicate, ignored or bounce",
                        "content": {"application/json": {"schema": _OUTCOME}},
                    },
                    "201": {
                        "description": "a ticket was opened",
                        "content": {"application/json": {"schema": _OUTCOME}},
                    },
                    "400": {"description": "no message", **_ERROR},
                    "401": {"description": "wrong secret", **_ERROR},
                    "404": {"description": "webhook not enabled", **_ERROR},
                    "413": {"description": "message too large", **_ERROR},
                },
            }
        }
    }
)

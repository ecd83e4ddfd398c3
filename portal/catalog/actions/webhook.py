"""Outgoing webhook: the answers as JSON to the company's own system, signed, with an idempotency key.

Headers: `X-Hana-Signature: sha256=HEX` is HMAC-SHA256 over `TIMESTAMP.BODY` with the shared secret,
`X-Hana-Timestamp` the Unix time it was signed, `Idempotency-Key` the request's stable id (the same on every
attempt, so a receiver processes one request once even when the worker retries or restarts mid-call).
A 2xx answer with a JSON object fulfils the request; timeouts, connection errors, 408/425/429/5xx and answers
that are not a JSON object are retried; any other 4xx is a refusal that goes to a person at once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from typing import Any

import httpx
from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.catalog.actions import Context, Outcome, register
from portal.core.api import iso

MAX_BODY = 256 * 1024
MAX_RESULT = 8 * 1024
RETRY_STATUSES = {408, 425, 429}


_client: httpx.Client | None = None
_client_lock = threading.Lock()


def shared_client() -> httpx.Client:
    """One pooled client per process: building one loads the TLS certificates (≈100 ms) and opens new connections."""
    global _client
    with _client_lock:
        if _client is None:
            _client = httpx.Client(follow_redirects=False, limits=httpx.Limits(max_connections=50))
        return _client


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value for a body (receivers compute the same and compare)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, tolerance: int = 300) -> bool:
    """Whether a signature is genuine and recent (for receivers such as the demo card system)."""
    try:
        fresh = abs(time.time() - int(timestamp)) <= tolerance
    except (TypeError, ValueError):
        return False
    return fresh and hmac.compare_digest(sign(secret, timestamp, body), signature or "")


def pick(data: dict[str, Any], paths: str) -> dict[str, Any]:
    """The values at comma-separated dotted paths of the answer (all of it when no paths are given)."""
    wanted = [p.strip() for p in (paths or "").split(",") if p.strip()]
    if not wanted:
        text = json.dumps(data, ensure_ascii=False)
        return data if len(text) <= MAX_RESULT else {"truncated": text[:MAX_RESULT]}
    result = {}
    for path in wanted:
        value: Any = data
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is not None:
            result[path] = value
    return result


def _snippet(raw: bytes) -> str:
    text = raw[:300].decode("utf-8", "replace")
    return " ".join(text.split()) or "(empty)"


class Webhook:
    name = "webhook"
    label = _l("Call a webhook")
    description = _l(
        "Sends the answers as signed JSON to your own system and keeps its answer as the result."
    )
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["url", "secret"],
        "properties": {
            "url": {
                "type": "string",
                "maxLength": 500,
                "pattern": r"^(https?://[^\s/?#]+|/)[^\s]*$",
                "x-label": _l("Address (URL)"),
                "x-help": _l(
                    "Where to send the request, e.g. https://cards.example.com/lost. A path that starts with / means this portal."
                ),
                "x-message": _l(
                    "Enter a full address that starts with https:// or http://, or a path that starts with /."
                ),
            },
            "secret": {
                "type": "string",
                "minLength": 16,
                "maxLength": 200,
                "x-widget": "secret",
                "x-label": _l("Shared secret"),
                "x-help": _l(
                    "Signs every call (HMAC-SHA256, header X-Hana-Signature). At least 16 characters; your system keeps the same."
                ),
            },
            "timeout_seconds": {
                "type": "number",
                "minimum": 1,
                "maximum": 30,
                "default": 5,
                "x-label": _l("Timeout (seconds)"),
            },
            "max_attempts": {
                "type": "integer",
                "minimum": 1,
                "maximum": 10,
                "default": 4,
                "x-label": _l("Attempts before a person takes over"),
                "x-help": _l("Failed calls are tried again after 2, 4, 8 … seconds."),
            },
            "result_fields": {
                "type": "string",
                "maxLength": 500,
                "default": "",
                "x-label": _l("Values to keep from the answer"),
                "x-help": _l(
                    "Names in the JSON answer, separated by commas (e.g. report_no, eta_days). Empty keeps all of it."
                ),
            },
        },
    }

    def body(self, context: Context) -> bytes:
        """The JSON sent: the request, the customer and the answers."""
        req, customer = context.request, context.customer
        payload = {
            "request": {
                "id": req.id,
                "uid": req.uid,
                "item": context.item.slug,
                "locale": req.locale,
                "created_at": iso(req.created_at),
                "attempt": context.attempt,
            },
            "customer": {
                "id": customer.id,
                "name": customer.name,
                "email": customer.email,
                "phone": customer.phone,
                "tier": customer.tier,
            },
            "answers": context.answers,
        }
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()

    def url(self, config: dict[str, Any]) -> str:
        """The target; a path is resolved against this portal's own address."""
        url = config["url"]
        if url.startswith("/"):
            return current_app.config["PORTAL_BASE_URL"].rstrip("/") + url
        return url

    def run(self, context: Context) -> Outcome:
        """One call; see the module docstring for what is retried."""
        config = context.config
        body = self.body(context)
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Hana-Catalog/1",
            "X-Hana-Timestamp": stamp,
            "X-Hana-Signature": sign(config["secret"], stamp, body),
            "Idempotency-Key": context.request.uid,
            "X-Hana-Attempt": str(context.attempt),
        }
        timeout = float(config.get("timeout_seconds") or 5)
        try:
            status, raw = self._post(self.url(config), body, headers, timeout)
        except httpx.TimeoutException:
            return Outcome.retry(f"no answer within {timeout:g} s")
        except httpx.HTTPError as error:
            return Outcome.retry(f"could not connect: {type(error).__name__}: {error}"[:300])
        return self.judge(status, raw, config)

    def _post(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
        deadline = time.monotonic() + timeout
        with shared_client().stream("POST", url, content=body, headers=headers, timeout=timeout) as response:
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_BODY:
                    break
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the answer took too long")
            return response.status_code, b"".join(chunks)

    def judge(self, status: int, raw: bytes, config: dict[str, Any]) -> Outcome:
        """What an HTTP answer means for the request."""
        if status >= 500 or status in RETRY_STATUSES:
            return Outcome.retry(f"HTTP {status}: {_snippet(raw)}")
        if not 200 <= status < 300:
            return Outcome.fail(f"refused with HTTP {status}: {_snippet(raw)}")
        if len(raw) > MAX_BODY:
            return Outcome.retry("the answer is too large")
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return Outcome.retry(f"the answer is not JSON: {_snippet(raw)}")
        if not isinstance(data, dict):
            return Outcome.retry(f"the answer is not a JSON object: {_snippet(raw)}")
        return Outcome.done(pick(data, config.get("result_fields", "")))


register(Webhook())

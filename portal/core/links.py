"""Absolute links for mail and other messages that leave the portal (PORTAL_BASE_URL), in any context."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL to `endpoint` under PORTAL_BASE_URL; works in requests, the worker and the CLI."""
    base = urlsplit(current_app.config["PORTAL_BASE_URL"].rstrip("/"))
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)

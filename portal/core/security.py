"""Security headers on every response; pages may loosen framing (the chat embed) explicitly."""

from __future__ import annotations

from flask import Flask, Response, g

CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors {ancestors}"
)


def init_app(app: Flask) -> None:
    """Install the after-request hook."""

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        ancestors = getattr(g, "frame_ancestors", None) or "'self'"
        response.headers.setdefault("Content-Security-Policy", CSP.format(ancestors=ancestors))
        if ancestors == "'self'":
            response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

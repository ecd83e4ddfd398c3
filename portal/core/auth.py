"""Sign-in glue: Flask-Login's loaders (session cookie and API bearer token) and role checks for views."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import abort, request
from flask_login import current_user

ROLES = ("customer", "agent", "admin")
STAFF = ("agent", "admin")


def is_staff(user: Any) -> bool:
    """Agents and admins work tickets."""
    return bool(getattr(user, "is_authenticated", False) and user.role in STAFF)


def is_admin(user: Any) -> bool:
    """Admins configure the portal."""
    return bool(getattr(user, "is_authenticated", False) and user.role == "admin")


def staff_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Agents and admins only; others get the sign-in page or a 404 that leaks nothing."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        from portal.extensions import login_manager

        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not is_staff(current_user):
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Admins only."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        from portal.extensions import login_manager

        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not is_admin(current_user):
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer …` header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None

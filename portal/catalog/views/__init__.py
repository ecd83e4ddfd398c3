"""The catalog's pages: customers (portal.py), agents (desk.py), admins (admin.py)."""

from __future__ import annotations

import re

from flask_babel import get_locale

# A submission key the form carries: the same key twice is the same request.
KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def current_locale() -> str:
    """The language of the person looking."""
    return str(get_locale() or "ko")

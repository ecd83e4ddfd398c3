"""Pages of the shell itself: language switch and health check."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask_login import current_user

from portal.extensions import db

bp = Blueprint("core", __name__)


@bp.get("/locale/<code>")
def set_locale(code: str) -> Any:
    """Switch the interface language for this visit (and for the account, when signed in)."""
    if code not in current_app.config["LOCALES"]:
        abort(404)
    session["locale"] = code
    if current_user.is_authenticated:
        current_user.locale = code
        db.session.commit()
    target = request.referrer or ""
    base = request.host_url
    return redirect(target if target.startswith(base) else url_for("portal.home"))


@bp.get("/healthz")
def health() -> Any:
    """The database answers."""
    db.session.execute(sa.text("select 1"))
    return {"ok": True}

"""Admin: which sites may embed the chat widget, business hours, and the snippet to paste."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.channels.chat import settings_store
from portal.channels.chat.forms import ChatSettingsForm
from portal.core import ui
from portal.core.auth import admin_required
from portal.core.errors import ValidationFailed
from portal.core.links import external_url
from portal.extensions import db

bp = Blueprint("chat_admin", __name__, url_prefix="/admin/chat")
ui.nav_item("admin", _l("Live chat"), "chat_admin.settings", icon="chat-dots", order=40)


@bp.route("/", methods=["GET", "POST"])
@admin_required
def settings() -> Any:
    """Allowed origins (CORS only for these), business hours, and the one-line embed snippet."""
    row = settings_store.current()
    form = ChatSettingsForm(
        formdata=request.form if request.method == "POST" else None,
        allowed_origins="\n".join(row.allowed_origins or []),
        business_hours=row.business_hours,
        closed_on_holidays=row.closed_on_holidays,
    )
    if request.method == "POST" and form.validate():
        try:
            settings_store.save(
                origins_text=form.allowed_origins.data or "",
                business_hours=form.business_hours.data or "",
                closed_on_holidays=bool(form.closed_on_holidays.data),
                actor=current_user,
            )
        except ValidationFailed as failed:
            db.session.rollback()
            form.apply(failed)
        else:
            db.session.commit()
            flash(_("Chat settings saved."), "success")
            return redirect(url_for("chat_admin.settings"))
    snippet = f'<script src="{external_url("static", filename="js/chat-widget.js")}" async></script>'
    status = 422 if request.method == "POST" else 200
    zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    return render_template("chat/admin.html", form=form, snippet=snippet, zone=zone), status

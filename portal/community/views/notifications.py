"""A person's notifications from the board, and what they follow."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.community import notify, queries
from portal.community.models import Notification, Post, Topic
from portal.extensions import db

bp = Blueprint("community_notes", __name__, url_prefix="/community/notifications")


@bp.get("/")
@login_required
def index() -> Any:
    """The latest notifications (unread first in weight, newest first in order) and the follows."""
    rows = db.session.scalars(queries.notifications(current_user.id)).all()
    follows = db.session.scalars(queries.follows_of(current_user.id)).all()
    post_ids = [int(f.key) for f in follows if f.kind == "post" and f.key.isdigit()]
    topic_ids = [int(f.key) for f in follows if f.kind == "topic" and f.key.isdigit()]
    posts = (
        {p.id: p for p in db.session.scalars(sa.select(Post).where(Post.id.in_(post_ids)))}
        if post_ids
        else {}
    )
    topics = (
        {t.id: t for t in db.session.scalars(sa.select(Topic).where(Topic.id.in_(topic_ids)))}
        if topic_ids
        else {}
    )
    return render_template(
        "community/notifications.html", notifications=rows, follows=follows, posts=posts, topics=topics
    )


@bp.get("/<int:notification_id>")
@login_required
def open_one(notification_id: int) -> Any:
    """Mark one notification read and go to what it is about."""
    row = db.session.get(Notification, notification_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    notify.mark_read(current_user, notification_id=row.id)
    db.session.commit()
    anchor = f"r{row.reply_id}" if row.reply_id else None
    return redirect(url_for("community.thread", post_id=row.post_id, _anchor=anchor))


@bp.post("/read")
@login_required
def read_all() -> Any:
    """Mark every notification read."""
    notify.mark_read(current_user)
    db.session.commit()
    flash(_("All caught up."), "success")
    return redirect(url_for("community_notes.index"))


@bp.post("/follows/<int:follow_id>/email")
@login_required
def email(follow_id: int) -> Any:
    """Mail on or off for one follow."""
    notify.set_email(current_user, follow_id, request.form.get("email") == "1")
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("community_notes.index"))

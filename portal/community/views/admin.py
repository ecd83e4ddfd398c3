"""Admin screens of the board: topics, and the extra sour words (with a box to try the detector)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.community import configure, queries, sour
from portal.community.forms import SOUR_LABELS, SourTermForm, TopicForm
from portal.community.models import SourTerm, Topic
from portal.core import ui
from portal.core.auth import admin_required
from portal.core.errors import ValidationFailed
from portal.extensions import db

bp = Blueprint("community_admin", __name__, url_prefix="/admin/community")
ui.nav_item("admin", _l("Community topics"), "community_admin.topics", icon="people", order=60)
ui.nav_item("admin", _l("Sour words"), "community_admin.sour_words", icon="emoji-angry", order=61)


@bp.get("/topics")
@admin_required
def topics() -> Any:
    """The board's topics in their order."""
    rows = db.session.scalars(queries.topics()).all()
    return render_template("community/admin_topics.html", topics=rows)


@bp.route("/topics/new", methods=["GET", "POST"], defaults={"topic_id": None})
@bp.route("/topics/<int:topic_id>", methods=["GET", "POST"])
@admin_required
def edit_topic(topic_id: int | None) -> Any:
    """Create or change a topic."""
    topic = db.session.get(Topic, topic_id) if topic_id else None
    if topic_id and topic is None:
        abort(404)
    form = TopicForm(obj=topic)
    if form.validate_on_submit():
        try:
            configure.save_topic(topic, **{name: field.data for name, field in form._fields.items()})
        except ValidationFailed as failed:
            db.session.rollback()
            form.apply(failed)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("community_admin.topics"))
    status = 422 if request.method == "POST" else 200
    return render_template("community/admin_topic_form.html", form=form, topic=topic), status


@bp.route("/sour-words", methods=["GET", "POST"])
@admin_required
def sour_words() -> Any:
    """The built-in list, the words admins added, and a box to try a text against both."""
    form = SourTermForm()
    if form.validate_on_submit():
        try:
            configure.add_sour_term(form.term.data, form.kind.data, current_user)
        except ValidationFailed as failed:
            db.session.rollback()
            form.apply(failed)
        else:
            db.session.commit()
            flash(_("Added."), "success")
            return redirect(url_for("community_admin.sour_words"))
    extras = db.session.scalars(sa.select(SourTerm).order_by(SourTerm.kind, SourTerm.term)).all()
    sample = (request.args.get("try") or "")[:2000]
    return render_template(
        "community/admin_sour_words.html",
        form=form,
        extras=extras,
        builtin=sour.BUILTIN,
        labels=SOUR_LABELS,
        sample=sample,
        hits=sour.find(sample) if sample else None,
    ), (422 if request.method == "POST" else 200)


@bp.post("/sour-words/<int:term_id>/delete")
@admin_required
def delete_sour_word(term_id: int) -> Any:
    """Take an added word off the list."""
    configure.remove_sour_term(term_id)
    db.session.commit()
    flash(_("Removed."), "success")
    return redirect(url_for("community_admin.sour_words"))

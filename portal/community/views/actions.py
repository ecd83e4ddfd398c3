"""What signed-in people do on a thread: reply, vote, accept an answer, flag, follow. Each works as a plain form
post (redirecting back) and, for votes, as a JSON call from community.js."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.community import moderation, notify, policy, service
from portal.community.forms import FlagForm, ReplyForm
from portal.community.models import Post, Reply, Topic
from portal.community.settings import setting
from portal.community.views.portal import load_post, render_thread, who
from portal.core.errors import DomainError, ValidationFailed
from portal.extensions import db, limiter
from portal.tickets.tags import normalize_tag

bp = Blueprint("community_act", __name__, url_prefix="/community")


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _back(post_id: int, anchor: str | None = None) -> Any:
    return redirect(url_for("community.thread", post_id=post_id, _anchor=anchor))


def load_reply(reply_id: int) -> Reply:
    """The reply if the viewer may see it (and its post), else 404."""
    reply = db.session.get(Reply, reply_id)
    if not policy.can_view(current_user, reply):
        abort(404)
    load_post(reply.post_id)  # type: ignore[union-attr]
    return reply  # type: ignore[return-value]


@bp.post("/posts/<int:post_id>/replies")
@login_required
@limiter.limit(lambda: setting("COMMUNITY_RATELIMIT_REPLY"), key_func=who)
def reply(post_id: int) -> Any:
    """Answer on a thread."""
    post = load_post(post_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        return render_thread(post, reply_form=form, status=422)
    try:
        created = service.add_reply(current_user, post, form.body.data)
    except ValidationFailed as failed:
        db.session.rollback()
        form.apply(failed)
        return render_thread(post, reply_form=form, status=422)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "warning")
        return _back(post.id)
    db.session.commit()
    if created.state == "held":
        flash(_("Thank you. A moderator will look at your answer before others can see it."), "info")
    return _back(post.id, f"r{created.id}")


def _vote(item: Post | Reply, post_id: int) -> Any:
    raw = request.form.get("value", "")
    try:
        score = service.vote(current_user, item, int(raw) if raw.lstrip("-").isdigit() else 99)
    except DomainError as error:
        db.session.rollback()
        if _wants_json():
            return {"error": {"code": error.code, "message": error.message}}, error.status
        flash(error.message, "warning")
        return _back(post_id, f"r{item.id}" if isinstance(item, Reply) else None)
    db.session.commit()
    if _wants_json():
        return {"score": score, "value": int(raw)}
    return _back(post_id, f"r{item.id}" if isinstance(item, Reply) else None)


@bp.post("/posts/<int:post_id>/vote")
@login_required
@limiter.limit(lambda: setting("COMMUNITY_RATELIMIT_VOTE"), key_func=who)
def vote_post(post_id: int) -> Any:
    """Vote on a post (1, -1, or 0 to take the vote back)."""
    return _vote(load_post(post_id), post_id)


@bp.post("/replies/<int:reply_id>/vote")
@login_required
@limiter.limit(lambda: setting("COMMUNITY_RATELIMIT_VOTE"), key_func=who)
def vote_reply(reply_id: int) -> Any:
    """Vote on a reply."""
    item = load_reply(reply_id)
    return _vote(item, item.post_id)


@bp.post("/posts/<int:post_id>/accept")
@login_required
def accept(post_id: int) -> Any:
    """Mark the answer that solved it (an empty reply id takes the mark back)."""
    post = load_post(post_id)
    raw = request.form.get("reply_id", "")
    chosen = load_reply(int(raw)) if raw.isdigit() else None
    try:
        service.accept_answer(current_user, post, chosen)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "warning")
        return _back(post.id)
    db.session.commit()
    if chosen is not None:
        flash(_("Marked as the accepted answer. Thank you for closing the loop!"), "success")
    return _back(post.id, f"r{chosen.id}" if chosen else None)


def _flag(item: Post | Reply, post_id: int) -> Any:
    form = FlagForm()
    anchor = f"r{item.id}" if isinstance(item, Reply) else None
    if not form.validate_on_submit():
        flash(_("Choose why a moderator should look."), "warning")
        return _back(post_id, anchor)
    try:
        moderation.flag(current_user, item, form.reason.data, form.note.data or "")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "warning")
        return _back(post_id, anchor)
    db.session.commit()
    flash(_("Thank you. A moderator will take a look."), "success")
    return _back(post_id, anchor)


@bp.post("/posts/<int:post_id>/flag")
@login_required
@limiter.limit(lambda: setting("COMMUNITY_RATELIMIT_FLAG"), key_func=who)
def flag_post(post_id: int) -> Any:
    """Ask moderators to look at a post."""
    return _flag(load_post(post_id), post_id)


@bp.post("/replies/<int:reply_id>/flag")
@login_required
@limiter.limit(lambda: setting("COMMUNITY_RATELIMIT_FLAG"), key_func=who)
def flag_reply(reply_id: int) -> Any:
    """Ask moderators to look at a reply."""
    item = load_reply(reply_id)
    return _flag(item, item.post_id)


def _target() -> tuple[str, str, str]:
    """(kind, key, where to go back) of a follow form; 404 for what does not exist or may not be seen."""
    kind, key = request.form.get("kind", ""), request.form.get("key", "")
    if kind == "post" and key.isdigit():
        return kind, key, url_for("community.thread", post_id=load_post(int(key)).id)
    if kind == "topic" and key.isdigit() and (topic := db.session.get(Topic, int(key))):
        return kind, key, url_for("community.topic", slug=topic.slug)
    if kind == "tag" and (name := normalize_tag(key)):
        return kind, name, url_for("community.tag", tag=name)
    abort(404)


@bp.post("/follow")
@login_required
def follow() -> Any:
    """Follow a topic, a tag or a post (notified in the portal and by mail)."""
    kind, key, back = _target()
    notify.follow(current_user, kind, key)
    db.session.commit()
    flash(_("Following. We will tell you here and by mail when something new comes up."), "success")
    return redirect(back)


@bp.post("/unfollow")
@login_required
def unfollow() -> Any:
    """Stop following."""
    kind, key, back = _target()
    notify.unfollow(current_user, kind, key)
    db.session.commit()
    flash(_("You no longer follow this."), "info")
    if request.form.get("next") == "notifications":
        return redirect(url_for("community_notes.index"))
    return redirect(back)

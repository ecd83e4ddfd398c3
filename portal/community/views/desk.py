"""Staff on the board: the moderation queue, and the tools on a thread (approve, hide, pin, lock, move, merge,
turn into a ticket, promote an answer into a draft article)."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.community import escalation, moderation, queries
from portal.community.forms import MergeForm, MoveForm
from portal.community.models import Post, Reply, Topic
from portal.core import ui
from portal.core.auth import staff_required
from portal.core.errors import DomainError, ValidationFailed
from portal.extensions import db

bp = Blueprint("community_desk", __name__, url_prefix="/desk/community")
ui.nav_item(
    "desk",
    _l("Community"),
    "community_desk.queue",
    icon="people",
    order=40,
    badge=lambda _u: queries.review_count(),
)
ui.slot("desk.queue.row", "community/_queue_row.html")
ui.slot("desk.ticket.sidebar", "community/_ticket_sidebar.html")

REASON_LABELS = {
    "first_post": _l("First post"),
    "flagged": _l("Flagged"),
    "links": _l("Many links"),
    "repetition": _l("Repeated text"),
}


@bp.get("/")
@staff_required
def queue() -> Any:
    """Flagged posts, held spam suspects and first-time posters' posts, oldest first; or what is hidden."""
    tab = "hidden" if request.args.get("tab") == "hidden" else "review"
    pick = queries.hidden if tab == "hidden" else queries.review_queue
    posts = db.session.scalars(pick(Post)).all()
    replies = db.session.scalars(pick(Reply)).all()
    items = sorted([*posts, *replies], key=lambda i: (i.created_at, i.kind, i.id))
    if tab == "hidden":
        items.reverse()
    parents = {p.id: p for p in posts}
    missing = [r.post_id for r in replies if r.post_id not in parents]
    if missing:
        parents.update({p.id: p for p in db.session.scalars(queries.posts_by_id(missing))})
    keys = [(i.kind, i.id) for i in items]
    flags: dict[tuple[str, int], list[Any]] = {}
    for row in db.session.scalars(queries.open_flags(keys)).all() if keys else []:
        flags.setdefault((row.target_kind, row.target_id), []).append(row)
    return render_template(
        "community/moderation.html",
        items=items,
        parents=parents,
        flags=flags,
        tab=tab,
        reason_labels=REASON_LABELS,
        count=queries.review_count() or 0,
    )


def _item(kind: str, item_id: int) -> Post | Reply:
    model = {"posts": Post, "replies": Reply}.get(kind) or abort(404)
    return db.session.get(model, item_id) or abort(404)  # type: ignore[return-value]


def _back(item: Post | Reply) -> Any:
    if request.form.get("next") == "queue":
        return redirect(url_for("community_desk.queue", tab=request.form.get("tab") or None))
    post_id = item.id if isinstance(item, Post) else item.post_id
    anchor = f"r{item.id}" if isinstance(item, Reply) else None
    return redirect(url_for("community.thread", post_id=post_id, _anchor=anchor))


def _run(item: Post | Reply, action: Any, done: str) -> Any:
    try:
        action()
    except ValidationFailed as failed:
        db.session.rollback()
        flash(" ".join(reason for _f, reason in failed.errors), "danger")
        return _back(item)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return _back(item)
    db.session.commit()
    flash(done, "success")
    return _back(item)


@bp.post("/<kind>/<int:item_id>/<any(approve, hide, spam):action>")
@staff_required
def moderate(kind: str, item_id: int, action: str) -> Any:
    """Approve (publish and clear), hide, or hide as spam."""
    item = _item(kind, item_id)
    if action == "approve":
        return _run(item, lambda: moderation.approve(current_user, item), _("Approved."))
    return _run(
        item, lambda: moderation.hide(current_user, item, spam=action == "spam"), _("Hidden from the board.")
    )


@bp.post("/posts/<int:post_id>/<any(pin, unpin, lock, unlock):action>")
@staff_required
def toggle(post_id: int, action: str) -> Any:
    """Pin or unpin, lock or unlock."""
    post = _item("posts", post_id)
    assert isinstance(post, Post)
    if action in ("pin", "unpin"):
        return _run(post, lambda: moderation.pin(current_user, post, action == "pin"), _("Saved."))
    return _run(post, lambda: moderation.lock(current_user, post, action == "lock"), _("Saved."))


@bp.post("/posts/<int:post_id>/move")
@staff_required
def move(post_id: int) -> Any:
    """Put a post under another topic."""
    post = _item("posts", post_id)
    form = MoveForm()
    raw = form.topic_id.data or ""
    topic = db.session.get(Topic, int(raw)) if raw.isdigit() else None
    if raw and topic is None:
        abort(404)
    return _run(post, lambda: moderation.move(current_user, post, topic), _("Moved."))  # type: ignore[arg-type]


def _post_number(raw: str) -> int | None:
    match = re.search(r"(?:posts/)?(\d+)\s*/?\s*(?:#.*)?$", (raw or "").strip())
    return int(match.group(1)) if match else None


@bp.post("/posts/<int:post_id>/merge")
@staff_required
def merge(post_id: int) -> Any:
    """Fold this post into another one about the same thing."""
    source = _item("posts", post_id)
    form = MergeForm()
    number = _post_number(form.target.data or "")
    target = db.session.get(Post, number) if number else None
    if target is None:
        flash(_("No post has that number."), "danger")
        return _back(source)
    result = _run(source, lambda: moderation.merge(current_user, source, target), _("Merged."))  # type: ignore[arg-type]
    if source.state == "merged":
        return redirect(url_for("community.thread", post_id=target.id))
    return result


@bp.post("/posts/<int:post_id>/ticket")
@staff_required
def to_ticket(post_id: int) -> Any:
    """Turn a customer's post into a ticket (the same one if it already has one) and open it."""
    post = _item("posts", post_id)
    try:
        ticket = escalation.post_to_ticket(current_user, post)  # type: ignore[arg-type]
    except ValidationFailed as failed:
        db.session.rollback()
        flash(" ".join(reason for _f, reason in failed.errors), "danger")
        return _back(post)
    db.session.commit()
    flash(_("Ticket #%(ref)s is linked to this post.", ref=ticket.ref), "success")
    return redirect(url_for("desk.ticket_page", ref=ticket.ref))


@bp.post("/replies/<int:reply_id>/promote")
@staff_required
def promote(reply_id: int) -> Any:
    """Send a good answer to the knowledge base as a draft article."""
    reply = _item("replies", reply_id)
    try:
        url = escalation.promote(current_user, reply)  # type: ignore[arg-type]
    except ValidationFailed as failed:
        db.session.rollback()
        flash(" ".join(reason for _f, reason in failed.errors), "danger")
        return _back(reply)
    if url is None:
        db.session.rollback()
        flash(
            _("The knowledge base did not take the draft (it may not be installed). Nothing was changed."),
            "warning",
        )
        return _back(reply)
    db.session.commit()
    flash(_("A draft article was made from this answer."), "success")
    return _back(reply)


def community_link(ticket: Any) -> dict[str, Any] | None:
    """The post (and the sour words) a ticket was raised from, for the ticket page's sidebar."""
    post = db.session.scalar(sa.select(Post).where(Post.ticket_id == ticket.id).limit(1))
    if post is not None:
        return {"post": post, "terms": post.sour_terms}
    reply = db.session.scalar(sa.select(Reply).where(Reply.ticket_id == ticket.id).limit(1))
    if reply is None:
        return None
    return {"post": db.session.get(Post, reply.post_id), "terms": reply.sour_terms}


@bp.app_context_processor
def helpers() -> dict[str, Any]:
    return {"community_link": community_link}

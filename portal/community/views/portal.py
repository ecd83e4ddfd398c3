"""The board as everyone sees it: topics, lists, threads, and writing or editing a post."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from portal.community import content, policy, queries, service
from portal.community.forms import FLAG_LABELS, MergeForm, MoveForm, PostForm, ReplyForm
from portal.community.models import Post, Reply, Topic
from portal.community.notify import mark_read
from portal.community.settings import setting
from portal.core import ui
from portal.core.api import decode_cursor, encode_cursor
from portal.core.auth import is_staff
from portal.core.errors import DomainError, ValidationFailed
from portal.core.forms import choices
from portal.core.html import safe
from portal.extensions import db, limiter
from portal.tickets.models import Ticket
from portal.tickets.tags import normalize_tag

bp = Blueprint("community", __name__, url_prefix="/community")
PAGE = 30
SORT_LABELS = {
    "latest": _l("Latest activity"),
    "new": _l("Newest"),
    "top": _l("Most votes"),
    "unanswered": _l("Unanswered"),
    "solved": _l("Solved"),
}


def unread() -> int | None:
    """The signed-in person's unread notifications (for badges), None when there are none."""
    if not current_user.is_authenticated:
        return None
    if "community_unread" not in g:
        g.community_unread = db.session.scalar(queries.unread_count(current_user.id)) or None
    return g.community_unread


ui.nav_item("portal", _l("Community"), "community.board", icon="people", order=30, badge=lambda _u: unread())
ui.slot("portal.home.cards", "community/_home_card.html")


def who() -> str:
    """Rate limits count per signed-in person, else per address."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return request.remote_addr or "unknown"


@bp.app_context_processor
def community_helpers() -> dict[str, Any]:
    return {"community_unread": unread, "FLAG_LABELS": FLAG_LABELS, "community_policy": policy}


@bp.app_template_filter("safe_html")
def safe_html(value: str | None) -> Any:
    """Stored HTML sanitized once more on the way out."""
    return safe(value)


@bp.app_template_filter("excerpt")
def excerpt(value: str | None, length: int = 200) -> str:
    """A plain-text excerpt of stored HTML."""
    return content.snippet(content.plain_text(value or ""), length)


def locale() -> str:
    """The viewer's language code."""
    return str(get_locale() or "ko")


def _topic_choices(form: Any) -> None:
    rows = db.session.scalars(queries.topics()).all()
    form.topic_id.choices = choices([("", _("(no topic)"))] + [(str(t.id), t.label(locale())) for t in rows])


def _board(filters: queries.BoardFilter, *, topic: Topic | None = None, tag: str | None = None) -> Any:
    try:
        after = decode_cursor(request.args.get("after"))
        rows = db.session.scalars(queries.board_page(filters, after=after, limit=PAGE + 1)).all()
    except (ValueError, TypeError, IndexError, DomainError):
        abort(400)
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    pinned = db.session.scalars(queries.pinned(filters)).all() if not after else []
    topics = db.session.scalars(queries.topics()).all()
    following = _following([("topic", str(topic.id))] if topic else [("tag", tag)] if tag else [])
    return render_template(
        "community/board.html",
        posts=rows,
        pinned=pinned,
        topics=topics,
        topic=topic,
        tag=tag,
        filters=filters,
        sort_labels=SORT_LABELS,
        following=following,
        next_cursor=encode_cursor(queries.cursor_of(rows[-1], filters.sort)) if more else None,
        locale=locale(),
    )


def _following(targets: list[tuple[str, str]]) -> set[tuple[str, str]]:
    if not targets or not current_user.is_authenticated:
        return set()
    return {tuple(r) for r in db.session.execute(queries.follow_keys(current_user.id, targets))}


def _sort() -> str:
    sort = request.args.get("sort", "latest")
    return sort if sort in queries.SORTS else "latest"


@bp.get("/")
def board() -> Any:
    """Every topic's latest posts."""
    return _board(queries.BoardFilter(sort=_sort()))


@bp.get("/topics/<slug>")
def topic(slug: str) -> Any:
    """One topic's posts."""
    found = db.session.scalar(sa.select(Topic).where(Topic.slug == slug)) or abort(404)
    return _board(queries.BoardFilter(topic_id=found.id, sort=_sort()), topic=found)


@bp.get("/tags/<tag>")
def tag(tag: str) -> Any:
    """Posts with one tag."""
    name = normalize_tag(tag) or abort(404)
    return _board(queries.BoardFilter(tag=name, sort=_sort()), tag=name)


def load_post(post_id: int) -> Post:
    """The post if the viewer may see it, else 404."""
    post = db.session.get(Post, post_id)
    if not policy.can_view(current_user, post):
        abort(404)
    return post  # type: ignore[return-value]


@bp.get("/posts/<int:post_id>")
def thread(post_id: int) -> Any:
    """A post with its replies, votes and the tools the viewer may use."""
    post = load_post(post_id)
    if post.state == "merged" and post.merged_into_id:
        return redirect(url_for("community.thread", post_id=post.merged_into_id), 301)
    return render_thread(post)


def render_thread(post: Post, *, reply_form: Any = None, status: int = 200) -> Any:
    """The thread page (also after a reply that failed, with its errors)."""
    replies = db.session.scalars(queries.replies(post.id, current_user)).all()
    keys = [("post", post.id)] + [("reply", r.id) for r in replies]
    votes = service.my_votes(current_user, [post], replies)
    flagged: set[tuple[str, int]] = set()
    if current_user.is_authenticated:
        flagged = {tuple(r) for r in db.session.execute(queries.my_flags(current_user, keys))}  # type: ignore[misc]
        if request.method == "GET" and unread():
            mark_read(current_user, post_id=post.id)  # opening the thread reads its news
            db.session.commit()
            g.pop("community_unread", None)
    staff = is_staff(current_user)
    move_form, merge_form = MoveForm(), MergeForm()
    if staff:
        _topic_choices(move_form)
        move_form.topic_id.data = str(post.topic_id or "")
    ticket = db.session.get(Ticket, post.ticket_id) if post.ticket_id else None
    return render_template(
        "community/thread.html",
        post=post,
        replies=replies,
        accepted=next((r for r in replies if r.id == post.accepted_reply_id), None),
        votes=votes,
        flagged=flagged,
        following=_following([("post", str(post.id))]),
        reply_form=reply_form or ReplyForm(),
        move_form=move_form,
        merge_form=merge_form,
        ticket=ticket,
        flags=db.session.scalars(queries.open_flags(keys)).all() if staff else [],
        locale=locale(),
    ), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: setting("COMMUNITY_RATELIMIT_POST"), key_func=who, methods=["POST"])
def new_post() -> Any:
    """Ask a question or share an experience."""
    form = PostForm()
    _topic_choices(form)
    if request.method == "GET" and request.args.get("topic"):
        found = db.session.scalar(sa.select(Topic).where(Topic.slug == request.args["topic"]))
        form.topic_id.data = str(found.id) if found else ""
    if form.validate_on_submit():
        topic = db.session.get(Topic, int(form.topic_id.data)) if form.topic_id.data else None
        try:
            post = service.create_post(
                current_user, title=form.title.data, body=form.body.data, topic=topic, tags=form.tags.data
            )
        except ValidationFailed as failed:
            db.session.rollback()
            form.apply(failed)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_posted_message(post), "success" if post.is_published else "info")
            return redirect(url_for("community.thread", post_id=post.id))
    status = 422 if request.method == "POST" else 200
    return render_template("community/post_form.html", form=form, post=None), status


def _posted_message(post: Post) -> str:
    if post.state == "held":
        return _("Thank you. A moderator will look at your post before others can see it.")
    return _("Your post is up. We will let you know when someone answers.")


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int) -> Any:
    """The author (or staff) corrects a post."""
    post = load_post(post_id)
    if not policy.can_edit(current_user, post):
        abort(404)
    form = PostForm(obj=post) if request.method == "GET" else PostForm()
    _topic_choices(form)
    del form.topic_id  # moving between topics is a moderator's tool
    if request.method == "GET":
        form.tags.data = " ".join(post.tags)
    if form.validate_on_submit():
        try:
            service.edit_post(
                current_user, post, title=form.title.data, body=form.body.data, tags=form.tags.data
            )
        except ValidationFailed as failed:
            db.session.rollback()
            form.apply(failed)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("community.thread", post_id=post.id))
    status = 422 if request.method == "POST" else 200
    return render_template("community/post_form.html", form=form, post=post), status


@bp.route("/replies/<int:reply_id>/edit", methods=["GET", "POST"])
@login_required
def edit_reply(reply_id: int) -> Any:
    """The author (or staff) corrects a reply."""
    reply = db.session.get(Reply, reply_id)
    if reply is None or not policy.can_view(current_user, reply) or not policy.can_edit(current_user, reply):
        abort(404)
    post = load_post(reply.post_id)
    form = ReplyForm(obj=reply) if request.method == "GET" else ReplyForm()
    if form.validate_on_submit():
        try:
            service.edit_reply(current_user, reply, form.body.data)
        except ValidationFailed as failed:
            db.session.rollback()
            form.apply(failed)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("community.thread", post_id=post.id, _anchor=f"r{reply.id}"))
    status = 422 if request.method == "POST" else 200
    return render_template("community/reply_form.html", form=form, post=post, reply=reply), status


@bp.post("/preview")
@login_required
def preview() -> Any:
    """What the Markdown will look like (sanitized exactly as when it is posted)."""
    body = (request.form.get("body") or "")[: content.BODY_MAX]
    return {"html": content.render(body)}

"""The help center customers read: categories, sections, articles, and "was this helpful?"."""

from __future__ import annotations

import secrets
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.core import signals, ui
from portal.core.errors import DomainError
from portal.core.html import render_markdown
from portal.customers.service import customer_for_user
from portal.extensions import db, limiter
from portal.knowledge import demo as _demo  # noqa: F401 - adds the help center to the demo data
from portal.knowledge import policy, queries, service
from portal.knowledge import searchable as _searchable  # noqa: F401 - registers articles as searchable
from portal.knowledge.forms import VoteForm
from portal.knowledge.models import Article, ArticleVote, Category

bp = Blueprint("knowledge", __name__, url_prefix="/kb")
ui.nav_item("portal", _l("Help articles"), "knowledge.index", icon="book", order=20)
VISITOR_KEY = "kb_visitor"


def _locale() -> str:
    return str(get_locale() or "ko")


def visitor_id() -> str:
    """A random id for this browser, kept in the signed session cookie (one vote per visitor)."""
    if VISITOR_KEY not in session:
        session[VISITOR_KEY] = secrets.token_urlsafe(16)
    return session[VISITOR_KEY]


@bp.get("")
def index() -> Any:
    """Every category with its sections and a few articles each."""
    cats = db.session.scalars(queries.categories()).all()
    section_ids = [s.id for c in cats for s in c.sections]
    articles = db.session.scalars(queries.published_in_sections(section_ids, _locale())).all()
    by_section: dict[int, list[Article]] = {}
    for a in articles:
        by_section.setdefault(a.section_id or 0, []).append(a)
    return render_template("knowledge/index.html", categories=cats, by_section=by_section, locale=_locale())


@bp.get("/categories/<slug>")
def category(slug: str) -> Any:
    """One category: its sections and every article in them."""
    cat = db.session.scalar(sa.select(Category).where(Category.slug == slug)) or abort(404)
    articles = db.session.scalars(
        queries.published_in_sections([s.id for s in cat.sections], _locale())
    ).all()
    by_section: dict[int, list[Article]] = {}
    for a in articles:
        by_section.setdefault(a.section_id or 0, []).append(a)
    return render_template("knowledge/category.html", category=cat, by_section=by_section, locale=_locale())


def _viewable(article_id: int) -> Article:
    article = db.session.get(Article, article_id)
    if not policy.can_view_article(current_user, article):
        abort(404)
    return article  # type: ignore[return-value]


@bp.get("/articles/<int:article_id>")
def article(article_id: int) -> Any:
    """One article, its other language versions, related articles and the helpfulness question."""
    item = _viewable(article_id)
    staff = policy.can_edit_articles(current_user)
    versions = [
        v
        for v in db.session.scalars(queries.versions(item))
        if v.id != item.id and policy.can_view_article(current_user, v)
    ]
    related = db.session.scalars(queries.related(item, staff=staff)).all()
    customer = customer_for_user(current_user)
    service.count_view(item)
    signals.article_viewed.send(item, customer=customer, session_key=visitor_id())
    db.session.commit()
    return render_template(
        "knowledge/article.html",
        article=item,
        html=render_markdown(item.body),
        versions=versions,
        related=related,
        voted=_already_voted(item),
        form=VoteForm(),
        locale=_locale(),
    )


def _already_voted(item: Article) -> bool:
    stmt = sa.select(ArticleVote.id).where(ArticleVote.article_id == item.id)
    if current_user.is_authenticated:
        stmt = stmt.where(ArticleVote.user_id == current_user.id)
    elif VISITOR_KEY in session:
        stmt = stmt.where(ArticleVote.visitor == session[VISITOR_KEY])
    else:
        return False
    return db.session.scalar(stmt) is not None


@bp.post("/articles/<int:article_id>/vote")
@limiter.limit(lambda: current_app.config["RATELIMIT_SUBMIT"])
def vote(article_id: int) -> Any:
    """Record "was this helpful?" once per person or visitor."""
    item = _viewable(article_id)
    form = VoteForm()
    back = url_for("knowledge.article", article_id=item.id) + "#helpful"
    if not form.validate_on_submit() or not policy.can_vote(current_user, item):
        flash(_("Your answer could not be recorded. Please try again."), "warning")
        return redirect(back)
    try:
        service.vote(
            item,
            helpful=form.helpful.data == "yes",
            comment=form.comment.data or "",
            user=current_user,
            visitor=visitor_id(),
        )
    except DomainError:
        db.session.rollback()
        flash(_("You already answered for this article. Thank you!"), "info")
        return redirect(back)
    db.session.commit()
    flash(_("Thank you for your feedback."), "success")
    return redirect(back)

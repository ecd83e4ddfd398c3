"""Agents write the knowledge base: article list, editor (with language versions), revisions, categories."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.core import ui
from portal.core.api import decode_cursor, encode_cursor
from portal.core.auth import staff_required
from portal.core.errors import ValidationFailed
from portal.core.forms import choices
from portal.core.html import render_markdown
from portal.extensions import db
from portal.knowledge import queries, service
from portal.knowledge.forms import ArticleForm, CategoryForm, SectionForm
from portal.knowledge.models import Article, ArticleRevision, Category, Section

bp = Blueprint("knowledge_desk", __name__, url_prefix="/desk/kb")
ui.nav_item("desk", _l("Knowledge base"), "knowledge_desk.index", icon="book", order=40)
PAGE = 50


@bp.before_request
@staff_required
def _staff_only() -> None:
    return None


@bp.get("")
def index() -> Any:
    """Every article, newest change first, filtered by status."""
    status = request.args.get("status") or None
    if status not in (None, "draft", "published", "internal"):
        status = None
    after = decode_cursor(request.args.get("after"))
    rows = db.session.scalars(queries.desk_articles(status=status, after=after, limit=PAGE + 1)).all()
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    next_cursor = encode_cursor([rows[-1].updated_at, rows[-1].id]) if more else None
    return render_template("knowledge/desk/index.html", articles=rows, status=status, next_cursor=next_cursor)


def _section_choices(form: ArticleForm) -> None:
    sections = db.session.scalars(queries.sections()).all()
    form.section_id.choices = choices(
        [("", _("(no section)"))] + [(str(s.id), f"{s.category.name} › {s.name}") for s in sections]
    )


def _section(value: str | None) -> Section | None:
    return db.session.get(Section, int(value)) if value and value.isdigit() else None


@bp.route("/new", methods=["GET", "POST"])
def new() -> Any:
    """Write a new article, or a new language version of one (?translation_of=ID)."""
    form = ArticleForm()
    _section_choices(form)
    original = None
    source_id = form.translation_of.data or request.args.get("translation_of")
    if source_id and str(source_id).isdigit():
        original = db.session.get(Article, int(source_id))
    if request.method == "GET" and original is not None:
        form.translation_of.data = str(original.id)
        form.locale.data = "en" if original.locale == "ko" else "ko"
        form.section_id.data = str(original.section_id or "")
        form.tags.data = ", ".join(original.tags or [])
        form.internal.data = original.internal
    if form.validate_on_submit():
        try:
            article = service.create_article(
                current_user,
                title=form.title.data,
                body=form.body.data or "",
                locale=form.locale.data,
                section=_section(form.section_id.data),
                tags=form.tags.data,
                internal=form.internal.data,
                status=form.status.data,
                translation_of=original,
            )
        except ValidationFailed as failed:
            form.apply(failed)
        else:
            db.session.commit()
            flash(_("Article saved."), "success")
            return redirect(url_for("knowledge_desk.edit", article_id=article.id))
    status = 422 if request.method == "POST" else 200
    return render_template("knowledge/desk/edit.html", form=form, article=None, original=original), status


def _load(article_id: int) -> Article:
    return db.session.get(Article, article_id) or abort(404)


@bp.route("/<int:article_id>/edit", methods=["GET", "POST"])
def edit(article_id: int) -> Any:
    """Edit an article; each save of a changed title, body or status is a revision."""
    article = _load(article_id)
    form = ArticleForm(obj=None if request.method == "POST" else article)
    del form.locale  # a version's language is fixed; another language is another version
    _section_choices(form)
    if request.method == "GET":
        form.section_id.data = str(article.section_id or "")
        form.tags.data = ", ".join(article.tags or [])
    if form.validate_on_submit():
        try:
            service.update_article(
                article,
                current_user,
                title=form.title.data,
                body=form.body.data or "",
                status=form.status.data,
                section=_section(form.section_id.data),
                tags=form.tags.data,
                internal=form.internal.data,
                note=form.note.data or "",
            )
        except ValidationFailed as failed:
            form.apply(failed)
        else:
            db.session.commit()
            flash(_("Article saved."), "success")
            return redirect(url_for("knowledge_desk.edit", article_id=article.id))
    versions = [v for v in db.session.scalars(queries.versions(article)) if v.id != article.id]
    comments = db.session.scalars(queries.vote_comments(article.id)).all()
    status = 422 if request.method == "POST" else 200
    return render_template(
        "knowledge/desk/edit.html",
        form=form,
        article=article,
        original=None,
        versions=versions,
        comments=comments,
        preview=render_markdown(article.body),
    ), status


@bp.get("/<int:article_id>/revisions")
def revisions(article_id: int) -> Any:
    """The revision history of an article."""
    article = _load(article_id)
    rows = db.session.scalars(queries.revisions(article.id)).all()
    shown = next((r for r in rows if str(r.number) == request.args.get("n")), rows[0] if rows else None)
    return render_template(
        "knowledge/desk/revisions.html",
        article=article,
        revisions=rows,
        shown=shown,
        preview=render_markdown(shown.body) if shown else "",
    )


@bp.post("/<int:article_id>/revisions/<int:number>/restore")
def restore(article_id: int, number: int) -> Any:
    """Bring back an earlier revision."""
    article = _load(article_id)
    revision = next(
        (r for r in db.session.scalars(queries.revisions(article.id)) if r.number == number), None
    )
    if not isinstance(revision, ArticleRevision):
        abort(404)
    service.restore_revision(article, revision, current_user)
    db.session.commit()
    flash(_("Revision %(n)s restored.", n=number), "success")
    return redirect(url_for("knowledge_desk.edit", article_id=article.id))


@bp.post("/<int:article_id>/delete")
def delete(article_id: int) -> Any:
    """Delete an article (its other language versions stay)."""
    service.delete_article(_load(article_id))
    db.session.commit()
    flash(_("Article deleted."), "success")
    return redirect(url_for("knowledge_desk.index"))


@bp.route("/categories", methods=["GET", "POST"])
def categories() -> Any:
    """Categories and their sections; add either."""
    category_form, section_form = CategoryForm(prefix="c"), SectionForm(prefix="s")
    cats = db.session.scalars(queries.categories()).all()
    section_form.category_id.choices = choices([(str(c.id), c.name) for c in cats])
    form = category_form if request.form.get("kind") == "category" else section_form
    if request.method == "POST" and form.validate_on_submit():
        try:
            if form is category_form:
                service.save_category(
                    None,
                    slug=form.slug.data,
                    name=form.name.data,
                    name_en=form.name_en.data or "",
                    description=form.description.data or "",
                    position=form.position.data or 0,
                )
            else:
                cat = db.session.get(Category, int(form.category_id.data)) or abort(404)
                service.save_section(
                    None,
                    category=cat,
                    name=form.name.data,
                    name_en=form.name_en.data or "",
                    position=form.position.data or 0,
                )
        except ValidationFailed as failed:
            form.apply(failed)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("knowledge_desk.categories"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "knowledge/desk/categories.html",
        categories=cats,
        category_form=category_form,
        section_form=section_form,
    ), status

"""Admins' side: the list of items, the item builder (form fields, fulfilment, action settings), and items as
JSON files to export and import."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.accounts.models import Group, User
from portal.catalog import actions, builder, queries, service
from portal.catalog.definition import FIELD_TYPES, ICONS, TYPE_LABELS
from portal.catalog.labels import AUDIENCE_LABELS, FULFILMENT_HELP, FULFILMENT_LABELS, TIER_LABELS
from portal.catalog.models import CatalogItem, CatalogRequest
from portal.catalog.serialize import item_json
from portal.catalog.views import current_locale
from portal.core import ui
from portal.core.auth import admin_required
from portal.core.errors import ValidationFailed
from portal.core.forms import Form
from portal.extensions import db

bp = Blueprint("catalog_admin", __name__, url_prefix="/admin/catalog")
ui.nav_item("admin", _l("Service catalog"), "catalog_admin.items", icon="grid", order=40)
MAX_IMPORT_BYTES = 2 * 1024 * 1024


@bp.get("/")
@admin_required
def items() -> Any:
    """Every item with how often it was requested."""
    rows = db.session.scalars(queries.all_items()).all()
    counts = dict(
        db.session.execute(
            sa.select(CatalogRequest.item_id, sa.func.count()).group_by(CatalogRequest.item_id)
        ).all()
    )
    return render_template(
        "catalog/admin_items.html", items=rows, counts=counts, form=Form(), locale=current_locale(),
        fulfilment_labels=FULFILMENT_LABELS, action_labels={a.name: a.label for a in actions.available()},
    )  # fmt: skip


def _choices_context(definition: dict[str, Any], errors: dict[str, list[str]], echo_secret: bool) -> dict:
    groups = db.session.scalars(sa.select(Group).order_by(Group.name)).all()
    agents = db.session.scalars(
        sa.select(User).where(User.role.in_(("agent", "admin")), User.active.is_(True)).order_by(User.name)
    ).all()
    categories = db.session.execute(
        sa.select(CatalogItem.category_ko, CatalogItem.category_en)
        .distinct()
        .order_by(CatalogItem.category_ko)
    ).all()
    config = definition.get("config") or {}
    return {
        "d": definition,
        "errors": errors,
        "groups": groups,
        "agents": agents,
        "categories": [c for c in categories if c[0] or c[1]],
        "icons": ICONS,
        "field_types": [(t, TYPE_LABELS[t]) for t in FIELD_TYPES],
        "type_labels": {k: str(v) for k, v in TYPE_LABELS.items()},
        "audiences": AUDIENCE_LABELS,
        "tiers": TIER_LABELS,
        "fulfilments": FULFILMENT_LABELS,
        "fulfilment_help": FULFILMENT_HELP,
        "actions": [
            (
                a,
                builder.settings_of(
                    a, config if a.name == definition.get("action") else {}, echo_secret=echo_secret
                ),
            )
            for a in actions.available()
        ],
    }


def _render(item: CatalogItem | None, definition: dict, errors: dict, form: Form, status: int = 200) -> Any:
    context = _choices_context(definition, errors, echo_secret=request.method == "POST")
    return render_template("catalog/admin_item.html", item=item, form=form, **context), status


@bp.route("/new", methods=["GET", "POST"], defaults={"item_id": None})
@bp.route("/<int:item_id>", methods=["GET", "POST"])
@admin_required
def edit(item_id: int | None) -> Any:
    """The builder: texts, who may ask, the form's fields, and how requests are fulfilled."""
    item = (db.session.get(CatalogItem, item_id) or abort(404)) if item_id else None
    form = Form()
    if request.method == "GET":
        definition = builder.definition_of(item) if item else builder.blank_definition()
        return _render(item, definition, {}, form)
    definition = builder.definition_from_form(request.form, item)
    if not form.validate_on_submit():
        return _render(item, definition, {"": [_("The page expired. Please save again.")]}, form, 400)
    try:
        saved = service.save_item(item, definition)
    except ValidationFailed as failed:
        db.session.rollback()
        return _render(item, definition, failed.by_field(), form, 422)
    db.session.commit()
    flash(_("Saved. Customers see the changes at once."), "success")
    return redirect(url_for("catalog_admin.edit", item_id=saved.id))


def _download(data: Any, filename: str) -> Response:
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/export")
@admin_required
def export_all() -> Any:
    """Every item as one JSON file (settings and secrets included: keep it safe)."""
    rows = db.session.scalars(queries.all_items()).all()
    return _download([item_json(i, "ko", full=True) for i in rows], "catalog.json")


@bp.get("/<int:item_id>/export")
@admin_required
def export_one(item_id: int) -> Any:
    """One item as a JSON file."""
    item = db.session.get(CatalogItem, item_id) or abort(404)
    return _download([item_json(item, "ko", full=True)], f"catalog-{item.slug}.json")


@bp.post("/import")
@admin_required
def import_file() -> Any:
    """Create or update items from an exported file (matched by web address); all or nothing."""
    form = Form()
    upload = request.files.get("file")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        flash(_("Choose a JSON file exported from a catalog."), "warning")
        return redirect(url_for("catalog_admin.items"))
    raw = upload.stream.read(MAX_IMPORT_BYTES + 1)
    try:
        data = json.loads(raw.decode("utf-8-sig")) if len(raw) <= MAX_IMPORT_BYTES else None
        created, updated = service.import_items(data if isinstance(data, list) else [data])
    except (ValueError, UnicodeDecodeError):
        flash(_("This file is not JSON."), "danger")
        return redirect(url_for("catalog_admin.items"))
    except ValidationFailed as failed:
        db.session.rollback()
        problems = "; ".join(f"{k}: {r}" for k, r in failed.errors[:8])
        flash(_("Nothing was imported: %(problems)s", problems=problems), "danger")
        return redirect(url_for("catalog_admin.items"))
    db.session.commit()
    flash(_("Imported: %(created)d new, %(updated)d updated.", created=created, updated=updated), "success")
    return redirect(url_for("catalog_admin.items"))

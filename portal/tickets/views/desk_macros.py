"""Macros: the agent's list of saved replies (own, groups', everyone's), and creating, editing, deleting them."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import Group
from portal.core.auth import staff_required
from portal.core.errors import ValidationFailed
from portal.core.forms import choices
from portal.extensions import db
from portal.tickets import macros
from portal.tickets.desk_forms import MacroForm
from portal.tickets.models import Macro
from portal.tickets.views.desk_shared import bp, groups


def _form(macro: Macro | None = None, formdata: Any = None) -> MacroForm:
    form = MacroForm(formdata=formdata, obj=macro)
    if macro is not None and formdata is None:
        form.add_tags.data = " ".join(macro.add_tags or [])
        form.set_status.data = macro.set_status or ""
        form.set_priority.data = macro.set_priority or ""
        form.scope.data = "personal" if macro.owner_id else ("group" if macro.group_id else "everyone")
        form.group_id.data = str(macro.group_id or "")
    mine = groups() if current_user.is_admin else sorted(current_user.groups, key=lambda g: g.name)
    form.group_id.choices = choices([("", "—")] + [(str(g.id), g.name) for g in mine])
    return form


def _editable(macro_id: int) -> Macro:
    macro = db.session.get(Macro, macro_id)
    if macro is None or not macros.can_use(current_user, macro):
        abort(404)
    if not macros.can_manage(current_user, macro):
        abort(403)
    return macro


@bp.get("/macros")
@staff_required
def macros_page() -> Any:
    """Every macro the agent can use, with who it is shared with."""
    rows = list(db.session.scalars(macros.visible_macros(current_user)))
    names = {g.id: g.name for g in groups()}
    return render_template(
        "desk/macros.html",
        macros=rows,
        group_names=names,
        can_manage=lambda m: macros.can_manage(current_user, m),
        placeholders=macros.PLACEHOLDERS,
    )


def _save(macro: Macro | None) -> Any:
    form = _form(macro, formdata=request.form)
    if form.validate_on_submit():
        group = (
            db.session.get(Group, int(form.group_id.data)) if (form.group_id.data or "").isdigit() else None
        )
        try:
            saved = macros.save_macro(
                macro,
                current_user,
                name=form.name.data or "",
                body=form.body.data or "",
                internal=form.internal.data,
                set_status=form.set_status.data or None,
                set_priority=form.set_priority.data or None,
                add_tags=form.add_tags.data or "",
                scope=form.scope.data,
                group=group,
            )
        except ValidationFailed as failed:
            db.session.rollback()
            form.apply(failed)
        else:
            db.session.commit()
            flash(_("Macro “%(name)s” saved.", name=saved.name), "success")
            return redirect(url_for("desk.macros_page"))
    return render_template(
        "desk/macro_form.html", form=form, macro=macro, placeholders=macros.PLACEHOLDERS
    ), 422


@bp.route("/macros/new", methods=["GET", "POST"])
@staff_required
def macro_new() -> Any:
    """A new macro (personal unless shared)."""
    if request.method == "POST":
        return _save(None)
    return render_template("desk/macro_form.html", form=_form(), macro=None, placeholders=macros.PLACEHOLDERS)


@bp.route("/macros/<int:macro_id>", methods=["GET", "POST"])
@staff_required
def macro_edit(macro_id: int) -> Any:
    """Change a macro the agent may manage."""
    macro = _editable(macro_id)
    if request.method == "POST":
        return _save(macro)
    return render_template(
        "desk/macro_form.html", form=_form(macro), macro=macro, placeholders=macros.PLACEHOLDERS
    )


@bp.post("/macros/<int:macro_id>/delete")
@staff_required
def macro_delete(macro_id: int) -> Any:
    """Remove a macro."""
    macro = _editable(macro_id)
    name = macro.name
    macros.delete_macro(macro)
    db.session.commit()
    flash(_("Macro “%(name)s” deleted.", name=name), "success")
    return redirect(url_for("desk.macros_page"))

"""Admin pages of the rule builder: the ordered list (triggers, automations, loops stopped) and the editor."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.accounts.models import Group, User
from portal.core import ui
from portal.core.auth import admin_required
from portal.core.db import utcnow
from portal.core.errors import ValidationFailed
from portal.core.forms import choices
from portal.extensions import db
from portal.rules import demo, hooks, queries, service, tasks  # noqa: F401 - receivers, jobs, demo
from portal.rules.forms import (
    ACTION_KEYS,
    CONDITION_KEYS,
    RuleForm,
    builder_spec,
    describe_action,
    describe_condition,
    rows,
)
from portal.rules.models import Rule

bp = Blueprint("rules", __name__, url_prefix="/admin/rules")
ui.nav_item("admin", _l("Rules"), "rules.index", icon="diagram-3", order=40)
ui.slot("desk.ticket.sidebar", "rules/_ticket_rules.html", order=60)
bp.add_app_template_global(
    lambda ticket: db.session.scalars(queries.ticket_rule_events(ticket.id)).all(), "ticket_rule_events"
)


def _spec() -> dict[str, Any]:
    groups = db.session.scalars(sa.select(Group).order_by(Group.name)).all()
    agents = db.session.scalars(
        sa.select(User).where(User.role.in_(("agent", "admin")), User.active.is_(True)).order_by(User.name)
    ).all()
    return builder_spec(list(groups), list(agents))


@bp.get("/")
@admin_required
def index() -> Any:
    """Triggers and automations in the order they run, with how often each fired, and loops stopped lately."""
    group_id = request.args.get("group", type=int)
    spec = _spec()
    since = utcnow() - timedelta(days=30)
    return render_template(
        "rules/index.html",
        triggers=db.session.scalars(queries.rules("trigger", group_id)).all(),
        automations=db.session.scalars(queries.rules("automation", group_id)).all(),
        fired=dict(db.session.execute(queries.fired_counts(since)).all()),
        loops=queries.recent_loops(utcnow() - timedelta(days=7)),
        groups=db.session.scalars(sa.select(Group).order_by(Group.name)).all(),
        group_id=group_id,
        spec=spec,
        describe_condition=describe_condition,
        describe_action=describe_action,
    )


def _form(rule: Rule | None, formdata: Any = None) -> RuleForm:
    form = RuleForm(formdata=formdata, obj=rule)
    groups = db.session.scalars(sa.select(Group).order_by(Group.name)).all()
    form.group_id.choices = choices([("", _("Every group"))] + [(str(g.id), g.name) for g in groups])
    if formdata is None:
        if rule is not None:
            form.group_id.data = str(rule.group_id or "")
        elif request.args.get("kind") == "automation":
            form.kind.data = "automation"
        if rule is None and request.args.get("group", "").isdigit():
            form.group_id.data = request.args["group"]
    return form


@bp.route("/new", methods=["GET", "POST"], defaults={"rule_id": None})
@bp.route("/<int:rule_id>", methods=["GET", "POST"])
@admin_required
def edit(rule_id: int | None) -> Any:
    """The builder: conditions and actions in rows, no code."""
    rule = (db.session.get(Rule, rule_id) or abort(404)) if rule_id else None
    posted = request.method == "POST"
    form = _form(rule, request.form if posted else None)
    condition_rows = (
        rows(request.form, "conditions", CONDITION_KEYS) if posted else list(rule.conditions if rule else [])
    )
    action_rows = rows(request.form, "actions", ACTION_KEYS) if posted else list(rule.actions if rule else [])
    row_errors: dict[str, str] = {}
    if posted and form.validate():
        try:
            service.save_rule(
                rule,
                name=form.name.data,
                description=form.description.data,
                kind=form.kind.data,
                runs_on=form.runs_on.data,
                group_id=int(form.group_id.data) if form.group_id.data else None,
                match=form.match.data,
                active=form.active.data,
                condition_rows=condition_rows,
                action_rows=action_rows,
            )
        except ValidationFailed as failed:
            db.session.rollback()
            row_errors = _split_errors(form, failed)
        else:
            db.session.commit()
            flash(_("Rule saved."), "success")
            return redirect(url_for("rules.index"))
    page = {"form": form, "rule": rule, "spec": _spec(), "condition_rows": condition_rows,
            "action_rows": action_rows, "row_errors": row_errors}  # fmt: skip
    return render_template("rules/form.html", **page), 422 if posted else 200


def _split_errors(form: RuleForm, failed: ValidationFailed) -> dict[str, str]:
    """Errors on the form's own fields go on them; those of builder rows (conditions-0-value …) are returned."""
    rows_errors: dict[str, str] = {}
    for name, reason in failed.errors:
        field = form._fields.get(name or "")
        if field is not None:
            field.errors = [*field.errors, reason]  # type: ignore[list-item]
        else:
            rows_errors.setdefault(name or "", reason)
    return rows_errors


@bp.post("/<int:rule_id>/move")
@admin_required
def move(rule_id: int) -> Any:
    """Move a rule up or down the order."""
    rule = db.session.get(Rule, rule_id) or abort(404)
    service.move_rule(rule, -1 if request.form.get("direction") == "up" else 1)
    db.session.commit()
    return redirect(url_for("rules.index", group=request.form.get("group") or None))


@bp.post("/<int:rule_id>/toggle")
@admin_required
def toggle(rule_id: int) -> Any:
    """Switch a rule on or off."""
    rule = db.session.get(Rule, rule_id) or abort(404)
    service.set_active(rule, not rule.active)
    db.session.commit()
    flash(_("Rule switched on.") if rule.active else _("Rule switched off."), "info")
    return redirect(url_for("rules.index", group=request.form.get("group") or None))


@bp.post("/<int:rule_id>/delete")
@admin_required
def delete(rule_id: int) -> Any:
    """Delete a rule."""
    rule = db.session.get(Rule, rule_id) or abort(404)
    service.delete_rule(rule)
    db.session.commit()
    flash(_("Rule deleted."), "info")
    return redirect(url_for("rules.index"))

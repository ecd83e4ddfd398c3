"""Admin: users (roles, activation, groups) and groups (members)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.accounts import service as accounts
from portal.accounts.models import Group, User
from portal.admin.forms import GroupForm, UserForm
from portal.core import ui
from portal.core.auth import admin_required, is_admin
from portal.core.errors import ValidationFailed
from portal.core.forms import choices
from portal.core.outbox import OutboxEvent, retry_now
from portal.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")
ui.nav_item("desk", _l("Admin"), "admin.users", icon="gear", order=90, visible=is_admin)
ui.nav_item("admin", _l("Users"), "admin.users", icon="person", order=10)
ui.nav_item("admin", _l("Groups"), "admin.groups", icon="people", order=20)
ui.nav_item("admin", _l("Delivery problems"), "admin.outbox", icon="exclamation-triangle", order=90)

PAGE = 50


@bp.get("/users")
@admin_required
def users() -> Any:
    """Everyone with an account, staff first; filter by role or search."""
    role = request.args.get("role")
    q = (request.args.get("q") or "").strip().casefold()
    stmt = sa.select(User)
    if role in ("customer", "agent", "admin"):
        stmt = stmt.where(User.role == role)
    if q:
        stmt = stmt.where(sa.or_(User.email.like(f"%{q}%"), sa.func.lower(User.name).like(f"%{q}%")))
    rows = db.session.scalars(
        stmt.order_by(sa.case((User.role == "customer", 1), else_=0), User.name).limit(PAGE)
    ).all()
    return render_template("admin/users.html", users=rows, role=role, q=q)


def _user_form(user: User | None, formdata: Any = None) -> UserForm:
    form = UserForm(formdata=formdata, obj=user)
    form.groups.choices = choices(
        (g.id, g.name) for g in db.session.scalars(sa.select(Group).order_by(Group.name))
    )
    if user is not None and formdata is None:
        form.groups.data = [g.id for g in user.groups]
        form.locale.data = user.locale or ""
    return form


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user() -> Any:
    """Create an account (agents and admins are usually created here)."""
    form = _user_form(None, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            user = accounts.create_user(
                form.email.data,
                form.name.data,
                password=form.password.data or None,
                role=form.role.data,
                locale=form.locale.data or None,
                actor=current_user,
            )
            user.groups = list(
                db.session.scalars(sa.select(Group).where(Group.id.in_(form.groups.data or [])))
            )
        except ValidationFailed as failed:
            db.session.rollback()
            form.apply(failed)
        else:
            db.session.commit()
            flash(_("Account created."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int) -> Any:
    """Role, activation, language and groups of an account."""
    user = db.session.get(User, user_id) or abort(404)
    form = _user_form(user, request.form if request.method == "POST" else None)
    form.email.data = user.email
    if request.method == "POST" and form.validate():
        try:
            accounts.set_role(user, form.role.data, actor=current_user)
            user.name, user.locale, user.active = form.name.data, form.locale.data or None, form.active.data
            if user.id == current_user.id and not user.active:
                raise ValidationFailed([("active", _("You cannot deactivate yourself."))])
            if form.password.data:
                accounts.set_password(user, form.password.data)
            if user.is_staff:
                user.groups = list(
                    db.session.scalars(sa.select(Group).where(Group.id.in_(form.groups.data or [])))
                )
        except ValidationFailed as failed:
            db.session.rollback()
            form.apply(failed)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.get("/groups")
@admin_required
def groups() -> Any:
    """Teams of agents."""
    rows = db.session.scalars(sa.select(Group).order_by(Group.name)).all()
    return render_template("admin/groups.html", groups=rows)


def _group_form(group: Group | None, formdata: Any = None) -> GroupForm:
    form = GroupForm(formdata=formdata, obj=group)
    staff = db.session.scalars(
        sa.select(User).where(User.role.in_(("agent", "admin"))).order_by(User.name)
    ).all()
    form.members.choices = choices((u.id, f"{u.name} <{u.email}>") for u in staff)
    if group is not None and formdata is None:
        form.members.data = [u.id for u in group.members]
    return form


@bp.route("/groups/new", methods=["GET", "POST"], defaults={"group_id": None})
@bp.route("/groups/<int:group_id>", methods=["GET", "POST"])
@admin_required
def edit_group(group_id: int | None) -> Any:
    """Create or edit a group and its members."""
    group = (db.session.get(Group, group_id) or abort(404)) if group_id else None
    form = _group_form(group, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            accounts.save_group(
                group,
                name=form.name.data,
                description=form.description.data,
                member_ids=form.members.data or [],
            )
        except ValidationFailed as failed:
            db.session.rollback()
            form.apply(failed)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("admin.groups"))
    return render_template("admin/group_form.html", form=form, group=group)


@bp.get("/outbox")
@admin_required
def outbox() -> Any:
    """Side effects (mail, webhooks) that failed or are being retried, with their errors."""
    rows = db.session.scalars(
        sa.select(OutboxEvent)
        .where(OutboxEvent.state.in_(("failed", "pending", "running")), OutboxEvent.attempts > 0)
        .order_by(OutboxEvent.id.desc())
        .limit(200)
    ).all()
    return render_template("admin/outbox.html", events=rows)


@bp.post("/outbox/<int:event_id>/retry")
@admin_required
def retry(event_id: int) -> Any:
    """Try a failed side effect again now."""
    event = db.session.get(OutboxEvent, event_id) or abort(404)
    retry_now(db.session, event)
    db.session.commit()
    flash(_("Retrying."), "info")
    return redirect(url_for("admin.outbox"))

"""Admin pages for SLA policies and business calendars; the queue's time-left badge, sort and ticket panel."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.accounts.models import Group
from portal.core import ui
from portal.core.auth import admin_required
from portal.core.errors import ValidationFailed
from portal.core.forms import choices
from portal.extensions import db
from portal.sla import badge, demo, hooks, measures, service, tasks  # noqa: F401 - receivers, measures, jobs, demo
from portal.sla.calendar import format_hours, korean_holidays
from portal.sla.forms import TIER_LABELS, CalendarForm, DayForm, PolicyForm
from portal.sla.models import Calendar, SlaPolicy
from portal.tickets import queries
from portal.tickets.forms import CHANNEL_LABELS, PRIORITY_LABELS
from portal.tickets.models import PRIORITIES, Ticket

bp = Blueprint("sla", __name__, url_prefix="/admin")
ui.nav_item("admin", _l("SLA policies"), "sla.policies", icon="stopwatch", order=30)
ui.nav_item("admin", _l("Business hours"), "sla.calendars", icon="calendar-week", order=35)
ui.slot("desk.queue.row", "sla/_queue_badge.html")
ui.slot("desk.ticket.properties", "sla/_ticket_sla.html")
queries.register_sort("due", Ticket.due_at, "asc", _l("Time left"))
bp.add_app_template_global(badge.sla_badge, "sla_badge")
bp.add_app_template_global(badge.ticket_clocks, "sla_clocks")


@bp.context_processor
def labels() -> dict[str, Any]:
    return {"PRIORITY_LABELS": PRIORITY_LABELS, "TIER_LABELS": TIER_LABELS, "CHANNEL_LABELS": CHANNEL_LABELS}


@bp.get("/sla")
@admin_required
def policies() -> Any:
    """Policies in the order they are tried; the first that matches a ticket sets its targets."""
    rows = db.session.scalars(sa.select(SlaPolicy).order_by(SlaPolicy.position, SlaPolicy.id)).all()
    return render_template("sla/policies.html", policies=rows, format_duration=service.format_duration)


def _policy_form(policy: SlaPolicy | None, formdata: Any = None) -> PolicyForm:
    form = PolicyForm(formdata=formdata, obj=policy)
    groups = db.session.scalars(sa.select(Group).order_by(Group.name)).all()
    form.group_id.choices = choices([("", _("Any group"))] + [(str(g.id), g.name) for g in groups])
    if formdata is None and policy is not None:
        form.group_id.data = str(policy.group_id or "")
        for target in policy.targets:
            getattr(form, f"first_{target.priority}").data = service.format_duration(
                target.first_response_minutes
            )
            getattr(form, f"resolution_{target.priority}").data = service.format_duration(
                target.resolution_minutes
            )
    return form


@bp.route("/sla/policies/new", methods=["GET", "POST"], defaults={"policy_id": None})
@bp.route("/sla/policies/<int:policy_id>", methods=["GET", "POST"])
@admin_required
def edit_policy(policy_id: int | None) -> Any:
    """Create or change a policy: who it applies to and its targets per priority."""
    policy = (db.session.get(SlaPolicy, policy_id) or abort(404)) if policy_id else None
    form = _policy_form(policy, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        targets = {
            p: (getattr(form, f"first_{p}").data, getattr(form, f"resolution_{p}").data) for p in PRIORITIES
        }
        try:
            service.save_policy(
                policy,
                name=form.name.data,
                description=form.description.data,
                group_id=int(form.group_id.data) if form.group_id.data else None,
                tiers=form.tiers.data or [],
                channels=form.channels.data or [],
                business_hours=form.business_hours.data,
                warn_minutes=_minutes(form.warn_minutes.data),
                active=form.active.data,
                targets=targets,
            )
        except ValidationFailed as failed:
            db.session.rollback()
            form.apply(failed)
        else:
            db.session.commit()
            flash(_("SLA policy saved. Open tickets are being re-timed."), "success")
            return redirect(url_for("sla.policies"))
    status = 422 if request.method == "POST" else 200
    return render_template("sla/policy_form.html", form=form, policy=policy, priorities=PRIORITIES), status


def _minutes(raw: str | None) -> int | None:
    text = (raw or "").strip()
    return int(text) if text.lstrip("-").isdigit() else None


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


@bp.post("/sla/policies/<int:policy_id>/move")
@admin_required
def move_policy(policy_id: int) -> Any:
    """Move a policy up or down the order."""
    policy = db.session.get(SlaPolicy, policy_id) or abort(404)
    service.move_policy(policy, -1 if request.form.get("direction") == "up" else 1)
    db.session.commit()
    return redirect(url_for("sla.policies"))


@bp.post("/sla/policies/<int:policy_id>/delete")
@admin_required
def delete_policy(policy_id: int) -> Any:
    """Delete a policy."""
    policy = db.session.get(SlaPolicy, policy_id) or abort(404)
    service.delete_policy(policy)
    db.session.commit()
    flash(_("SLA policy deleted."), "info")
    return redirect(url_for("sla.policies"))


@bp.get("/business-hours")
@admin_required
def calendars() -> Any:
    """Business calendars and the groups that work by each."""
    rows = db.session.scalars(sa.select(Calendar).order_by(Calendar.is_default.desc(), Calendar.name)).all()
    return render_template("sla/calendars.html", calendars=rows, format_hours=format_hours)


def _calendar_form(calendar: Calendar | None, formdata: Any = None) -> CalendarForm:
    form = CalendarForm(formdata=formdata, obj=calendar)
    groups = db.session.scalars(sa.select(Group).order_by(Group.name)).all()
    form.groups.choices = choices((g.id, g.name) for g in groups)
    if formdata is None:
        hours = calendar.hours if calendar else [[[540, 1080]]] * 5 + [[], []]
        for day in range(7):
            getattr(form, f"hours_{day}").data = format_hours(hours[day] if day < len(hours) else [])
        if calendar is not None:
            form.groups.data = [g.id for g in calendar.groups]
    return form


@bp.route("/business-hours/new", methods=["GET", "POST"], defaults={"calendar_id": None})
@bp.route("/business-hours/<int:calendar_id>", methods=["GET", "POST"])
@admin_required
def edit_calendar(calendar_id: int | None) -> Any:
    """Weekly hours, time zone, holidays and the groups that use a calendar."""
    calendar = (db.session.get(Calendar, calendar_id) or abort(404)) if calendar_id else None
    form = _calendar_form(calendar, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            saved = service.save_calendar(
                calendar,
                name=form.name.data,
                timezone=form.timezone.data.strip(),
                hours=[getattr(form, f"hours_{d}").data or "" for d in range(7)],
                korean_holidays=form.korean_holidays.data,
                is_default=form.is_default.data,
                group_ids=form.groups.data or [],
            )
        except ValidationFailed as failed:
            db.session.rollback()
            form.apply(failed)
        else:
            db.session.commit()
            flash(_("Calendar saved. Open tickets are being re-timed."), "success")
            return redirect(url_for("sla.edit_calendar", calendar_id=saved.id))
    status = 422 if request.method == "POST" else 200
    return render_template("sla/calendar_form.html", **_calendar_page(calendar, form)), status


def _calendar_page(
    calendar: Calendar | None, form: CalendarForm, day_form: DayForm | None = None
) -> dict[str, Any]:
    today = date.today()
    public = []
    for y in (today.year, today.year + 1):
        public += sorted(korean_holidays(y).items())
    horizon = today.replace(year=today.year + 1)
    overrides = {d.day: d for d in calendar.days} if calendar else {}
    return {
        "calendar": calendar,
        "form": form,
        "day_form": day_form or DayForm(),
        "weekdays": service.WEEKDAY_LABELS,
        "public_holidays": [(d, n, overrides.get(d)) for d, n in public if today <= d < horizon],
        "own_days": [d for d in (calendar.days if calendar else []) if d.kind == "closed" or d.day not in dict(public)],
        "timezones": ("Asia/Seoul", "Asia/Tokyo", "Asia/Shanghai", "Asia/Singapore", "UTC", "Europe/London",
                      "Europe/Berlin", "America/New_York", "America/Los_Angeles"),
    }  # fmt: skip


@bp.post("/business-hours/<int:calendar_id>/days")
@admin_required
def add_day(calendar_id: int) -> Any:
    """Add a day off, or work on a public holiday."""
    calendar = db.session.get(Calendar, calendar_id) or abort(404)
    day_form = DayForm()
    if day_form.validate():
        try:
            service.set_day(calendar, _date(day_form.day.data), day_form.kind.data, day_form.name.data)
        except ValidationFailed as failed:
            db.session.rollback()
            day_form.apply(failed)
        else:
            db.session.commit()
            flash(_("Day saved."), "success")
            return redirect(url_for("sla.edit_calendar", calendar_id=calendar.id) + "#days")
    page = _calendar_page(calendar, _calendar_form(calendar), day_form)
    return render_template("sla/calendar_form.html", **page), 422


@bp.post("/business-hours/<int:calendar_id>/days/<day>/clear")
@admin_required
def clear_day(calendar_id: int, day: str) -> Any:
    """Undo a day's override."""
    calendar = db.session.get(Calendar, calendar_id) or abort(404)
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        abort(404)
    service.clear_day(calendar, parsed)
    db.session.commit()
    flash(_("Day restored to the usual hours."), "info")
    return redirect(url_for("sla.edit_calendar", calendar_id=calendar.id) + "#days")

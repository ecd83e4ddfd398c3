"""The reports page for leads and admins, its CSV export, and the admin's choice of who sees reports."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from portal.accounts.models import Group, User
from portal.core import ui
from portal.core.auth import admin_required
from portal.core.errors import ValidationFailed
from portal.core.forms import choices
from portal.extensions import db
from portal.feedback.forms import KIND_LABELS, TOUCHPOINT_LABELS
from portal.reports import demo, export, formatting, policy, receivers, tasks  # noqa: F401 - they register
from portal.reports.forms import AccessForm
from portal.reports.models import ReportSettings, ReportViewer
from portal.reports.period import Period, parse_period
from portal.reports.report import build
from portal.tickets.forms import CHANNEL_LABELS

bp = Blueprint("reports", __name__)
formatting.register(bp)
ui.nav_item(
    "desk", _l("Reports"), "reports.page", icon="bar-chart-line", order=40, visible=policy.can_view_reports
)
ui.nav_item("admin", _l("Reports access"), "reports.access", icon="bar-chart-line", order=45)

MEASURE_LABELS = {
    "sla_attainment": _l("SLA attainment"),
    "sla_breaches": _l("SLA breaches"),
    "deflection_rate": _l("Deflection rate"),
    "auto_resolution_rate": _l("Auto-resolution rate"),
}


def _allowed() -> None:
    if not policy.can_view_reports(current_user):
        abort(404)


def _groups() -> list[Group]:
    return list(db.session.scalars(sa.select(Group).order_by(Group.name)))


@bp.get("/desk/reports")
@login_required
def page() -> Any:
    """Figures, charts and tables for a period and group; bad dates are said next to their field."""
    _allowed()
    errors: dict[str, list[str]] = {}
    report = None
    try:
        period = parse_period(request.args)
        report = build(period)
    except ValidationFailed as failed:
        errors = failed.by_field()
        period = None
    return render_template(
        "reports/page.html",
        report=report,
        period=period,
        errors=errors,
        groups=_groups(),
        args=request.args,
        CHANNEL_LABELS=CHANNEL_LABELS,
        KIND_LABELS=KIND_LABELS,
        TOUCHPOINT_LABELS=TOUCHPOINT_LABELS,
        MEASURE_LABELS=MEASURE_LABELS,
    ), (422 if errors else 200)


@bp.get("/desk/reports/export/<table>.csv")
@login_required
def export_csv(table: str) -> Any:
    """One table of the report as CSV (UTF-8 with a byte order mark, so that spreadsheets read Korean)."""
    _allowed()
    if table not in export.TABLES:
        abort(404)
    try:
        period: Period = parse_period(request.args)
    except ValidationFailed:
        abort(400)
    body = export.render(table, build(period))
    name = f"hana-{table}-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@bp.route("/admin/reports", methods=["GET", "POST"])
@admin_required
def access() -> Any:
    """Who sees reports besides admins: every agent, or only the leads chosen here."""
    agents = list(db.session.scalars(sa.select(User).where(User.role == "agent").order_by(User.name)))
    current = {v.user_id for v in db.session.scalars(sa.select(ReportViewer))}
    form = AccessForm(
        agents=policy.agents_mode() if request.method == "GET" else None,
        leads=[str(i) for i in current] if request.method == "GET" else None,
    )
    form.leads.choices = choices((str(a.id), f"{a.name} <{a.email}>") for a in agents)
    if form.validate_on_submit():
        row = db.session.get(ReportSettings, 1) or ReportSettings(id=1)
        row.agents = form.agents.data
        db.session.add(row)
        wanted = {int(i) for i in form.leads.data or []}
        db.session.execute(sa.delete(ReportViewer).where(ReportViewer.user_id.not_in(wanted)))
        db.session.add_all(ReportViewer(user_id=i) for i in wanted - current)
        db.session.commit()
        flash(_("Reports access saved."), "success")
        return redirect(url_for("reports.access"))
    return render_template("reports/access.html", form=form), (422 if form.errors else 200)

"""Who sees reports: admins always; agents when reports are open to every agent, or when they are leads."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context

from portal.core.auth import is_admin, is_staff
from portal.extensions import db
from portal.reports.models import ReportSettings, ReportViewer


def agents_mode() -> str:
    """ "all" (every agent sees reports, the default) or "leads" (only agents listed as leads)."""
    row = db.session.get(ReportSettings, 1)
    return row.agents if row is not None else "all"


def _decide(user: Any) -> bool:
    if is_admin(user):
        return True
    if not is_staff(user):
        return False
    return agents_mode() == "all" or db.session.get(ReportViewer, user.id) is not None


def can_view_reports(user: Any) -> bool:
    """Whether this person may see the reports page, its export and the summary API (once per request)."""
    if not has_request_context():
        return _decide(user)
    cache = g.setdefault("_report_access", {})
    key = getattr(user, "id", None)
    if key not in cache:
        cache[key] = _decide(user)
    return cache[key]


def can_configure_reports(user: Any) -> bool:
    """Admins choose who sees reports."""
    return is_admin(user)

"""JSON API v1: the report summary of a period (see ../shared/CONTRACT.md)."""

from __future__ import annotations

from typing import Any

from flask import current_app, request

from portal.core.api import api_blueprint, require_user
from portal.core.errors import Forbidden
from portal.extensions import limiter
from portal.reports import figures, policy
from portal.reports.api_spec import document_reports_api
from portal.reports.period import parse_period

bp = api_blueprint("reports_api", __name__)
document_reports_api()


@bp.get("/reports/summary")
@limiter.limit(lambda: current_app.config["RATELIMIT_API"])
def summary() -> Any:
    """Headline figures of the company days `from` … `to` (default: the last 30 days), optionally one `group`."""
    user = require_user()
    if not policy.can_view_reports(user):
        raise Forbidden("Reports are for team leads and admins.")
    return figures.summary(parse_period(request.args))

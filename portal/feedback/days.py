"""Days in the company's time zone: reports count per local day, and answers are dated the same way."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app


def company_tz() -> ZoneInfo:
    """The company's time zone (BABEL_DEFAULT_TIMEZONE, Asia/Seoul by default)."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def company_day(at: datetime) -> date:
    """The company's calendar day of a stored (UTC) time."""
    return at.astimezone(company_tz()).date()


def day_start(day: date) -> datetime:
    """Midnight at the start of `day` in the company's time zone, as UTC."""
    return datetime.combine(day, time(0), tzinfo=company_tz()).astimezone(UTC)


def day_range(first: date, last: date) -> tuple[datetime, datetime]:
    """[start, end) in UTC covering the company days first … last."""
    return day_start(first), day_start(last + timedelta(days=1))


def today() -> date:
    """Today in the company's time zone."""
    return datetime.now(company_tz()).date()

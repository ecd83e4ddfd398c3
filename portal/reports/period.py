"""The period and group a report covers, read from `from`, `to` and `group` (company days, both ends included)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.core.errors import ValidationFailed
from portal.feedback.days import day_range, today

MAX_DAYS = 3 * 366
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Period:
    """Company days first … last (both included), optionally one group."""

    first: date
    last: date
    group_id: int | None = None

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) in UTC."""
        return day_range(self.first, self.last)

    @property
    def granularity(self) -> str:
        """Chart buckets: days up to two months, weeks up to a year, months beyond."""
        if self.days <= 62:
            return "day"
        return "week" if self.days <= 370 else "month"

    def bucket_of(self, day: date) -> date:
        """The first day of the bucket holding `day` (never before the period's first day)."""
        if self.granularity == "day":
            return day
        start = day - timedelta(days=day.weekday()) if self.granularity == "week" else day.replace(day=1)
        return max(start, self.first)

    def buckets(self) -> list[date]:
        """The first day of every bucket, in order."""
        seen: list[date] = []
        day = self.first
        while day <= self.last:
            bucket = self.bucket_of(day)
            if not seen or seen[-1] != bucket:
                seen.append(bucket)
            day += timedelta(days=1)
        return seen

    def bucket_ends(self) -> list[date]:
        """The last day of every bucket (within the period), in order."""
        starts = self.buckets()
        return [b - timedelta(days=1) for b in starts[1:]] + [self.last]


def _date(value: str | None, name: str, errors: list[tuple[str, Any]]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        errors.append((name, _l("Enter a date as YYYY-MM-DD.")))
        return None


def parse_period(args: Any, *, default_days: int = DEFAULT_DAYS) -> Period:
    """The period of `from`, `to` (YYYY-MM-DD) and `group` (an id); without `from`, the `days` (default 30)
    up to `to` (default today)."""
    errors: list[tuple[str, Any]] = []
    days = args.get("days") or ""
    if days.isdigit() and 1 <= int(days) <= MAX_DAYS:
        default_days = int(days)
    last = _date(args.get("to"), "to", errors) or today()
    first = _date(args.get("from"), "from", errors) or last - timedelta(days=default_days - 1)
    group_raw = (args.get("group") or "").strip()
    group_id = None
    if group_raw:
        if group_raw.isdigit():
            group_id = int(group_raw)
        else:
            errors.append(("group", _l("Choose a group from the list.")))
    if not errors and first > last:
        errors.append(("from", _l("The start must be on or before the end.")))
    if not errors and (last - first).days + 1 > MAX_DAYS:
        errors.append(("to", _l("Choose at most %(n)d days.", n=MAX_DAYS)))
    if errors:
        raise ValidationFailed(errors)
    return Period(first, last, group_id)

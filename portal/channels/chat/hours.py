"""Business hours for chat: "mon-fri 09:00-18:00, sat 10:00-14:00" in the company's time zone; "" = always open."""

from __future__ import annotations

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PART = re.compile(
    r"^\s*(?P<first>[a-z]{3})(?:\s*-\s*(?P<last>[a-z]{3}))?\s+"
    r"(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})\s*$"
)

Hours = dict[int, list[tuple[time, time]]]


class BadHours(ValueError):
    """The text does not describe business hours."""


def _clock(value: str) -> time:
    hours, minutes = (int(p) for p in value.split(":"))
    if hours == 24 and minutes == 0:
        return time.max
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise BadHours(value)
    return time(hours, minutes)


def parse(spec: str) -> Hours:
    """{weekday: [(start, end)]} from the text; raises BadHours naming the part it could not read."""
    result: Hours = {}
    for part in re.split(r"[,;\n]", (spec or "").casefold()):
        if not part.strip():
            continue
        match = _PART.match(part)
        if not match or match["first"] not in DAYS or (match["last"] and match["last"] not in DAYS):
            raise BadHours(part.strip())
        first = DAYS.index(match["first"])
        last = DAYS.index(match["last"]) if match["last"] else first
        start, end = _clock(match["start"]), _clock(match["end"])
        if end <= start or last < first:
            raise BadHours(part.strip())
        for day in range(first, last + 1):
            result.setdefault(day, []).append((start, end))
    return result


def is_open(
    spec: str, zone: str, now: datetime, *, closed_on_holidays: bool = False, country: str = "KR"
) -> bool:
    """Whether `now` falls inside the hours (an empty spec is always open)."""
    if not (spec or "").strip():
        return True
    local = now.astimezone(ZoneInfo(zone))
    if closed_on_holidays and _holiday(local, country):
        return False
    clock = local.time().replace(tzinfo=None)
    return any(start <= clock < end for start, end in parse(spec).get(local.weekday(), []))


def _holiday(local: datetime, country: str) -> bool:
    import holidays

    return local.date() in holidays.country_holidays(country, years=local.year)

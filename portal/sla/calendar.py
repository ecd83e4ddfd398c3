"""Business time: weekly hours in a time zone, minus public holidays and days off, plus exceptional work days.

Pure functions over a `BusinessCalendar` value, so that the SLA clock can be tested (and property-tested)
without a database. Times in and out are timezone-aware; computation happens on UTC instants.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

DAY_MINUTES = 24 * 60
MAX_DAYS = 3 * 366  # a calendar with no working time in three years is refused rather than looped over
WEEKDAYS = 7

Interval = tuple[int, int]  # minutes since local midnight, [start, end)


@functools.lru_cache(maxsize=64)
def korean_holidays(year: int) -> dict[date, str]:
    """Korean public holidays of a year (substitute and temporary holidays included), Korean names."""
    return dict(holidays.country_holidays("KR", years=year, language="ko"))


@dataclass(frozen=True)
class BusinessCalendar:
    """Working hours per weekday (0 = Monday) in a time zone, with public holidays and overrides."""

    timezone: str = "Asia/Seoul"
    hours: tuple[tuple[Interval, ...], ...] = ((),) * WEEKDAYS
    korean_holidays: bool = True
    closed_days: frozenset[date] = field(default_factory=frozenset)  # extra days off
    open_days: frozenset[date] = field(default_factory=frozenset)  # public holidays worked anyway

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_holiday(self, day: date) -> bool:
        """Whether nobody works on this local date although the weekday has hours."""
        if day in self.open_days:
            return False
        if day in self.closed_days:
            return True
        return self.korean_holidays and day in korean_holidays(day.year)

    def windows(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working windows (UTC) that end after `start`, in order; at most MAX_DAYS ahead."""
        zone = self.zone
        day = start.astimezone(zone).date() - timedelta(days=1)
        for _ in range(MAX_DAYS):
            day += timedelta(days=1)
            if not self.hours[day.weekday()] or self.is_holiday(day):
                continue
            midnight = datetime.combine(day, time(0), tzinfo=zone)
            for begin, end in self.hours[day.weekday()]:
                lo = _local(midnight, begin, zone)
                hi = _local(midnight, end, zone)
                if hi > start and hi > lo:
                    yield lo, hi
        return


def _local(midnight: datetime, minutes: int, zone: ZoneInfo) -> datetime:
    """Local wall time `minutes` after midnight as a UTC instant (24:00 is the next midnight)."""
    if minutes >= DAY_MINUTES:
        nxt = datetime.combine(midnight.date() + timedelta(days=1), time(0), tzinfo=zone)
        return nxt.astimezone(UTC)
    wall = midnight.replace(hour=minutes // 60, minute=minutes % 60)
    return wall.astimezone(UTC)


def business_seconds(calendar: BusinessCalendar | None, start: datetime, end: datetime) -> float:
    """Working seconds between two instants (calendar time when `calendar` is None)."""
    if end <= start:
        return 0.0
    if calendar is None:
        return (end - start).total_seconds()
    total = 0.0
    for lo, hi in calendar.windows(start):
        if lo >= end:
            break
        total += (min(hi, end) - max(lo, start)).total_seconds()
    return total


def add_business_seconds(calendar: BusinessCalendar | None, start: datetime, seconds: float) -> datetime:
    """The instant when `seconds` of working time have passed since `start`."""
    if calendar is None:
        return start + timedelta(seconds=seconds)
    if seconds <= 0:
        return start
    remaining = seconds
    for lo, hi in calendar.windows(start):
        begin = max(lo, start)
        available = (hi - begin).total_seconds()
        if available >= remaining:
            return begin + timedelta(seconds=remaining)
        remaining -= available
    raise ValueError("the calendar has no working time in the coming three years")


_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–~]\s*(\d{1,2}):(\d{2})\s*$")


def parse_hours(text: str) -> tuple[Interval, ...]:
    """'09:00-12:00, 13:00-18:00' → ((540, 720), (780, 1080)); blank is a closed day; ValueError if unclear."""
    intervals: list[Interval] = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;]", text or ""))):
        match = _RANGE.match(part)
        if not match:
            raise ValueError(part)
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        begin, end = h1 * 60 + m1, h2 * 60 + m2
        if m1 > 59 or m2 > 59 or begin >= DAY_MINUTES or end > DAY_MINUTES or end <= begin:
            raise ValueError(part)
        intervals.append((begin, end))
    intervals.sort()
    for (_, end), (begin, _) in zip(intervals, intervals[1:], strict=False):
        if begin < end:
            raise ValueError(text)
    return tuple(intervals)


def format_hours(intervals: tuple[Interval, ...] | list[list[int]]) -> str:
    """The inverse of parse_hours."""
    return ", ".join(f"{b // 60:02d}:{b % 60:02d}-{e // 60:02d}:{e % 60:02d}" for b, e in intervals)

"""Business time: counted only in working hours, never on Korean public holidays or days off, checked against a
minute-by-minute count on random calendars (hypothesis)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.sla.calendar import (
    BusinessCalendar,
    add_business_seconds,
    business_seconds,
    format_hours,
    parse_hours,
)

SEOUL = ZoneInfo("Asia/Seoul")
WEEKDAYS = BusinessCalendar(hours=(((540, 1080),),) * 5 + ((), ()))


def kst(*args: int) -> datetime:
    return datetime(*args, tzinfo=SEOUL)


def test_only_working_hours_count_within_a_day():
    assert business_seconds(WEEKDAYS, kst(2025, 9, 1, 8), kst(2025, 9, 1, 10)) == 3600  # Monday 9-10
    assert (
        business_seconds(WEEKDAYS, kst(2025, 9, 1, 17), kst(2025, 9, 2, 10)) == 2 * 3600
    )  # overnight skipped


def test_a_weekend_counts_nothing_and_friday_evening_rolls_to_monday():
    assert business_seconds(WEEKDAYS, kst(2025, 9, 6, 0), kst(2025, 9, 8, 0)) == 0
    due = add_business_seconds(WEEKDAYS, kst(2025, 9, 5, 17), 4 * 3600)  # Friday 17:00 + 4 business hours
    assert due == kst(2025, 9, 8, 12)  # Monday 12:00


def test_korean_public_holidays_are_days_off_chuseok_2025():
    # 2025-10-03 (Fri) 개천절, 10-06..08 추석 and its substitute day, 10-09 한글날: next working day is Friday 10-10.
    assert business_seconds(WEEKDAYS, kst(2025, 10, 6, 0), kst(2025, 10, 7, 0)) == 0
    due = add_business_seconds(WEEKDAYS, kst(2025, 10, 2, 17), 2 * 3600)
    assert due == kst(2025, 10, 10, 10)


def test_an_admin_can_work_a_public_holiday_or_take_a_day_off():
    worked = BusinessCalendar(hours=WEEKDAYS.hours, open_days=frozenset({date(2025, 10, 6)}))
    assert business_seconds(worked, kst(2025, 10, 6, 0), kst(2025, 10, 7, 0)) == 9 * 3600
    off = BusinessCalendar(hours=WEEKDAYS.hours, closed_days=frozenset({date(2025, 9, 1)}))
    assert business_seconds(off, kst(2025, 9, 1, 0), kst(2025, 9, 2, 0)) == 0
    without = BusinessCalendar(hours=WEEKDAYS.hours, korean_holidays=False)
    assert business_seconds(without, kst(2025, 10, 6, 0), kst(2025, 10, 7, 0)) == 9 * 3600


def test_around_the_clock_is_plain_time():
    start = kst(2025, 10, 6, 23)
    assert add_business_seconds(None, start, 7200) == start + timedelta(hours=2)
    assert business_seconds(None, start, start + timedelta(hours=5)) == 5 * 3600


def test_a_lunch_break_is_not_counted():
    lunch = BusinessCalendar(hours=(((540, 720), (780, 1080)),) * 5 + ((), ()))
    assert business_seconds(lunch, kst(2025, 9, 1, 11), kst(2025, 9, 1, 14)) == 2 * 3600
    assert add_business_seconds(lunch, kst(2025, 9, 1, 11, 30), 3600) == kst(2025, 9, 1, 13, 30)


def test_a_calendar_with_no_working_time_is_refused_rather_than_looping():
    closed = BusinessCalendar(hours=((),) * 7)
    with pytest.raises(ValueError):
        add_business_seconds(closed, kst(2025, 1, 1), 60)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00-18:00", ((540, 1080),)),
        ("13:00-18:00, 09:00-12:00", ((540, 720), (780, 1080))),
        ("", ()),
        ("00:00-24:00", ((0, 1440),)),
        ("9:30 ~ 17:45", ((570, 1065),)),
    ],
)
def test_hours_are_read_as_admins_write_them(text, expected):
    assert parse_hours(text) == expected
    assert parse_hours(format_hours(expected)) == expected


@pytest.mark.parametrize(
    "text", ["9-18", "18:00-09:00", "09:00-12:00, 11:00-13:00", "25:00-26:00", "09:70-10:00"]
)
def test_unclear_hours_are_refused(text):
    with pytest.raises(ValueError):
        parse_hours(text)


# ------------------------------------------------------------------ properties against a minute-by-minute count

ZONES = ("Asia/Seoul", "America/New_York", "UTC")


@st.composite
def calendars(draw) -> BusinessCalendar:
    marks = list(range(0, 1441, 60))
    hours = []
    for _ in range(7):
        picked = sorted(draw(st.sets(st.sampled_from(marks), max_size=4)))
        pairs = [(picked[i], picked[i + 1]) for i in range(0, len(picked) - 1, 2)]
        hours.append(tuple(pairs))
    if not any(hours):
        hours[0] = ((540, 1080),)
    days = st.dates(min_value=date(2025, 1, 1), max_value=date(2025, 12, 31))
    return BusinessCalendar(
        timezone=draw(st.sampled_from(ZONES)),
        hours=tuple(hours),
        korean_holidays=draw(st.booleans()),
        closed_days=frozenset(draw(st.sets(days, max_size=5))),
        open_days=frozenset(draw(st.sets(days, max_size=3))),
    )


instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2025, 12, 20)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=UTC)
)


def working(calendar: BusinessCalendar, minute: datetime) -> bool:
    local = minute.astimezone(calendar.zone)
    if calendar.is_holiday(local.date()):
        return False
    of_day = local.hour * 60 + local.minute
    return any(b <= of_day < e for b, e in calendar.hours[local.weekday()])


def minutes(start: datetime, end: datetime):
    at = start
    while at < end:
        yield at
        at += timedelta(minutes=1)


@settings(max_examples=60, deadline=None)
@given(calendars(), instants, st.integers(min_value=0, max_value=6 * 24 * 60))
def test_business_seconds_match_a_minute_by_minute_count(calendar, start, span):
    end = start + timedelta(minutes=span)
    expected = sum(60 for m in minutes(start, end) if working(calendar, m))
    assert business_seconds(calendar, start, end) == expected


@settings(max_examples=60, deadline=None)
@given(calendars(), instants, st.integers(min_value=1, max_value=30 * 60))
def test_the_due_time_is_the_end_of_the_nth_working_minute(calendar, start, wanted):
    due = add_business_seconds(calendar, start, wanted * 60)
    counted, at = 0, start
    while counted < wanted:
        if working(calendar, at):
            counted += 1
        at += timedelta(minutes=1)
    assert due == at
    assert business_seconds(calendar, start, due) == wanted * 60


@settings(max_examples=80, deadline=None)
@given(calendars(), instants, st.integers(0, 5 * 24 * 60), st.integers(0, 5 * 24 * 60))
def test_business_time_adds_up_over_consecutive_spans(calendar, start, first, second):
    middle = start + timedelta(minutes=first, seconds=17)
    end = middle + timedelta(minutes=second, seconds=29)
    whole = business_seconds(calendar, start, end)
    assert whole == pytest.approx(
        business_seconds(calendar, start, middle) + business_seconds(calendar, middle, end)
    )
    assert add_business_seconds(calendar, start, whole) <= end

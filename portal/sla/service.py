"""What admins change: calendars (hours, holidays, days off), SLA policies and their order. Flushes, never commits.

Every change drops the cached set-up and queues a recomputation of the open tickets' clocks (outbox), so due
times follow the new rules without slowing down the admin's request.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any
from zoneinfo import available_timezones

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.accounts.models import Group
from portal.core import outbox
from portal.core.db import utcnow
from portal.core.errors import ValidationFailed
from portal.customers.models import TIERS
from portal.extensions import db
from portal.sla import config
from portal.sla.calendar import parse_hours
from portal.sla.models import Calendar, CalendarDay, GroupCalendar, SlaPolicy, SlaTarget
from portal.tickets.models import CHANNELS, PRIORITIES

RECOMPUTE = "sla.recompute"
MAX_TARGET_MINUTES = 60 * 24 * 365
WEEKDAY_LABELS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"),
                  _l("Saturday"), _l("Sunday"))  # fmt: skip
_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)\s*(?:h|시간))?\s*(?:(\d+)\s*(?:m|분))?$", re.I)


def changed() -> None:
    """Drop the cached set-up and recompute the open tickets' clocks after the commit."""
    config.invalidate()
    outbox.enqueue(db.session, RECOMPUTE, {"after_id": 0})


def save_calendar(
    calendar: Calendar | None,
    *,
    name: str,
    timezone: str,
    hours: list[str],
    korean_holidays: bool,
    is_default: bool,
    group_ids: Iterable[int] = (),
) -> Calendar:
    """Create or change a calendar; each hours line is 'HH:MM-HH:MM[, …]' (blank: closed that day)."""
    errors: list[tuple[str | None, Any]] = []
    name = (name or "").strip()
    if not name:
        errors.append(("name", _l("Enter a name.")))
    if timezone not in available_timezones():
        errors.append(("timezone", _l("Choose a time zone from the list.")))
    parsed: list[list[list[int]]] = []
    for index, text in enumerate(list(hours) + [""] * (7 - len(hours))):
        try:
            parsed.append([list(pair) for pair in parse_hours(text)])
        except ValueError:
            errors.append(
                (f"hours_{index}", _l("Write hours like 09:00-18:00, or 09:00-12:00, 13:00-18:00."))
            )
            parsed.append([])
    if not errors and not any(parsed):
        errors.append(("hours_0", _l("Open at least one day of the week.")))
    if errors:
        raise ValidationFailed(errors)
    if calendar is None:
        calendar = Calendar()
        db.session.add(calendar)
    calendar.name, calendar.timezone, calendar.hours = name[:100], timezone, parsed[:7]
    calendar.korean_holidays = bool(korean_holidays)
    calendar.updated_at = utcnow()
    db.session.flush()
    has_default = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Calendar)
        .where(Calendar.is_default.is_(True), Calendar.id != calendar.id)
    )
    calendar.is_default = bool(is_default) or not has_default
    if calendar.is_default:
        db.session.execute(sa.update(Calendar).where(Calendar.id != calendar.id).values(is_default=False))
    _assign_groups(calendar, list(group_ids))
    changed()
    return calendar


def _assign_groups(calendar: Calendar, group_ids: list[int]) -> None:
    db.session.execute(sa.delete(GroupCalendar).where(GroupCalendar.calendar_id == calendar.id))
    if group_ids:
        db.session.execute(sa.delete(GroupCalendar).where(GroupCalendar.group_id.in_(group_ids)))
        valid = db.session.scalars(sa.select(Group.id).where(Group.id.in_(group_ids))).all()
        db.session.add_all(GroupCalendar(group_id=g, calendar_id=calendar.id) for g in valid)
    db.session.flush()
    db.session.expire(calendar, ["groups"])


def set_day(calendar: Calendar, day: date | None, kind: str, name: str = "") -> None:
    """Mark a date closed (a day off) or open (a public holiday worked anyway)."""
    if day is None:
        raise ValidationFailed([("day", _l("Choose a date."))])
    if kind not in ("closed", "open"):
        raise ValidationFailed([("kind", _l("Choose whether the day is closed or open."))])
    row = db.session.get(CalendarDay, (calendar.id, day))
    if row is None:
        row = CalendarDay(calendar_id=calendar.id, day=day)
        db.session.add(row)
    row.kind, row.name = kind, (name or "").strip()[:100]
    calendar.updated_at = utcnow()
    db.session.flush()
    db.session.expire(calendar, ["days"])
    changed()


def clear_day(calendar: Calendar, day: date) -> None:
    """Undo a date's override: the weekly hours and public holidays apply again."""
    db.session.execute(
        sa.delete(CalendarDay).where(CalendarDay.calendar_id == calendar.id, CalendarDay.day == day)
    )
    calendar.updated_at = utcnow()
    db.session.flush()
    db.session.expire(calendar, ["days"])
    changed()


def parse_duration(text: str | None) -> int | None:
    """'4h', '30m', '1h 30m', '1.5h', '4시간 30분' or a bare number of hours → minutes; blank → None."""
    raw = (text or "").strip().replace(" ", "")
    if not raw:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", raw):
        raw += "h"
    match = _DURATION.match(raw)
    if not match or not any(match.groups()):
        raise ValueError(text)
    minutes = round(float(match.group(1) or 0) * 60) + int(match.group(2) or 0)
    if minutes <= 0 or minutes > MAX_TARGET_MINUTES:
        raise ValueError(text)
    return minutes


def format_duration(minutes: int | None) -> str:
    """Minutes as the form shows them: '4h', '30m', '1h 30m'."""
    if not minutes:
        return ""
    hours, rest = divmod(int(minutes), 60)
    return " ".join(p for p in (f"{hours}h" if hours else "", f"{rest}m" if rest else "") if p)


def _targets(
    raw: dict[str, tuple[str, str]], errors: list[tuple[str | None, Any]]
) -> dict[str, tuple[int | None, int | None]]:
    parsed: dict[str, tuple[int | None, int | None]] = {}
    for priority in PRIORITIES:
        first_raw, resolution_raw = raw.get(priority, ("", ""))
        values: list[int | None] = []
        for metric, text in (("first", first_raw), ("resolution", resolution_raw)):
            try:
                values.append(parse_duration(text))
            except ValueError:
                errors.append((f"{metric}_{priority}", _l("Write a time like 4h, 30m or 1h 30m.")))
                values.append(None)
        first, resolution = values
        if first and resolution and first > resolution:
            errors.append(
                (f"first_{priority}", _l("The first response cannot take longer than the resolution."))
            )
        parsed[priority] = (first, resolution)
    if not errors and not any(a or b for a, b in parsed.values()):
        errors.append(("first_normal", _l("Set at least one target.")))
    return parsed


def _check_policy(
    name: str, tiers: list[str], channels: list[str], group_id: int | None, warn_minutes: int | None
) -> list[tuple[str | None, Any]]:
    errors: list[tuple[str | None, Any]] = []
    if not (name or "").strip():
        errors.append(("name", _l("Enter a name.")))
    if any(t not in TIERS for t in tiers):
        errors.append(("tiers", _l("Choose tiers from the list.")))
    if any(c not in CHANNELS for c in channels):
        errors.append(("channels", _l("Choose channels from the list.")))
    if group_id is not None and db.session.get(Group, group_id) is None:
        errors.append(("group_id", _l("Choose a group from the list.")))
    if warn_minutes is None or not 0 <= warn_minutes <= 7 * 24 * 60:
        errors.append(("warn_minutes", _l("Warn between 0 and 10080 minutes before.")))
    return errors


def save_policy(
    policy: SlaPolicy | None,
    *,
    name: str,
    description: str = "",
    group_id: int | None = None,
    tiers: Iterable[str] = (),
    channels: Iterable[str] = (),
    business_hours: bool = True,
    warn_minutes: int | None = 60,
    active: bool = True,
    targets: dict[str, tuple[str, str]],
) -> SlaPolicy:
    """Create or change a policy; `targets` maps a priority to (first response, resolution) as typed."""
    tiers, channels = [t for t in tiers if t], [c for c in channels if c]
    errors = _check_policy(name, tiers, channels, group_id, warn_minutes)
    parsed = _targets(targets, errors)
    if errors:
        raise ValidationFailed(errors)
    if policy is None:
        top = db.session.scalar(sa.select(sa.func.max(SlaPolicy.position))) or 0
        policy = SlaPolicy(position=top + 1)
        db.session.add(policy)
    policy.name, policy.description = name.strip()[:120], (description or "").strip()
    policy.group_id, policy.tiers, policy.channels = group_id, tiers, channels
    policy.business_hours, policy.warn_minutes, policy.active = (
        bool(business_hours),
        int(warn_minutes or 0),
        bool(active),
    )
    policy.updated_at = utcnow()
    _set_targets(policy, parsed)
    db.session.flush()
    changed()
    return policy


def _set_targets(policy: SlaPolicy, parsed: dict[str, tuple[int | None, int | None]]) -> None:
    by_priority = {t.priority: t for t in policy.targets}
    for priority, (first, resolution) in parsed.items():
        row = by_priority.get(priority)
        if first is None and resolution is None:
            if row is not None:
                policy.targets.remove(row)
            continue
        if row is None:
            row = SlaTarget(priority=priority)
            policy.targets.append(row)
        row.first_response_minutes, row.resolution_minutes = first, resolution


def move_policy(policy: SlaPolicy, direction: int) -> None:
    """Swap a policy with its neighbour above (-1) or below (+1): the first match wins."""
    ordered = list(db.session.scalars(sa.select(SlaPolicy).order_by(SlaPolicy.position, SlaPolicy.id)))
    for index, row in enumerate(ordered):
        row.position = index
    at = ordered.index(policy)
    other = at + direction
    if 0 <= other < len(ordered):
        ordered[at].position, ordered[other].position = other, at
    db.session.flush()
    changed()


def delete_policy(policy: SlaPolicy) -> None:
    """Remove a policy; tickets it timed fall to the next matching policy (or none)."""
    db.session.delete(policy)
    db.session.flush()
    changed()

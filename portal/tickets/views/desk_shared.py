"""The desk blueprint and what its pages share: labels, lookups of agents and groups, loading a ticket."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from babel import Locale, dates
from flask import Blueprint, abort, g, request, url_for
from flask_babel import get_locale, get_timezone
from flask_babel import lazy_gettext as _l

from portal.accounts.models import Group, User
from portal.core import ui
from portal.core.db import utcnow
from portal.core.i18n import KOREAN_PATTERNS
from portal.extensions import db
from portal.tickets import queries
from portal.tickets.forms import CHANNEL_LABELS, PRIORITY_LABELS, STATUS_LABELS
from portal.tickets.models import Ticket

bp = Blueprint("desk", __name__, url_prefix="/desk")
ui.nav_item("desk", _l("Queue"), "desk.queue", icon="inbox", order=10)
ui.nav_item("desk", _l("Macros"), "desk.macros_page", icon="lightning-charge", order=40)

VIEW_LABELS = {
    "mine": _l("Mine"),
    "unassigned": _l("Unassigned"),
    "groups": _l("My groups"),
    "open": _l("All open"),
    "pending": _l("Pending"),
    "solved": _l("Solved"),
    "all": _l("All"),
}
CORE_SORT_LABELS = {
    "updated": _l("Recently updated"),
    "oldest": _l("Waiting longest"),
    "created": _l("Newest first"),
    "priority": _l("Priority"),
}
EVENT_LABELS = {
    "merged_in": _l("Ticket #%(ref)s was merged into this one"),
    "merged_into": _l("Merged into ticket #%(ref)s"),
    "split_out": _l("A message was split off into ticket #%(ref)s"),
    "split_from": _l("Split off from ticket #%(ref)s"),
    "message_moved_out": _l("A message was moved to ticket #%(ref)s"),
    "message_moved_in": _l("A message was moved here from ticket #%(ref)s"),
}


CHANGE_LABELS = {
    "status": _l("status"),
    "priority": _l("priority"),
    "assignee": _l("assignee"),
    "group": _l("group"),
    "tags": _l("tags"),
    "macro": _l("macro"),
    "merged_in": _l("merge"),
    "split_out": _l("split"),
    "message_moved_in": _l("moved message"),
    "message_moved_out": _l("moved message"),
}


@bp.context_processor
def labels() -> dict[str, Any]:
    return {
        "STATUS_LABELS": STATUS_LABELS,
        "PRIORITY_LABELS": PRIORITY_LABELS,
        "CHANNEL_LABELS": CHANNEL_LABELS,
        "VIEW_LABELS": VIEW_LABELS,
        "EVENT_LABELS": EVENT_LABELS,
        "CHANGE_LABELS": CHANGE_LABELS,
        "sort_labels": sort_labels,
    }


@bp.app_template_filter("desk_when")
def desk_when(value: datetime | None, style: str = "medium") -> str:
    """The core `when` filter, with the viewer's language, time zone and the parsed patterns looked up once (the
    queue and a long conversation format a hundred dates)."""
    if value is None:
        return ""
    locale, zone, _now = _clock()
    glue, date_pattern, time_pattern = _patterns(str(locale), style)
    local = value.astimezone(zone)
    if date_pattern is None:
        return time_pattern.apply(local, locale)
    return glue.replace("{0}", time_pattern.apply(local, locale)).replace(
        "{1}", date_pattern.apply(local, locale)
    )


@functools.lru_cache(maxsize=32)
def _patterns(locale_name: str, style: str) -> tuple[str, Any, Any]:
    """What babel.dates.format_datetime parses on every call: the glue of date and time, and both patterns
    (the Korean patterns of portal.core.i18n are whole date-time patterns)."""
    locale = Locale.parse(locale_name)
    if locale_name == "ko" and style in KOREAN_PATTERNS:
        return "{0}", None, dates.parse_pattern(KOREAN_PATTERNS[style])
    if style not in ("short", "medium", "long", "full"):
        return "{0}", None, dates.parse_pattern(style)
    glue = str(dates.get_datetime_format(style, locale=locale)).replace("'", "")
    date_format = dates.get_date_format(style, locale=locale)
    time_format = dates.get_time_format(style, locale=locale)
    return glue, date_format, time_format


@bp.app_template_filter("desk_ago")
def desk_ago(value: datetime | None) -> str:
    """The core `ago` filter ("3 hours ago"), formatted once per distinct wording in a request."""
    if value is None:
        return ""
    locale, _zone, now = _clock()
    delta = value - now
    seconds = delta.days * 86400 + delta.seconds  # what Babel reads of a timedelta
    key = _ago_key(seconds)
    memo = g.setdefault("desk_ago_memo", {})
    if key not in memo:
        memo[key] = dates.format_timedelta(seconds, add_direction=True, threshold=0.95, locale=locale)
    return memo[key]


def _ago_key(seconds: int) -> tuple[str, int, bool]:
    """What Babel's wording of a time difference depends on: the unit, the rounded value and the direction
    (the same rule as babel.dates.format_timedelta with threshold 0.95)."""
    for unit, size in dates.TIMEDELTA_UNITS:
        value = abs(seconds) / size
        if value >= 0.95 or unit == "second":
            if unit == "second" and value > 0:
                value = max(1, value)
            return unit, int(round(value)), seconds >= 0
    return "second", 0, seconds >= 0


def _clock() -> tuple[Any, Any, datetime]:
    if "desk_clock" not in g:
        g.desk_clock = (get_locale(), get_timezone(), utcnow())
    return g.desk_clock


@bp.app_template_global("desk_text")
def desk_text() -> dict[str, dict[str, str]]:
    """Status, priority and channel labels translated once per request (badges repeat them hundreds of times)."""
    if "desk_text" not in g:
        g.desk_text = {
            "status": {k: str(v) for k, v in STATUS_LABELS.items()},
            "priority": {k: str(v) for k, v in PRIORITY_LABELS.items()},
            "channel": {k: str(v) for k, v in CHANNEL_LABELS.items()},
        }
    return g.desk_text


def sort_labels() -> dict[str, Any]:
    """Every queue sort with its label: the core ones, then those other domains registered."""
    extra = {k: v for k, v in queries.SORT_LABELS.items() if k in queries.SORTS}
    return {**CORE_SORT_LABELS, **extra}


def agents() -> list[User]:
    """Everyone who can be assigned, by name."""
    return list(
        db.session.scalars(
            sa.select(User).where(User.role.in_(("agent", "admin")), User.active).order_by(User.name)
        )
    )


def groups() -> list[Group]:
    """Every group, by name."""
    return list(db.session.scalars(sa.select(Group).order_by(Group.name)))


def load_ticket(ref: int) -> Ticket:
    """The ticket by reference, or 404."""
    ticket = db.session.scalar(queries.ticket_by_ref(ref))
    if ticket is None:
        abort(404)
    return ticket


def int_arg(value: str | None) -> int | None:
    """A positive whole number from a form or query value, else None."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


def safe_next(default: str) -> str:
    """The `next` address of a form when it stays on this site's desk, else `default`."""
    target = request.form.get("next") or request.args.get("next") or ""
    parts = urlsplit(target)
    if target and not parts.scheme and not parts.netloc and parts.path.startswith("/desk"):
        return target
    return default


def queue_url() -> str:
    """The queue as the agent last left it (kept in the `next` of forms), or its default view."""
    return safe_next(url_for("desk.queue"))


@bp.app_template_filter("event_data")
def event_data(data: Any) -> str:
    """A history entry's details as people read them ("status: new → open, tags: 환불"), not escaped JSON."""

    def show(value: Any) -> str:
        if isinstance(value, dict):
            return ", ".join(f"{k}: {tags(v) if k == 'tags' else show(v)}" for k, v in value.items())
        if isinstance(value, list | tuple):
            if len(value) == 2 and not any(isinstance(v, dict | list) for v in value):
                return f"{show(value[0])} → {show(value[1])}"
            return ", ".join(show(v) for v in value)
        return "—" if value is None or value == "" else str(value)

    def tags(value: Any) -> str:  # (removed, added)
        if isinstance(value, list | tuple) and len(value) == 2 and all(isinstance(v, list) for v in value):
            return " ".join([f"−{t}" for t in value[0]] + [f"+{t}" for t in value[1]])
        return show(value)

    return show(data or {})

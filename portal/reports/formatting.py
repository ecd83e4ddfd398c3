"""How report figures read: compact durations ("1h 23m", "1시간 23분"), rates, signed NPS."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import format_decimal
from flask_babel import gettext as _


def duration(seconds: float | None) -> str:
    """A duration in the two largest units that matter."""
    if seconds is None:
        return "—"
    total = int(round(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return _("%(d)dd %(h)dh", d=days, h=hours)
    if hours:
        return _("%(h)dh %(m)dm", h=hours, m=minutes)
    if minutes:
        return _("%(m)dm %(s)ds", m=minutes, s=secs)
    return _("%(s)ds", s=secs)


def rate(value: float | None) -> str:
    """A rate measure: fractions 0–1 shown as percent (a value above 1 is taken as percent already)."""
    if value is None:
        return "—"
    percent = value * 100 if 0 <= value <= 1 else value
    return format_decimal(round(percent, 1), format="#,##0.#") + "%"


def signed(value: float | None) -> str:
    """NPS with its sign."""
    if value is None:
        return "—"
    text = format_decimal(value, format="#,##0.#")
    return f"+{text}" if value > 0 else text.replace("-", "−")


def number(value: float | None, pattern: str = "#,##0.##") -> str:
    """A number in the viewer's locale, or a dash."""
    return "—" if value is None else format_decimal(value, format=pattern)


def register(bp: Blueprint) -> None:
    """Make the formatters available to every template as filters."""
    filters: dict[str, Any] = {
        "report_duration": duration,
        "report_rate": rate,
        "report_signed": signed,
        "report_number": number,
    }
    for name, fn in filters.items():
        bp.add_app_template_filter(fn, name)

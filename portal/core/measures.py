"""Named measures that domains provide and reports read (deflection rate, auto-resolution rate, SLA breaches …).

A domain registers a function computing its measure over a date range; reports ask by name, so that reports need
not import every domain and a measure whose domain is not installed simply reads as None.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

Measure = Callable[..., Any]  # (start: datetime, end: datetime, *, group_id: int | None = None) -> value
_measures: dict[str, Measure] = {}


def measure(name: str) -> Callable[[Measure], Measure]:
    """Register the function that computes `name` over [start, end)."""

    def register(fn: Measure) -> Measure:
        _measures[name] = fn
        return fn

    return register


def compute(name: str, start: datetime, end: datetime, **filters: Any) -> Any:
    """The value of a measure, or None when no domain provides it."""
    fn = _measures.get(name)
    return None if fn is None else fn(start, end, **filters)


def available() -> list[str]:
    """Names of the measures that can be computed."""
    return sorted(_measures)

"""Named measures that domains provide and reports read (deflection rate, auto-resolution rate, SLA breaches …).

A domain registers a function computing its measure over a date range; reports ask by name, so that reports need
not import every domain and a measure whose domain is not installed simply reads as None.

Some rates have several contributors: the auto-resolution rate counts catalog requests fulfilled by their action
and chats the bot resolved. Each domain registers its part as (resolved, considered) with `rate_part`, and the
rate is the sum of the parts' numerators over the sum of their denominators (so a domain with many cases weighs
more than one with few, and the figure stays exact). A plain measure registered twice is a programming error.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

Measure = Callable[..., Any]  # (start: datetime, end: datetime, *, group_id: int | None = None) -> value
Part = Callable[..., tuple[int, int]]  # same arguments -> (numerator, denominator)
_measures: dict[str, Measure] = {}
_parts: dict[str, dict[str, Part]] = {}


def measure(name: str) -> Callable[[Measure], Measure]:
    """Register the function that computes `name` over [start, end)."""

    def register(fn: Measure) -> Measure:
        known = _measures.get(name)
        if name in _parts or (known is not None and _key(known) != _key(fn)):
            raise ValueError(f"measure {name!r} is already provided by {_key(known or fn)}")
        _measures[name] = fn
        return fn

    return register


def rate_part(name: str) -> Callable[[Part], Part]:
    """Register one domain's (numerator, denominator) of the rate `name`."""

    def register(fn: Part) -> Part:
        if name in _measures:
            raise ValueError(f"measure {name!r} is a plain measure, not a rate with parts")
        _parts.setdefault(name, {})[_key(fn)] = fn
        return fn

    return register


def _key(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def compute(name: str, start: datetime, end: datetime, **filters: Any) -> Any:
    """The value of a measure, or None when no domain provides it (or a rate has nothing to count yet)."""
    parts = _parts.get(name)
    if parts:
        pairs = [fn(start, end, **filters) for fn in parts.values()]
        denominator = sum(d for _n, d in pairs)
        return round(sum(n for n, _d in pairs) / denominator, 4) if denominator else None
    fn = _measures.get(name)
    return None if fn is None else fn(start, end, **filters)


def available() -> list[str]:
    """Names of the measures that can be computed."""
    return sorted({*_measures, *_parts})

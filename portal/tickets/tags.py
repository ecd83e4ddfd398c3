"""Ticket tags: normalized, deduplicated."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from portal.tickets.models import Ticket, TicketTag


def normalize_tag(raw: str) -> str:
    """Lower-case, no spaces (spaces become dashes), at most 50 characters; Hangul kept."""
    tag = unicodedata.normalize("NFKC", raw or "").strip().casefold()
    return re.sub(r"[\s,]+", "-", tag).strip("-#")[:50]


def parse_tags(raw: str | Iterable[str] | None) -> list[str]:
    """Tags from a comma/space separated string or a list, normalized and unique, in order."""
    items = re.split(r"[,\s]+", raw) if isinstance(raw, str) else list(raw or [])
    seen: list[str] = []
    for item in items:
        tag = normalize_tag(str(item))
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def set_tags(ticket: Ticket, tags: Iterable[str]) -> tuple[list[str], list[str]]:
    """Replace the ticket's tags; returns (added, removed)."""
    wanted = parse_tags(list(tags))
    current = {row.name: row for row in ticket.tag_rows}
    added = [t for t in wanted if t not in current]
    removed = [t for t in current if t not in wanted]
    ticket.tag_rows = [current[t] if t in current else TicketTag(name=t) for t in wanted]
    return added, removed

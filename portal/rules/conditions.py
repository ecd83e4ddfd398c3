"""What a rule can look at, how an admin's input becomes a stored condition, and how a ticket is tested.

A condition is {"field", "op", "value"}. Words are matched as case-insensitive substrings (so "환불" finds
"환불받고"). A catalog item matches a ticket from the catalog whose context names it (`catalog_item`, the item's
slug, set by the catalog when it files the request) or that carries the tag `catalog-<slug>`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.customers.models import TIERS
from portal.extensions import db
from portal.tickets.models import CHANNELS, PRIORITIES, STATUSES, Message, Ticket
from portal.tickets.tags import parse_tags


@dataclass(frozen=True)
class Field:
    """A property of a ticket a condition can test."""

    label: Any
    kind: str  # choice, group, words, tags, text, flag, hours
    ops: tuple[str, ...]
    choices: tuple[str, ...] = ()
    automation_only: bool = False


OPS = {
    "is": _l("is"),
    "is_not": _l("is not"),
    "changed_to": _l("changed to"),
    "contains_any": _l("contains any of"),
    "contains_none": _l("contains none of"),
    "is_set": _l("is set"),
    "is_not_set": _l("is not set"),
    "gt": _l("more than (hours)"),
    "lt": _l("less than (hours)"),
}
_HOURS = ("gt", "lt")
FIELDS: dict[str, Field] = {
    "channel": Field(_l("Channel"), "choice", ("is", "is_not"), CHANNELS),
    "text": Field(_l("Subject or message"), "words", ("contains_any", "contains_none")),
    "subject": Field(_l("Subject"), "words", ("contains_any", "contains_none")),
    "tier": Field(_l("Customer tier"), "choice", ("is", "is_not"), TIERS),
    "catalog_item": Field(_l("Catalog item (slug)"), "text", ("is", "is_not")),
    "status": Field(_l("Status"), "choice", ("is", "is_not", "changed_to"), STATUSES),
    "priority": Field(_l("Priority"), "choice", ("is", "is_not", "changed_to"), PRIORITIES),
    "group": Field(_l("Group"), "group", ("is", "is_not", "changed_to")),
    "assignee": Field(_l("Assignee"), "flag", ("is_set", "is_not_set")),
    "tags": Field(_l("Tags"), "tags", ("contains_any", "contains_none")),
    "updated_by": Field(_l("Updated by"), "choice", ("is", "is_not"), ("customer", "agent", "system")),
    "hours_since_created": Field(_l("Hours since created"), "hours", _HOURS, automation_only=True),
    "hours_since_updated": Field(_l("Hours since updated"), "hours", _HOURS, automation_only=True),
    "hours_since_status": Field(_l("Hours since the status was set"), "hours", _HOURS, automation_only=True),
    "hours_since_customer_message": Field(
        _l("Hours since the customer's last message"), "hours", _HOURS, automation_only=True
    ),
    "hours_since_solved": Field(_l("Hours since solved"), "hours", _HOURS, automation_only=True),
}
TIME_FIELDS = tuple(name for name, spec in FIELDS.items() if spec.kind == "hours")


def normalize(text: str) -> str:
    """Text compared case- and width-insensitively."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def words(raw: Any) -> list[str]:
    """Comma- or line-separated words and phrases, normalized."""
    items = raw if isinstance(raw, list) else re.split(r"[,\n]", str(raw or ""))
    return [w for w in (normalize(str(i)).strip() for i in items) if w]


@dataclass
class Facts:
    """What rules look at for one ticket at one moment."""

    ticket: Ticket
    event: str  # created, updated, time
    actor_kind: str = "system"
    changes: dict[str, Any] = field(default_factory=dict)
    message: Message | None = None
    now: datetime | None = None
    anchors: dict[str, datetime | None] = field(default_factory=dict)  # precomputed time events (automations)
    _text: str | None = None

    def text(self) -> str:
        """Subject and the customer's message (the one that just arrived, else their latest), normalized."""
        if self._text is None:
            body = (
                self.message.text
                if self.message is not None and self.message.direction == "inbound"
                else None
            )
            if body is None:
                body = db.session.scalar(
                    sa.select(Message.text)
                    .where(Message.ticket_id == self.ticket.id, Message.direction == "inbound")
                    .order_by(Message.id.desc())
                    .limit(1)
                )
            self._text = normalize(f"{self.ticket.subject}\n{body or ''}")
        return self._text


def clean(kind: str, index: int, raw: dict[str, Any]) -> tuple[dict[str, Any] | None, list[tuple[str, Any]]]:
    """One condition row as typed in the builder → (stored condition or None if blank, errors)."""
    name, op, value = (raw.get("field") or "").strip(), (raw.get("op") or "").strip(), raw.get("value")
    prefix = f"conditions-{index}"
    if not name and not (str(value or "").strip()):
        return None, []
    spec = FIELDS.get(name)
    if spec is None:
        return None, [(f"{prefix}-field", _l("Choose what to look at."))]
    if spec.automation_only and kind != "automation":
        return None, [(f"{prefix}-field", _l("Time conditions are for automations."))]
    if op not in spec.ops:
        return None, [(f"{prefix}-op", _l("Choose how to compare."))]
    try:
        stored = _value(spec, value)
    except ValueError as error:
        return None, [(f"{prefix}-value", error.args[0])]
    return {"field": name, "op": op, "value": stored}, []


def _value(spec: Field, value: Any) -> Any:
    text = str(value if value is not None else "").strip()
    if spec.kind == "flag":
        return None
    if spec.kind == "hours":
        try:
            hours = float(text.replace(",", "."))
        except ValueError:
            raise ValueError(_l("Enter a number of hours.")) from None
        if not 0 <= hours <= 24 * 365:
            raise ValueError(_l("Enter between 0 and 8760 hours."))
        return hours
    if spec.kind == "choice":
        if text not in spec.choices:
            raise ValueError(_l("Choose a value from the list."))
        return text
    if spec.kind == "group":
        if text and not text.isdigit():
            raise ValueError(_l("Choose a group from the list."))
        return text
    if spec.kind == "tags":
        found = parse_tags(text)
        if not found:
            raise ValueError(_l("Enter at least one tag."))
        return found
    if spec.kind == "words":
        found = words(text)
        if not found:
            raise ValueError(_l("Enter at least one word, separated by commas."))
        return found
    if not text:
        raise ValueError(_l("Enter a value."))
    return text[:200]


def matches(conditions: list[dict[str, Any]], mode: str, facts: Facts) -> bool:
    """Whether the ticket meets all (or any) of the conditions; no condition means always."""
    if not conditions:
        return True
    results = (test(c, facts) for c in conditions)
    return any(results) if mode == "any" else all(results)


def test(condition: dict[str, Any], facts: Facts) -> bool:
    """One condition against the facts (unknown fields never match)."""
    name, op, value = condition.get("field"), condition.get("op"), condition.get("value")
    spec = FIELDS.get(name or "")
    if spec is None:
        return False
    if spec.kind == "hours":
        return _hours(name or "", op or "", value, facts)
    if op == "changed_to":
        change = facts.changes.get(name or "")
        return change is not None and str(change[1] if change[1] is not None else "") == str(value)
    actual = _actual(name or "", facts)
    if op in ("is_set", "is_not_set"):
        return (actual is not None) == (op == "is_set")
    if op in ("contains_any", "contains_none"):
        found = _contains(name or "", value or [], actual)
        return found if op == "contains_any" else not found
    if name == "catalog_item":
        hit = facts.ticket.channel == "catalog" and value in actual
        return hit if op == "is" else not hit
    equal = str(actual if actual is not None else "") == str(value)
    return equal if op == "is" else not equal


def _actual(name: str, facts: Facts) -> Any:
    ticket = facts.ticket
    if name == "text":
        return facts.text()
    if name == "subject":
        return normalize(ticket.subject)
    if name == "tier":
        return ticket.customer.tier
    if name == "group":
        return ticket.group_id
    if name == "assignee":
        return ticket.assignee_id
    if name == "tags":
        return set(ticket.tags)
    if name == "updated_by":
        return facts.actor_kind
    if name == "catalog_item":
        context = ticket.context or {}
        items = {str(context.get("catalog_item") or "")}
        items |= {t.removeprefix("catalog-") for t in ticket.tags if t.startswith("catalog-")}
        return items
    return getattr(ticket, name, None)


def _contains(name: str, wanted: list[str], actual: Any) -> bool:
    if name == "tags":
        return bool(set(wanted) & actual)
    return any(w in actual for w in wanted)


def anchor_of(name: str, facts: Facts) -> datetime | None:
    """When the event a time condition counts from happened."""
    ticket = facts.ticket
    if name in facts.anchors:
        return facts.anchors[name]
    return {
        "hours_since_created": ticket.created_at,
        "hours_since_updated": ticket.updated_at,
        "hours_since_customer_message": ticket.last_inbound_at,
        "hours_since_solved": ticket.solved_at,
        "hours_since_status": ticket.updated_at,
    }.get(name)


def _hours(name: str, op: str, value: Any, facts: Facts) -> bool:
    anchor = anchor_of(name, facts)
    if anchor is None or facts.now is None:
        return False
    passed = facts.now - anchor
    limit = timedelta(hours=float(value or 0))
    return passed > limit if op == "gt" else passed < limit

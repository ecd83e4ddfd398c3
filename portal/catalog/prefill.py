"""Answers guessed from what the customer wrote on a ticket, for an agent filing a request on their behalf.

Only guesses: the agent sees which answers were filled in and checks them before filing. The customer's own
messages are read (not agents' replies), newest first, then the customer's record (email, phone, name).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from portal.catalog.definition import localized
from portal.catalog.forms import PREFIX
from portal.customers import identities
from portal.extensions import db
from portal.tickets.models import Message, Ticket

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?:\+?\d[\d\s-]{7,16}\d)")
ISO_DATE = re.compile(r"\b(\d{4})[-./](\d{1,2})[-./](\d{1,2})\b")
KOREAN_DATE = re.compile(r"(?:(\d{4})\s*년\s*)?(\d{1,2})\s*월\s*(\d{1,2})\s*일")
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
NAME_HINTS = ("name", "이름", "성함")


def customer_texts(ticket: Ticket, limit: int = 10) -> list[str]:
    """The customer's own messages on the ticket, newest first."""
    rows = db.session.scalars(
        sa.select(Message.text)
        .where(Message.ticket_id == ticket.id, Message.direction == "inbound")
        .order_by(Message.id.desc())
        .limit(limit)
    ).all()
    return [r for r in rows if r and r.strip()]


def _date(text: str) -> str | None:
    for pattern in (ISO_DATE, KOREAN_DATE):
        for match in pattern.finditer(text):
            year, month, day = match.groups()
            try:
                return date(int(year or date.today().year), int(month), int(day)).isoformat()
            except ValueError:
                continue
    return None


def _number(text: str, spec: dict[str, Any]) -> int | float | None:
    low, high = spec.get("min"), spec.get("max")
    for match in NUMBER.finditer(text):
        try:
            value = Decimal(match.group(0).replace(",", "."))
        except InvalidOperation:
            continue
        if (low is None or value >= low) and (high is None or value <= high):
            return int(value) if value == value.to_integral_value() else float(value)
    return None


def _choice(text: str, spec: dict[str, Any]) -> list[str]:
    folded = text.casefold()
    found = []
    for choice in spec.get("choices", []):
        words = {choice["value"], *[v for v in choice["label"].values() if v]}
        if any(w and w.casefold() in folded for w in words):
            found.append(choice["value"])
    return found


def _text(text: str, spec: dict[str, Any], ticket: Ticket) -> str | None:
    if spec.get("pattern"):
        try:
            match = re.search(spec["pattern"], text)
        except re.error:
            match = None
        return match.group(0) if match else None
    names = (spec["name"], localized(spec["label"], "ko"), localized(spec["label"], "en").casefold())
    if any(hint in n for n in names for hint in NAME_HINTS):
        return ticket.customer.name or None
    return None


def guess_one(spec: dict[str, Any], texts: list[str], ticket: Ticket) -> Any:
    """One field's likely answer, or None."""
    text = "\n".join(texts)
    kind, customer = spec["type"], ticket.customer
    if kind == "email":
        match = EMAIL.search(text)
        return match.group(0) if match else customer.email
    if kind == "phone":
        for match in PHONE.finditer(text):
            if identities.normalize_phone(match.group(0)):
                return match.group(0).strip()
        return customer.phone
    if kind == "date":
        return _date(text)
    if kind == "number":
        return _number(text, spec)
    if kind == "choice":
        found = _choice(text, spec)
        return found[0] if len(found) == 1 else None
    if kind == "multi_choice":
        return _choice(text, spec) or None
    if kind == "long_text":  # the customer's latest message says what they need
        return texts[0][:2000] if texts else None
    if kind == "text":
        return _text(text, spec, ticket)
    return None


def guess(item: Any, ticket: Ticket) -> dict[str, Any]:
    """Likely answers by field name (only the fields a guess was found for)."""
    texts = customer_texts(ticket)
    found = {}
    for spec in item.fields or []:
        value = guess_one(spec, texts, ticket)
        if value not in (None, "", []):
            found[spec["name"]] = value
    return found


def form_data(item: Any, guessed: dict[str, Any]) -> dict[str, Any]:
    """Guesses in the shape the WTForms fields take as defaults."""
    kinds = {s["name"]: s["type"] for s in item.fields or []}
    data = {}
    for name, value in guessed.items():
        kind = kinds.get(name)
        if kind == "yes_no":
            value = "yes" if value else "no"
        elif kind == "date":
            value = date.fromisoformat(value)
        elif kind == "number":
            value = Decimal(str(value))
        data[PREFIX + name] = value
    return data


def from_customer(item: Any, customer: Any) -> dict[str, Any]:
    """Form defaults from the customer's own record: their email and phone in fields of those types."""
    data: dict[str, Any] = {}
    for spec in item.fields or []:
        if spec["type"] == "email" and customer.email:
            data[PREFIX + spec["name"]] = customer.email
        elif spec["type"] == "phone" and customer.phone:
            data[PREFIX + spec["name"]] = customer.phone
    return data

"""Normalizing identity values so that the same address always compares equal."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from email_validator import EmailNotValidError, validate_email

DEFAULT_REGION = "KR"


def normalize_email(raw: str | None) -> str | None:
    """Case-folded address if syntactically valid, else None."""
    if not raw:
        return None
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.casefold()
    except EmailNotValidError:
        return None


def normalize_phone(raw: str | None, region: str = DEFAULT_REGION) -> str | None:
    """E.164 (+821012345678) if the number is possible, else None; national numbers are read as Korean."""
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_handle(raw: str | None) -> str | None:
    """A chat handle, NFKC-folded and trimmed."""
    if not raw:
        return None
    value = unicodedata.normalize("NFKC", raw).strip().casefold()
    return value[:320] or None


def normalize(kind: str, raw: str | None) -> str | None:
    """The canonical value of an identity of this kind, or None if it is not valid."""
    if kind == "email":
        return normalize_email(raw)
    if kind == "phone":
        return normalize_phone(raw)
    if kind == "chat":
        return normalize_handle(raw)
    if kind == "portal":
        return str(raw).strip() if raw else None
    raise ValueError(f"unknown identity kind {kind!r}")


def name_key(name: str | None) -> str:
    """A key that equal names share whatever their spacing and case ("김 민준" = "김민준")."""
    folded = unicodedata.normalize("NFKC", name or "").casefold()
    return re.sub(r"[\s.\-_'’]+", "", folded)[:200]

"""Answers as people read them: one line per field in the ticket, and {placeholders} in admins' texts."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from portal.catalog.definition import localized

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")


def display(value: Any, field: dict[str, Any] | None, locale: str) -> str:
    """One answer as text in `locale` (choice labels rather than values, 예/아니요 for yes/no)."""
    labels = {c["value"]: localized(c["label"], locale) for c in (field or {}).get("choices", [])}
    if isinstance(value, bool):
        with force_locale(locale):
            return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(labels.get(str(v), str(v)) for v in value)
    if isinstance(value, dict):  # a file
        return str(value.get("filename") or "")
    if value is None:
        return ""
    return labels.get(str(value), str(value))


def lines(fields: list[dict[str, Any]], answers: dict[str, Any], locale: str) -> list[tuple[str, str]]:
    """(label, answer) for every answered field, in form order."""
    result = []
    for field in fields:
        if field["name"] in answers and answers[field["name"]] not in (None, "", []):
            result.append((localized(field["label"], locale), display(answers[field["name"]], field, locale)))
    return result


def as_text(fields: list[dict[str, Any]], answers: dict[str, Any], locale: str) -> str:
    """The answers as a message body: "Label: answer" lines."""
    return "\n".join(f"{label}: {value}" for label, value in lines(fields, answers, locale))


def render(template: str, values: dict[str, Any], fields: list[dict[str, Any]], locale: str) -> str:
    """Replace {name} with a value (results and answers); unknown names stay as they are."""
    by_name = {f["name"]: f for f in fields}

    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            return match.group(0)
        return display(values[key], by_name.get(key), locale)

    return PLACEHOLDER.sub(replace, template or "")

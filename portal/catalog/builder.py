"""The admin's item builder: its HTML form read back into a definition (no JSON typed by anyone), and the
inputs each action's settings need, drawn from the action's declared schema.

Inputs are named `fields-<i>-<key>`, `fields-<i>-choices-<j>-<key>` and `config-<action>-<key>`; the page's
script renumbers rows in their on-screen order before sending, and an empty row is ignored.
"""

from __future__ import annotations

import re
from typing import Any

from werkzeug.datastructures import MultiDict

from portal.catalog import actions
from portal.catalog.definition import CHOICE_TYPES, FIELD_TYPES

ROW = re.compile(r"^fields-(\d+)-")
CHOICE_ROW = re.compile(r"^fields-(\d+)-choices-(\d+)-")


def _pair(form: MultiDict, prefix: str) -> dict[str, str]:
    return {"ko": (form.get(f"{prefix}_ko") or "").strip(), "en": (form.get(f"{prefix}_en") or "").strip()}


def _indices(
    form: MultiDict, pattern: re.Pattern[str], group: int = 1, within: str | None = None
) -> list[int]:
    found = set()
    for key in form:
        match = pattern.match(key)
        if match and (within is None or key.startswith(within)):
            found.add(int(match.group(group)))
    return sorted(found)


def _choices(form: MultiDict, i: int) -> list[dict[str, Any]]:
    result = []
    for j in _indices(form, CHOICE_ROW, 2, within=f"fields-{i}-choices-"):
        prefix = f"fields-{i}-choices-{j}-"
        label = _pair(form, prefix + "label")
        value = (form.get(prefix + "value") or "").strip()
        if value or label["ko"] or label["en"]:
            result.append({"value": value, "label": label})
    return result


def _field(form: MultiDict, i: int) -> dict[str, Any] | None:
    p = f"fields-{i}-"
    if form.get(p + "remove"):
        return None
    label = _pair(form, p + "label")
    name = (form.get(p + "name") or "").strip()
    if not (label["ko"] or label["en"] or name):
        return None  # the empty row offered for a new field
    kind = form.get(p + "type") or "text"
    field: dict[str, Any] = {
        "name": name,
        "type": kind if kind in FIELD_TYPES else "",
        "label": label,
        "help": _pair(form, p + "help"),
        "required": bool(form.get(p + "required")),
    }
    for key in ("min_length", "max_length", "min", "max", "pattern"):
        value = (form.get(p + key) or "").strip()
        if value:
            field[key] = value
    if kind in CHOICE_TYPES:
        field["choices"] = _choices(form, i)
    if form.get(p + "condition_field"):
        field["condition"] = {
            "field": form.get(p + "condition_field"),
            "equals": form.get(p + "condition_equals"),
        }
    return field


def _coerce(spec: dict[str, Any], raw: str | None, present: bool) -> Any:
    """A form value in the type the setting's schema asks for (text that is no number stays text)."""
    kind = spec.get("type")
    if kind == "boolean":
        return present
    value = (raw or "").strip()
    if kind in ("integer", "number") and value:
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if kind == "integer" and number.is_integer() else number
    return value


def config_from_form(form: MultiDict, action_name: str, previous: dict[str, Any] | None) -> dict[str, Any]:
    """The chosen action's settings; an empty secret keeps the one saved before."""
    action = actions.get(action_name)
    if action is None:
        return {}
    config: dict[str, Any] = {}
    for key, spec, _required in actions.settings(action):
        name = f"config-{action.name}-{key}"
        value = _coerce(spec, form.get(name), name in form)
        if spec.get("x-widget") == "secret" and not value and previous and previous.get(key):
            value = previous[key]
        if value == "" and spec.get("type") in ("integer", "number"):
            continue  # the default applies
        config[key] = value
    return config


def definition_from_form(form: MultiDict, previous: Any = None) -> dict[str, Any]:
    """Everything the builder page sent, as a definition for service.save_item."""
    rows = [_field(form, i) for i in _indices(form, ROW)]
    action = (form.get("action") or "").strip()
    same_action = previous is not None and previous.action == action
    return {
        "slug": (form.get("slug") or "").strip(),
        "names": _pair(form, "name"),
        "descriptions": _pair(form, "description"),
        "categories": _pair(form, "category"),
        "icon": form.get("icon") or "grid",
        "audience": form.get("audience") or "everyone",
        "tier": form.get("tier") or None,
        "active": bool(form.get("active")),
        "position": form.get("position") or 0,
        "fields": [r for r in rows if r is not None],
        "fulfilment": form.get("fulfilment") or "",
        "action": action,
        "config": config_from_form(form, action, previous.action_config if same_action else None),
        "group_id": form.get("group_id") or None,
        "approver_group_id": form.get("approver_group_id") or None,
        "approver_user_id": form.get("approver_user_id") or None,
        "checklist": form.get("checklist") or "",
        "done_messages": _pair(form, "done_message"),
    }


def definition_of(item: Any) -> dict[str, Any]:
    """A saved item in the builder's shape (what the page shows before any change)."""
    return {
        "slug": item.slug,
        "names": {"ko": item.name_ko, "en": item.name_en},
        "descriptions": {"ko": item.description_ko, "en": item.description_en},
        "categories": {"ko": item.category_ko, "en": item.category_en},
        "icon": item.icon,
        "audience": item.audience,
        "tier": item.tier,
        "active": item.active,
        "position": item.position,
        "fields": list(item.fields or []),
        "fulfilment": item.fulfilment,
        "action": item.action or "",
        "config": dict(item.action_config or {}),
        "group_id": item.group_id,
        "approver_group_id": item.approver_group_id,
        "approver_user_id": item.approver_user_id,
        "checklist": "\n".join(item.checklist or []),
        "done_messages": {"ko": item.done_message_ko, "en": item.done_message_en},
    }


def blank_definition() -> dict[str, Any]:
    """A new item: one short-text field to start from, fulfilled by people."""
    return {
        "slug": "",
        "names": {"ko": "", "en": ""},
        "descriptions": {"ko": "", "en": ""},
        "categories": {"ko": "", "en": ""},
        "icon": "grid",
        "audience": "everyone",
        "tier": None,
        "active": True,
        "position": 0,
        "fields": [],
        "fulfilment": "manual",
        "action": "",
        "config": {},
        "group_id": None,
        "approver_group_id": None,
        "approver_user_id": None,
        "checklist": "",
        "done_messages": {"ko": "", "en": ""},
    }


def settings_of(action: Any, config: dict[str, Any], *, echo_secret: bool = False) -> list[dict[str, Any]]:
    """The inputs of an action's settings for the template: key, widget, label, help, value, required.

    A saved secret is never sent to the page; one the admin just typed is kept when the page comes back with
    errors (`echo_secret`), so that it need not be typed again.
    """
    result = []
    for key, spec, required in actions.settings(action):
        widget = spec.get("x-widget") or (
            "checkbox" if spec.get("type") == "boolean"
            else "select" if "enum" in spec
            else "number" if spec.get("type") in ("integer", "number")
            else "text"
        )  # fmt: skip
        value = config.get(key, spec.get("default", ""))
        result.append(
            {
                "key": key,
                "name": f"config-{action.name}-{key}",
                "widget": widget,
                "label": spec.get("x-label") or key,
                "help": spec.get("x-help") or "",
                "value": "" if widget == "secret" and not echo_secret else value,
                "has_secret": widget == "secret" and bool(config.get(key)),
                "required": required,
                "choices": [(v, (spec.get("x-choices") or {}).get(v, v)) for v in spec.get("enum", [])],
                "min": spec.get("minimum"),
                "max": spec.get("maximum"),
                "step": "1" if spec.get("type") == "integer" else "any",
            }
        )
    return result

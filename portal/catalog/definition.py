"""An item's definition as data: the checks an item must pass to be saved (from the admin UI, the API or an
imported file), and the JSON shape it is exported and answered in.

Stored form fields look like
    {"name": "card_last4", "type": "text", "label": {"ko": "…", "en": "…"}, "help": {"ko": "", "en": ""},
     "required": true, "min_length": 4, "max_length": 4, "pattern": "[0-9]{4}", "min": null, "max": null,
     "choices": [{"value": "seoul", "label": {"ko": "서울", "en": "Seoul"}}],
     "condition": {"field": "abroad", "equals": "yes"}}
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.accounts.models import Group, User
from portal.catalog import actions
from portal.catalog.models import AUDIENCES, FULFILMENTS, CatalogItem
from portal.core.errors import ValidationFailed
from portal.customers.models import TIERS
from portal.extensions import db

FIELD_TYPES = (
    "text", "long_text", "number", "email", "phone", "date", "choice", "multi_choice", "yes_no", "file",
)  # fmt: skip
TYPE_LABELS = {
    "text": _l("Short text"),
    "long_text": _l("Long text"),
    "number": _l("Number"),
    "email": _l("Email address"),
    "phone": _l("Phone number"),
    "date": _l("Date"),
    "choice": _l("One choice"),
    "multi_choice": _l("Several choices"),
    "yes_no": _l("Yes / no"),
    "file": _l("File"),
}
CHOICE_TYPES = ("choice", "multi_choice")
CONDITION_TYPES = ("yes_no", "choice", "multi_choice")
LENGTH_TYPES = ("text", "long_text")
MAX_FIELDS = 40
MAX_CHOICES = 100
MAX_TASKS = 30
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
ICON_RE = re.compile(r"^[a-z0-9-]{1,40}$")
ICONS = (
    "grid", "key", "credit-card", "credit-card-2-back", "shield-lock", "person-vcard", "house", "telephone",
    "envelope", "phone", "wifi", "router", "receipt", "cash-coin", "arrow-repeat", "x-circle", "truck",
    "box-seam", "globe", "calendar-event", "file-earmark-text", "lock", "bell", "gift", "briefcase",
)  # fmt: skip


def localized(value: Any, locale: str) -> str:
    """The text of a {"ko": …, "en": …} value in `locale`, else in the other language."""
    if isinstance(value, str):
        return value
    if not isinstance(value, dict):
        return ""
    other = "ko" if locale == "en" else "en"
    return str(value.get(locale) or value.get(other) or "")


def _texts(data: dict[str, Any], plural: str, singular: str) -> dict[str, str]:
    """{"ko", "en"} from `plural` (an object) or `singular` (an object, or one string for both languages)."""
    raw = data.get(plural) if isinstance(data.get(plural), dict) else data.get(singular)
    if isinstance(raw, str):
        return {"ko": raw.strip(), "en": raw.strip()}
    if isinstance(raw, dict):
        return {k: str(raw.get(k) or "").strip() for k in ("ko", "en")}
    return {"ko": "", "en": ""}


def slugify(text: str) -> str:
    """A URL name from English words (other scripts drop out)."""
    slug = re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-")
    return slug[:80]


class Checker:
    """Collects (key, reason) pairs while cleaning a definition."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []

    def add(self, key: str, reason: Any) -> None:
        self.errors.append((key, str(reason)))

    def int_or_none(self, key: str, value: Any, low: int = 0, high: int = 100000) -> int | None:
        if value in (None, ""):
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            self.add(key, _l("Enter a whole number."))
            return None
        if isinstance(value, float) and value != number:
            self.add(key, _l("Enter a whole number."))
        if not low <= number <= high:
            self.add(key, _l("Enter a number from %(low)s to %(high)s.", low=low, high=high))
        return number

    def number_or_none(self, key: str, value: Any) -> float | int | None:
        if value in (None, ""):
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.add(key, _l("Enter a number."))
            return None
        return int(number) if number.is_integer() else number


def clean_choices(check: Checker, key: str, raw: Any) -> list[dict[str, Any]]:
    """Choices as [{"value", "label": {ko, en}}]; plain strings are accepted as both value and label."""
    if not isinstance(raw, list) or not raw:
        check.add(key, _l("Add at least one choice."))
        return []
    result, seen = [], set()
    for n, choice in enumerate(raw[:MAX_CHOICES]):
        entry = {"value": choice, "label": choice} if isinstance(choice, str) else choice
        if not isinstance(entry, dict):
            check.add(f"{key}.{n}", _l("A choice needs a value and a label."))
            continue
        label = _texts(entry, "labels", "label")
        value = str(entry.get("value") or "").strip() or label["en"] or label["ko"]
        if not (label["ko"] or label["en"]):
            label = {"ko": value, "en": value}
        if not value:
            check.add(f"{key}.{n}", _l("A choice needs a label."))
            continue
        if value in seen:
            check.add(f"{key}.{n}", _l("Two choices have the same value."))
        seen.add(value)
        result.append({"value": value[:100], "label": {k: v[:200] for k, v in label.items()}})
    return result


def clean_condition(check: Checker, key: str, raw: Any, earlier: dict[str, dict]) -> dict[str, Any] | None:
    """Show-when rule: another, earlier field of type yes/no or choice, and the value it must have."""
    if not raw or not isinstance(raw, dict) or not raw.get("field"):
        return None
    other = earlier.get(str(raw["field"]))
    if other is None:
        check.add(key, _l("A condition can only depend on a field above this one."))
        return None
    if other["type"] not in CONDITION_TYPES:
        check.add(key, _l("A condition can only depend on a yes/no or choice field."))
        return None
    equals = raw.get("equals")
    if isinstance(equals, bool):
        equals = "yes" if equals else "no"
    equals = str(equals or "").strip()
    allowed = ["yes", "no"] if other["type"] == "yes_no" else [c["value"] for c in other["choices"]]
    if equals not in allowed:
        check.add(key, _l("Choose one of the values of the field it depends on."))
        return None
    return {"field": other["name"], "equals": equals}


def _name(check: Checker, key: str, raw: dict[str, Any], label: dict[str, str], n: int, earlier: dict) -> str:
    name = (
        str(raw.get("name") or "").strip() or slugify(label["en"]).replace("-", "_")[:40] or f"field_{n + 1}"
    )
    if not NAME_RE.match(name):
        check.add(f"{key}.name", _l("Use lower-case letters, digits and _ (starting with a letter)."))
    if name in earlier:
        check.add(f"{key}.name", _l("Two fields have the same name."))
    return name


def clean_rules(check: Checker, key: str, kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The validation rules a field of this type may have: length, pattern, range, choices."""
    rules: dict[str, Any] = {}
    if kind in LENGTH_TYPES:
        low = rules["min_length"] = check.int_or_none(f"{key}.min_length", raw.get("min_length"))
        high = rules["max_length"] = check.int_or_none(f"{key}.max_length", raw.get("max_length"))
        if low is not None and high is not None and low > high:
            check.add(f"{key}.max_length", _l("The maximum is smaller than the minimum."))
    if kind == "text":
        rules["pattern"] = str(raw.get("pattern") or "").strip()[:200] or None
        try:
            re.compile(rules["pattern"] or "")
        except re.error:
            check.add(f"{key}.pattern", _l("This pattern is not a valid regular expression."))
    if kind == "number":
        low = rules["min"] = check.number_or_none(f"{key}.min", raw.get("min"))
        high = rules["max"] = check.number_or_none(f"{key}.max", raw.get("max"))
        if low is not None and high is not None and low > high:
            check.add(f"{key}.max", _l("The maximum is smaller than the minimum."))
    if kind in CHOICE_TYPES:
        rules["choices"] = clean_choices(check, f"{key}.choices", raw.get("choices"))
    return rules


def clean_field(check: Checker, n: int, raw: Any, earlier: dict[str, dict]) -> dict[str, Any] | None:
    """One form field, cleaned; None when it cannot be."""
    key = f"fields.{n}"
    if not isinstance(raw, dict):
        check.add(key, _l("A field must be an object."))
        return None
    kind = str(raw.get("type") or "")
    label = _texts(raw, "labels", "label")
    if kind not in FIELD_TYPES:
        check.add(f"{key}.type", _l("Choose a type."))
    if not (label["ko"] or label["en"]):
        check.add(f"{key}.label", _l("Give the field a label."))
    field: dict[str, Any] = {
        "name": _name(check, key, raw, label, n, earlier),
        "type": kind,
        "label": {k: v[:200] for k, v in label.items()},
        "help": {k: v[:500] for k, v in _texts(raw, "helps", "help").items()},
        "required": bool(raw.get("required")),
        **clean_rules(check, key, kind, raw),
    }
    condition = clean_condition(check, f"{key}.condition", raw.get("condition"), earlier)
    if condition:
        field["condition"] = condition
    return field


def clean_fields(check: Checker, raw: Any) -> list[dict[str, Any]]:
    """The whole form, in order; conditions may only look upwards."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        check.add("fields", _l("The fields must be a list."))
        return []
    if len(raw) > MAX_FIELDS:
        check.add("fields", _l("A form has at most %(n)d fields.", n=MAX_FIELDS))
    earlier: dict[str, dict] = {}
    for n, item in enumerate(raw[:MAX_FIELDS]):
        field = clean_field(check, n, item, earlier)
        if field is not None and field["name"] not in earlier:
            earlier[field["name"]] = field
    return list(earlier.values())


def _group(check: Checker, key: str, data: dict[str, Any], id_key: str, name_key: str) -> int | None:
    if data.get(id_key) not in (None, ""):
        group = db.session.get(Group, check.int_or_none(key, data[id_key], 1, 2**31) or 0)
    elif data.get(name_key):
        group = db.session.scalar(sa.select(Group).where(Group.name == str(data[name_key])))
    else:
        return None
    if group is None:
        check.add(key, _l("No such group."))
        return None
    return group.id


def _approver_user(check: Checker, data: dict[str, Any]) -> int | None:
    if data.get("approver_user_id") not in (None, ""):
        user = db.session.get(User, check.int_or_none("approver", data["approver_user_id"], 1, 2**31) or 0)
    elif data.get("approver_email"):
        user = db.session.scalar(
            sa.select(User).where(User.email == str(data["approver_email"]).strip().casefold())
        )
    else:
        return None
    if user is None or not user.is_staff:
        check.add("approver", _l("The approver must be an agent."))
        return None
    return user.id


def _approvers(check: Checker, data: dict[str, Any]) -> tuple[int | None, int | None]:
    approver = data.get("approver") if isinstance(data.get("approver"), dict) else {}
    flat = {**data, "approver_group": approver.get("group"), "approver_email": approver.get("email")}
    return (
        _group(check, "approver", flat, "approver_group_id", "approver_group"),
        _approver_user(check, flat),
    )


def _answer_references(check: Checker, action: Any, config: dict[str, Any], names: set[str]) -> None:
    for key, spec, _required in actions.settings(action):
        value = config.get(key)
        if spec.get("x-widget") == "answer-field" and isinstance(value, str) and value and value not in names:
            check.add(f"config.{key}", _l("There is no field with this name in the form."))
    verify = getattr(action, "check", None)
    if verify is not None:
        for key, reason in verify(config, names):
            check.add(key, reason)


def clean_checklist(check: Checker, raw: Any) -> list[str]:
    """Task titles, from a list or from lines of text."""
    tasks = raw or []
    if isinstance(tasks, str):
        tasks = tasks.splitlines()
    if not isinstance(tasks, list) or not all(isinstance(t, str) for t in tasks):
        check.add("checklist", _l("The checklist must be a list of tasks."))
        return []
    tasks = [t.strip()[:300] for t in tasks if t.strip()]
    if len(tasks) > MAX_TASKS:
        check.add("checklist", _l("A checklist has at most %(n)d tasks.", n=MAX_TASKS))
    return tasks[:MAX_TASKS]


def clean_fulfilment(check: Checker, data: dict[str, Any], fields: list[dict]) -> dict[str, Any]:
    """How the item is fulfilled: kind, action and its validated settings, groups, approver, checklist."""
    kind = str(data.get("kind") or "")
    if kind not in FULFILMENTS:
        check.add("kind", _l("Choose how the request is fulfilled."))
    action_name = str(data.get("action") or "").strip() or None
    action = actions.get(action_name)
    config: dict[str, Any] = {}
    if action_name and action is None:
        check.add("action", _l("Unknown action."))
    elif action is not None:
        raw = data.get("config") if data.get("config") is not None else {}
        try:
            config = actions.validate_config(action.name, raw)
        except ValidationFailed as failed:
            check.errors.extend(failed.errors)
        if isinstance(raw, dict):
            _answer_references(check, action, raw, {f["name"] for f in fields})
    if kind == "auto" and action is None and not action_name:
        check.add("action", _l("Automatic fulfilment needs an action."))
    approver_group_id, approver_user_id = _approvers(check, data)
    if kind == "approval" and not (approver_group_id or approver_user_id):
        check.add("approver", _l("Choose who approves: a group or an agent."))
    tasks = clean_checklist(check, data.get("checklist"))
    done = _texts(data, "done_messages", "done_message")
    return {
        "fulfilment": kind,
        "action": action.name if action else None,
        "action_config": config,
        "group_id": _group(check, "group", data, "group_id", "group"),
        "approver_group_id": approver_group_id if kind == "approval" else None,
        "approver_user_id": approver_user_id if kind == "approval" else None,
        "checklist": tasks,
        "done_message_ko": done["ko"][:2000],
        "done_message_en": done["en"][:2000],
    }


def clean_slug(check: Checker, data: dict[str, Any], english_name: str, existing: Any) -> str:
    """The item's web address: given, or made from the English name; unique."""
    slug = str(data.get("slug") or "").strip().lower() or slugify(english_name)
    if not SLUG_RE.match(slug):
        check.add("slug", _l("Use lower-case letters, digits and hyphens (2 to 80)."))
    clash = db.session.scalar(sa.select(CatalogItem.id).where(CatalogItem.slug == slug))
    if clash and (existing is None or clash != existing.id):
        check.add("slug", _l("Another item already uses this web address."))
    return slug


def clean_presentation(check: Checker, data: dict[str, Any], existing: Any) -> dict[str, Any]:
    """What customers see and who may ask: texts in both languages, web address, icon, audience."""
    names = _texts(data, "names", "name")
    for locale, label in (("ko", _l("Korean")), ("en", _l("English"))):
        if not names[locale]:
            check.add(f"name_{locale}", _l("Enter the name in %(language)s.", language=label))
    audience = str(data.get("audience") or "everyone")
    if audience not in AUDIENCES:
        check.add("audience", _l("Choose who may request it."))
    tier = str(data.get("tier") or "") or None
    if audience == "tier" and tier not in TIERS:
        check.add("tier", _l("Choose a tier."))
    icon = str(data.get("icon") or "grid").strip()
    if not ICON_RE.match(icon):
        check.add("icon", _l("Choose an icon."))
    descriptions = _texts(data, "descriptions", "description")
    categories = _texts(data, "categories", "category")
    return {
        "slug": clean_slug(check, data, names["en"], existing),
        "name_ko": names["ko"][:200],
        "name_en": names["en"][:200],
        "description_ko": descriptions["ko"][:4000],
        "description_en": descriptions["en"][:4000],
        "category_ko": categories["ko"][:80],
        "category_en": categories["en"][:80],
        "icon": icon,
        "audience": audience,
        "tier": tier if audience == "tier" else None,
        "active": bool(data.get("active", True)),
        "position": Checker().int_or_none("position", data.get("position"), -10000, 10000) or 0,
    }


def clean_item(data: Any, *, existing: Any = None) -> dict[str, Any]:
    """Every column of an item from its definition, or ValidationFailed naming each problem."""
    if not isinstance(data, dict):
        raise ValidationFailed([(None, str(_l("An item must be an object.")))])
    check = Checker()
    presentation = clean_presentation(check, data, existing)
    fields = clean_fields(check, data.get("fields"))
    raw_fulfilment = data.get("fulfilment")
    if isinstance(raw_fulfilment, str):  # the flat shape of the admin form
        raw_fulfilment = {**data, "kind": raw_fulfilment}
    fulfilment = clean_fulfilment(check, raw_fulfilment if isinstance(raw_fulfilment, dict) else {}, fields)
    if check.errors:
        raise ValidationFailed(check.errors)
    return {**presentation, "fields": fields, **fulfilment}

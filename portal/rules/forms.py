"""The rule builder: the rule's own fields (WTForms), its condition and action rows, and what each row offers.

Rows arrive as `conditions-N-field|op|value` and `actions-N-type|value|subject|body|subject_en|body_en`; the
builder spec (fields, operators, choices with labels) is rendered into the page for rules.js and used by the
server to draw the right control for each saved row, so the page also works without JavaScript.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from portal.accounts.models import Group, User
from portal.core.forms import Form, choices
from portal.rules.actions import ACTIONS, RECIPIENTS, SET_STATUSES
from portal.rules.conditions import FIELDS, OPS
from portal.tickets.forms import CHANNEL_LABELS, PRIORITY_LABELS, STATUS_LABELS

TIER_LABELS = {"standard": _l("Standard"), "silver": _l("Silver"), "gold": _l("Gold"), "vip": _l("VIP")}
ACTOR_LABELS = {"customer": _l("the customer"), "agent": _l("an agent"), "system": _l("the system")}
KIND_LABELS = {
    "trigger": _l("Trigger (at intake and on changes)"),
    "automation": _l("Automation (on time, every 5 minutes)"),
}
RUNS_ON_LABELS = {
    "created": _l("When a ticket is created"),
    "updated": _l("When a ticket is updated"),
    "both": _l("Both"),
}
CONDITION_KEYS = ("field", "op", "value")
ACTION_KEYS = ("type", "value", "subject", "body", "subject_en", "body_en")


class RuleForm(Form):
    name = StringField(_l("Name"), validators=[Length(max=120)])  # required: checked with the rows (service)
    description = TextAreaField(_l("Description (optional)"), validators=[Length(max=2000)])
    kind = SelectField(_l("Kind"), choices=choices(KIND_LABELS.items()), validate_choice=False)
    runs_on = SelectField(_l("Runs"), choices=choices(RUNS_ON_LABELS.items()), validate_choice=False)
    group_id = SelectField(_l("Department (group)"), coerce=str, choices=[], validate_choice=False)
    match = SelectField(
        _l("Conditions"),
        choices=choices(
            [("all", _l("Meet all of the conditions")), ("any", _l("Meet any of the conditions"))]
        ),
        validate_choice=False,
    )
    active = BooleanField(_l("Active"), default=True)


def rows(formdata: Any, prefix: str, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """Builder rows posted as `<prefix>-<n>-<key>`, in the order of n."""
    found: dict[int, dict[str, Any]] = {}
    pattern = re.compile(rf"^{prefix}-(\d+)-({'|'.join(keys)})$")
    for name in formdata:
        match = pattern.match(name)
        if match and int(match.group(1)) < 100:
            found.setdefault(int(match.group(1)), {})[match.group(2)] = formdata.get(name)
    return [found[i] for i in sorted(found)]


def _choice_labels(name: str) -> dict[str, Any]:
    return {
        "channel": CHANNEL_LABELS,
        "tier": TIER_LABELS,
        "status": STATUS_LABELS,
        "priority": PRIORITY_LABELS,
        "updated_by": ACTOR_LABELS,
    }.get(name, {})


def builder_spec(groups: list[Group], agents: list[User]) -> dict[str, Any]:
    """Everything the builder offers, with labels in the viewer's language (also sent to rules.js)."""
    group_choices = [[str(g.id), g.name] for g in groups]
    fields = {}
    for name, spec in FIELDS.items():
        labels = _choice_labels(name)
        options = [[c, str(labels.get(c, c))] for c in spec.choices] if spec.choices else None
        if spec.kind == "group":
            options = [["", _("(no group)")], *group_choices]
        fields[name] = {
            "label": str(spec.label),
            "kind": spec.kind,
            "ops": [[op, str(OPS[op])] for op in spec.ops],
            "choices": options,
            "automation": spec.automation_only,
        }
    agent_choices = [[str(a.id), a.name] for a in agents]
    kinds = {
        "set_group": ("choice", group_choices),
        "set_priority": ("choice", [[k, str(v)] for k, v in PRIORITY_LABELS.items()]),
        "set_status": ("choice", [[k, str(STATUS_LABELS[k])] for k in SET_STATUSES]),
        "add_tags": ("text", None),
        "remove_tags": ("text", None),
        "assign": ("choice", agent_choices),
        "round_robin": ("choice", [["", _("(the ticket's group)")], *group_choices]),
        "send_email": ("email", [[k, str(v)] for k, v in RECIPIENTS.items()]),
        "add_note": ("note", None),
    }
    acts = {
        name: {"label": str(ACTIONS[name]), "kind": kinds[name][0], "choices": kinds[name][1]}
        for name in ACTIONS
    }
    return {"fields": fields, "actions": acts}


def describe_condition(condition: dict[str, Any], spec: dict[str, Any]) -> str:
    """A condition as a sentence fragment for the rules list."""
    field = spec["fields"].get(condition.get("field"), {"label": condition.get("field"), "choices": None})
    op = str(OPS.get(condition.get("op", ""), condition.get("op")))
    return f"{field['label']} {op} {_show(condition.get('value'), field.get('choices'))}".strip()


def describe_action(action: dict[str, Any], spec: dict[str, Any]) -> str:
    """An action as a sentence fragment for the rules list."""
    act = spec["actions"].get(action.get("type"), {"label": action.get("type"), "choices": None})
    if act["kind"] == "email":
        return f"{act['label']} → {_show(action.get('value'), act['choices'])}: {action.get('subject', '')}"
    if act["kind"] == "note":
        return str(act["label"])
    return f"{act['label']}: {_show(action.get('value'), act['choices'])}".rstrip(": ")


def _show(value: Any, options: list[list[str]] | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if options:
        return next((label for key, label in options if key == str(value)), str(value)) or "—"
    return str(value)

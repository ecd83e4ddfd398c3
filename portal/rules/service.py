"""What admins change: rules, their order and whether they run. Flushes, never commits."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.accounts.models import Group
from portal.core.db import utcnow
from portal.core.errors import ValidationFailed
from portal.extensions import db
from portal.rules import actions, conditions, engine
from portal.rules.models import KINDS, RUNS_ON, Rule


def _check_rule(
    name: str, kind: str, runs_on: str, match: str, group_id: int | None
) -> list[tuple[str | None, Any]]:
    errors: list[tuple[str | None, Any]] = []
    if not (name or "").strip():
        errors.append(("name", _l("Enter a name.")))
    if kind not in KINDS:
        errors.append(("kind", _l("Choose trigger or automation.")))
    if kind == "trigger" and runs_on not in RUNS_ON:
        errors.append(("runs_on", _l("Choose when the trigger runs.")))
    if match not in ("all", "any") or (kind == "automation" and match == "any"):
        errors.append(
            (
                "match",
                _l("An automation must meet all of its conditions.")
                if match == "any"
                else _l("Choose all or any."),
            )
        )
    if group_id is not None and db.session.get(Group, group_id) is None:
        errors.append(("group_id", _l("Choose a group from the list.")))
    return errors


def save_rule(
    rule: Rule | None,
    *,
    name: str,
    kind: str,
    condition_rows: list[dict[str, Any]],
    action_rows: list[dict[str, Any]],
    description: str = "",
    runs_on: str = "created",
    group_id: int | None = None,
    match: str = "all",
    active: bool = True,
) -> Rule:
    """Create or change a rule from the builder's rows; every problem is reported on its own field."""
    errors = _check_rule(name, kind, runs_on, match, group_id)
    stored_conditions = _rows(condition_rows, lambda i, row: conditions.clean(kind, i, row), errors)
    stored_actions = _rows(action_rows, actions.clean, errors)
    if not stored_actions and not any((f or "").startswith("actions-") for f, _ in errors):
        errors.append(("actions", _l("Add at least one action.")))
    if kind == "automation" and not any(c["field"] in conditions.TIME_FIELDS for c in stored_conditions):
        errors.append(
            ("conditions", _l("An automation needs a time condition, such as hours since created."))
        )
    if errors:
        raise ValidationFailed(errors)
    if rule is None:
        top = db.session.scalar(sa.select(sa.func.max(Rule.position))) or 0
        rule = Rule(position=top + 1)
        db.session.add(rule)
    rule.name, rule.description = name.strip()[:120], (description or "").strip()
    rule.kind, rule.runs_on = kind, runs_on if kind == "trigger" else "both"
    rule.group_id, rule.match, rule.active = group_id, match, bool(active)
    rule.conditions, rule.actions = stored_conditions, stored_actions
    rule.updated_at = utcnow()
    db.session.flush()
    engine.invalidate()
    return rule


def _rows(
    rows: list[dict[str, Any]], clean: Any, errors: list[tuple[str | None, Any]]
) -> list[dict[str, Any]]:
    stored = []
    for index, row in enumerate(rows):
        value, problems = clean(index, row)
        errors.extend(problems)
        if value is not None:
            stored.append(value)
    return stored


def move_rule(rule: Rule, direction: int) -> None:
    """Swap a rule with its neighbour above (-1) or below (+1) among rules of the same kind."""
    ordered = list(
        db.session.scalars(sa.select(Rule).where(Rule.kind == rule.kind).order_by(Rule.position, Rule.id))
    )
    for index, row in enumerate(ordered):
        row.position = index
    at = ordered.index(rule)
    other = at + direction
    if 0 <= other < len(ordered):
        ordered[at].position, ordered[other].position = other, at
    db.session.flush()
    engine.invalidate()


def set_active(rule: Rule, active: bool) -> None:
    """Switch a rule on or off."""
    rule.active = bool(active)
    rule.updated_at = utcnow()
    db.session.flush()
    engine.invalidate()


def delete_rule(rule: Rule) -> None:
    """Remove a rule (its past firings stay in the tickets' histories)."""
    db.session.delete(rule)
    db.session.flush()
    engine.invalidate()

"""Fulfilment actions: small plug-ins, each with a declared config schema, found by name in a registry.

An action's `run(context)` answers an Outcome: done (with a result), retry (a passing failure: the worker tries
again with backoff) or fail (hand the request to a person). It may add rows and queue outbox side effects, but
must not commit. The config schema is JSON Schema; the admin UI draws its inputs from it and jsonschema checks
what the admin saves. Schema extensions read by the UI: `x-widget` (textarea, secret, answer-field),
`x-label` and `x-help` (lazy translations).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import jsonschema
from flask_babel import lazy_gettext as _l

from portal.core.errors import ValidationFailed


@dataclass
class Context:
    """What an action gets to work with."""

    request: Any  # CatalogRequest
    item: Any  # CatalogItem
    customer: Any  # Customer
    answers: dict[str, Any]
    config: dict[str, Any]
    attempt: int  # 1 for the first try


@dataclass
class Outcome:
    """How a run ended: `done`, `retry` (try again later) or `fail` (a person takes over)."""

    status: str
    result: dict[str, Any] = field(default_factory=dict)
    reason: str = ""

    @classmethod
    def done(cls, result: dict[str, Any] | None = None) -> Outcome:
        return cls("done", result or {})

    @classmethod
    def retry(cls, reason: str) -> Outcome:
        return cls("retry", reason=reason)

    @classmethod
    def fail(cls, reason: str) -> Outcome:
        return cls("fail", reason=reason)


class Action(Protocol):
    """A fulfilment plug-in."""

    name: str
    label: Any
    description: Any
    schema: dict[str, Any]

    def run(self, context: Context) -> Outcome:
        """Do the work for one request."""
        ...


_actions: dict[str, Action] = {}


def register(action: Action) -> Action:
    """Make an action available to items (by its name)."""
    _actions[action.name] = action
    return action


def get(name: str | None) -> Action | None:
    """The action of this name, if registered."""
    return _actions.get(name or "")


def available() -> list[Action]:
    """Every registered action, in registration order."""
    return list(_actions.values())


def _path(error: jsonschema.ValidationError) -> str:
    if error.validator == "required":
        missing = str(error.message).split("'")[1] if "'" in str(error.message) else ""
        return ".".join(["config", *[str(p) for p in error.absolute_path], missing]).rstrip(".")
    return ".".join(["config", *[str(p) for p in error.absolute_path]])


def _message(error: jsonschema.ValidationError) -> str:
    rule = error.validator
    custom = error.schema.get("x-message") if isinstance(error.schema, dict) else None
    if custom and rule not in ("required", "type"):
        return str(custom)
    if rule == "required":
        return str(_l("Fill this in."))
    if rule == "minLength":
        if error.validator_value == 1:
            return str(_l("Fill this in."))
        return str(_l("Use at least %(n)d characters.", n=error.validator_value))
    if rule == "maxLength":
        return str(_l("Use at most %(n)d characters.", n=error.validator_value))
    if rule == "pattern":
        return str(_l("This value does not have the expected form."))
    if rule in ("minimum", "maximum"):
        low, high = _bound(error, "minimum"), _bound(error, "maximum")
        return str(_l("Enter a number from %(low)s to %(high)s.", low=low, high=high))
    if rule == "type":
        return str(_l("This value has the wrong type."))
    if rule == "enum":
        return str(_l("Choose one of the offered values."))
    if rule == "additionalProperties":
        return str(_l("Unknown setting: %(detail)s", detail=error.message))
    return str(error.message)


def _bound(error: jsonschema.ValidationError, key: str) -> Any:
    return (error.schema or {}).get(key, "…") if isinstance(error.schema, dict) else "…"


def validate_config(name: str, config: Any) -> dict[str, Any]:
    """The config checked against the action's schema; ValidationFailed names each wrong setting (config.KEY)."""
    action = get(name)
    if action is None:
        raise ValidationFailed([("action", str(_l("Unknown action.")))])
    if not isinstance(config, dict):
        raise ValidationFailed([("config", str(_l("The settings must be an object.")))])
    validator = jsonschema.Draft202012Validator(action.schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path))
    if errors:
        raise ValidationFailed([(_path(e), _message(e)) for e in errors])
    return dict(config)


def secret_keys(name: str | None) -> list[str]:
    """Settings of an action that are secrets (never shown back in full)."""
    action = get(name)
    if action is None:
        return []
    props = action.schema.get("properties", {})
    return [k for k, spec in props.items() if spec.get("x-widget") == "secret"]


def settings(action: Action) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """(key, property schema, required) of an action's settings, in declared order."""
    required = set(action.schema.get("required", []))
    for key, spec in action.schema.get("properties", {}).items():
        yield key, spec, key in required

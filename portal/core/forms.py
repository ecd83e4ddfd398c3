"""Form base: CSRF from Flask-WTF, and service validation failures put back on the fields."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from portal.core.errors import ValidationFailed


class Form(FlaskForm):
    """Every HTML form derives from this (CSRF on every form)."""

    def apply(self, failed: ValidationFailed) -> None:
        """Show a service's ValidationFailed on the matching fields; others go to form_errors."""
        for field_name, reason in failed.errors:
            field = self._fields.get(field_name or "")
            if field is not None:
                field.errors = [*field.errors, reason]  # type: ignore[list-item]
            else:
                self.form_errors.append(reason)


def choices(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs, in the form WTForms 3.3+ expects."""
    return [SelectChoice(value, label) for value, label in pairs]

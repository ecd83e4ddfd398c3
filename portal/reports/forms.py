"""The admin's choice of who sees reports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectMultipleField

from portal.core.forms import Form, choices


class AccessForm(Form):
    agents = RadioField(
        _l("Agents who see reports"),
        choices=choices(
            [
                ("all", _l("Every agent (admins always do)")),
                ("leads", _l("Only the team leads chosen below")),
            ]
        ),
        default="all",
    )
    leads = SelectMultipleField(_l("Team leads"), choices=[], coerce=str)

"""Admin forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from portal.core.forms import Form, choices

ROLE_CHOICES = choices([("customer", _l("Customer")), ("agent", _l("Agent")), ("admin", _l("Admin"))])


class UserForm(Form):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(_l("Enter an email address.")), Email(_l("Enter a valid email address."))],
    )
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=200)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    password = PasswordField(
        _l("Password"), validators=[Optional(), Length(min=8, message=_l("Use at least 8 characters."))]
    )
    locale = SelectField(
        _l("Language"), choices=choices([("", _l("Automatic")), ("ko", "한국어"), ("en", "English")])
    )
    active = BooleanField(_l("Active"), default=True)
    groups = SelectMultipleField(_l("Groups"), coerce=int, choices=[])


class GroupForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=100)])
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])
    members = SelectMultipleField(_l("Members"), coerce=int, choices=[])

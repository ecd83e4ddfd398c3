"""Sign-in, password and profile forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from portal.core.forms import Form, choices

LOCALE_CHOICES = choices([("", _l("Automatic")), ("ko", "한국어"), ("en", "English")])
TIMEZONE_CHOICES = choices(
    [
        ("", _l("Company default")),
        ("Asia/Seoul", "Asia/Seoul"),
        ("UTC", "UTC"),
        ("America/Los_Angeles", "America/Los_Angeles"),
        ("America/New_York", "America/New_York"),
        ("Europe/London", "Europe/London"),
        ("Asia/Tokyo", "Asia/Tokyo"),
    ]
)


class LoginForm(Form):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(_l("Enter your email address.")), Email(_l("Enter a valid email address."))],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Keep me signed in"))


class ForgotForm(Form):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(_l("Enter your email address.")), Email(_l("Enter a valid email address."))],
    )


class NewPasswordForm(Form):
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Enter a password.")),
            Length(min=8, message=_l("Use at least 8 characters.")),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the password"), validators=[EqualTo("password", _l("The two passwords differ."))]
    )


class ClaimForm(NewPasswordForm):
    name = StringField(_l("Your name"), validators=[DataRequired(_l("Enter your name.")), Length(max=200)])


class ProfileForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter your name.")), Length(max=200)])
    locale = SelectField(_l("Language"), choices=LOCALE_CHOICES)
    timezone = SelectField(_l("Time zone"), choices=TIMEZONE_CHOICES)


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )

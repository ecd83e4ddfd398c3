"""The admin's mailbox form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from portal.core.forms import Form, choices

SECURITY_CHOICES = choices(
    [
        ("ssl", _l("SSL/TLS (usually port 993)")),
        ("starttls", _l("STARTTLS (usually port 143)")),
        ("none", _l("None (testing only)")),
    ]
)


class MailboxForm(Form):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Give the mailbox a name agents recognise.")), Length(max=100)],
    )
    address = EmailField(
        _l("Support address"),
        validators=[Optional(), Email(_l("Enter a valid email address.")), Length(max=320)],
        description=_l("The address customers write to; mail from it is never turned into tickets."),
    )
    host = StringField(
        _l("IMAP server"),
        validators=[DataRequired(_l("Enter the server name, e.g. imap.gmail.com.")), Length(max=255)],
    )
    port = IntegerField(
        _l("Port"),
        default=993,
        validators=[
            DataRequired(_l("Enter the port.")),
            NumberRange(1, 65535, _l("A port is between 1 and 65535.")),
        ],
    )
    security = SelectField(_l("Encryption"), choices=SECURITY_CHOICES, default="ssl")
    username = StringField(
        _l("User name"), validators=[DataRequired(_l("Enter the user name.")), Length(max=320)]
    )
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(max=500)],
        description=_l(
            "Stored encrypted. Leave empty to keep the saved one. Gmail and Outlook need an app password."
        ),
    )
    folder = StringField(
        _l("Folder"), default="INBOX", validators=[DataRequired(_l("Enter a folder.")), Length(max=200)]
    )
    move_to = StringField(
        _l("Move processed mail to"),
        validators=[Optional(), Length(max=200)],
        description=_l("A folder name; leave empty to only mark processed mail as read."),
    )
    enabled = BooleanField(_l("Poll this mailbox"), default=True)

    def validate_host(self, field: StringField) -> None:
        """A server name, not a URL (people paste imap://… or https://…)."""
        host = (field.data or "").strip()
        if "://" in host or "/" in host or " " in host:
            raise ValidationError(_l("Enter only the server name, e.g. imap.example.com."))

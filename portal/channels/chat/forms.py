"""The admin's chat settings form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import Length

from portal.core.forms import Form


class ChatSettingsForm(Form):
    allowed_origins = TextAreaField(
        _l("Sites that may embed the chat"),
        description=_l("One address per line, such as https://shop.example.com. Leave empty to allow none."),
    )
    business_hours = StringField(
        _l("Business hours"),
        validators=[Length(max=300)],
        description=_l(
            "Like: mon-fri 09:00-18:00, sat 10:00-14:00 (company time zone). Empty means always open."
        ),
    )
    closed_on_holidays = BooleanField(_l("Closed on public holidays"))

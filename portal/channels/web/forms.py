"""The portal's request form and reply form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf.file import MultipleFileField
from wtforms import EmailField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from portal.core.forms import Form


class RequestForm(Form):
    subject = StringField(
        _l("Subject"),
        validators=[
            DataRequired(_l("Tell us in a few words what it is about.")),
            Length(max=200, message=_l("Keep the subject under 200 characters.")),
        ],
    )
    text = TextAreaField(
        lazy_pgettext("request form", "Description"),
        validators=[
            DataRequired(_l("Describe what happened or what you need.")),
            Length(max=50000, message=_l("This is too long.")),
        ],
    )
    files = MultipleFileField(_l("Attachments"))
    # What the customer did just before (searches, articles read, where they came from): filled by the page.
    context = HiddenField()


class GuestRequestForm(RequestForm):
    name = StringField(_l("Your name"), validators=[DataRequired(_l("Enter your name.")), Length(max=200)])
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(_l("Enter your email address.")), Email(_l("Enter a valid email address."))],
    )
    phone = StringField(_l("Phone (optional)"), validators=[Optional(), Length(max=40)])


class ReplyForm(Form):
    text = TextAreaField(_l("Your reply"), validators=[Length(max=50000, message=_l("This is too long."))])
    files = MultipleFileField(_l("Attachments"))

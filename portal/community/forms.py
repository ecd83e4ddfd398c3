"""The board's forms; every message names the field and speaks the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from portal.community.content import BODY_MAX, REPLY_MAX, TITLE_MAX, TITLE_MIN
from portal.community.models import SOUR_KINDS
from portal.core.forms import Form, choices

FLAG_LABELS = {
    "spam": _l("Spam or advertising"),
    "abusive": _l("Rude or abusive"),
    "off_topic": _l("Off topic"),
    "other": _l("Something else"),
}
SOUR_LABELS = {"angry": _l("Angry"), "failure": _l("Reports a failure")}


class PostForm(Form):
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(_l("Write a title.")),
            Length(
                min=TITLE_MIN,
                max=TITLE_MAX,
                message=_l("The title needs %(min)d to %(max)d characters.", min=TITLE_MIN, max=TITLE_MAX),
            ),
        ],
    )
    topic_id = SelectField(_l("Topic"), coerce=str, choices=[], validators=[Optional()])
    tags = StringField(
        _l("Tags"), validators=[Length(max=200, message=_l("Keep the tags under 200 characters."))]
    )
    body = TextAreaField(
        _l("Your question or experience"),
        validators=[
            DataRequired(_l("Write something first.")),
            Length(max=BODY_MAX, message=_l("Keep it under %(max)d characters.", max=BODY_MAX)),
        ],
    )


class ReplyForm(Form):
    body = TextAreaField(
        _l("Your answer"),
        validators=[
            DataRequired(_l("Write something first.")),
            Length(max=REPLY_MAX, message=_l("Keep it under %(max)d characters.", max=REPLY_MAX)),
        ],
    )


class FlagForm(Form):
    reason = RadioField(
        _l("Why should a moderator look?"),
        choices=choices(FLAG_LABELS.items()),
        validators=[DataRequired(_l("Choose a reason."))],
    )
    note = StringField(_l("Anything to add (optional)"), validators=[Optional(), Length(max=500)])


class MoveForm(Form):
    topic_id = SelectField(_l("Move to topic"), coerce=str, choices=[])


class MergeForm(Form):
    target = StringField(
        _l("Merge into post (number or link)"),
        validators=[DataRequired(_l("Give the number or link of the post to merge into."))],
    )


class TopicForm(Form):
    name = StringField(
        _l("Name (Korean)"), validators=[DataRequired(_l("Give the topic a name.")), Length(max=100)]
    )
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=100)])
    slug = StringField(
        _l("Address"),
        validators=[
            DataRequired(_l("Choose a short address, such as billing.")),
            Length(max=60),
            Regexp(r"^[a-z0-9][a-z0-9-]*$", message=_l("Use lower-case letters, digits and dashes.")),
        ],
    )
    description = StringField(_l("Description (Korean)"), validators=[Optional(), Length(max=300)])
    description_en = StringField(_l("Description (English)"), validators=[Optional(), Length(max=300)])
    icon = StringField(_l("Icon"), validators=[Optional(), Length(max=40)], default="chat-square-text")
    position = IntegerField(_l("Order"), validators=[Optional(), NumberRange(min=0, max=1000)], default=50)


class SourTermForm(Form):
    term = StringField(
        _l("Word or phrase"),
        validators=[DataRequired(_l("Enter a word or phrase.")), Length(min=2, max=100)],
    )
    kind = SelectField(_l("Kind"), choices=choices((k, SOUR_LABELS[k]) for k in SOUR_KINDS))


class FollowForm(Form):
    kind = HiddenField()
    key = HiddenField()
    email = BooleanField(_l("Also by email"), default=True)

"""Agents' forms on the ticket page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from portal.core.forms import Form, choices

STATUS_LABELS = {
    "new": _l("New"),
    "open": _l("Open"),
    "pending": _l("Pending"),
    "solved": _l("Solved"),
    "closed": _l("Closed"),
}
PRIORITY_LABELS = {"low": _l("Low"), "normal": _l("Normal"), "high": _l("High"), "urgent": _l("Urgent")}
CHANNEL_LABELS = {
    "email": _l("Email"),
    "chat": _l("Chat"),
    "web": _l("Web"),
    "api": _l("API"),
    "catalog": _l("Catalog"),
    "phone": _l("Phone"),
    "community": _l("Community"),
}


class ReplyForm(Form):
    text = TextAreaField(_l("Reply"), validators=[Length(max=100000)])
    internal = BooleanField(_l("Internal note"))
    status = SelectField(
        _l("Then set status"),
        choices=choices([("", _l("(unchanged)"))] + [(k, v) for k, v in STATUS_LABELS.items() if k != "new"]),
        default="",
    )
    files = MultipleFileField(_l("Attachments"))
    seen_version = HiddenField()  # the ticket's version when the agent opened it
    confirm = HiddenField()  # "1" after the agent reviewed a held reply
    seen_message_id = HiddenField()  # the newest message when the agent opened the ticket (shows what is new)
    seen_event_id = HiddenField()  # the newest change then
    macro_id = (
        HiddenField()
    )  # a macro applied in the reply box: its status, priority and tags go with the reply


class UpdateForm(Form):
    status = SelectField(_l("Status"), choices=choices(STATUS_LABELS.items()))
    priority = SelectField(_l("Priority"), choices=choices(PRIORITY_LABELS.items()))
    assignee_id = SelectField(_l("Assignee"), coerce=str, choices=[])
    group_id = SelectField(_l("Group"), coerce=str, choices=[])
    tags = StringField(_l("Tags"), validators=[Length(max=1000)])

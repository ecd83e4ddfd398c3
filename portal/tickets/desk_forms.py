"""Forms of the agent workspace: macros and tickets that agents open for customers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from portal.core.forms import Form, choices
from portal.tickets.forms import PRIORITY_LABELS, STATUS_LABELS

SCOPE_LABELS = {"personal": _l("Only me"), "group": _l("A group"), "everyone": _l("Everyone")}


class MacroForm(Form):
    name = StringField(_l("Name"), validators=[Length(max=120)])
    body = TextAreaField(_l("Reply text"), validators=[Length(max=20000)])
    internal = BooleanField(_l("Insert as an internal note"))
    set_status = SelectField(
        _l("Set status"),
        choices=choices([("", _l("(unchanged)"))] + [(k, v) for k, v in STATUS_LABELS.items() if k != "new"]),
        default="",
        validate_choice=False,  # the service checks it, with a message of its own
    )
    set_priority = SelectField(
        _l("Set priority"),
        choices=choices([("", _l("(unchanged)"))] + list(PRIORITY_LABELS.items())),
        default="",
        validate_choice=False,
    )
    add_tags = StringField(_l("Add tags"), validators=[Length(max=500)])
    scope = SelectField(_l("Who can use it"), choices=choices(SCOPE_LABELS.items()), default="personal")
    group_id = SelectField(_l("Group"), coerce=str, choices=[], validate_choice=False)


class NewTicketForm(Form):
    customer_id = HiddenField()
    query = StringField(_l("Find a customer"), validators=[Length(max=200)])
    name = StringField(_l("Name"), validators=[Length(max=200)])
    email = StringField(_l("Email"), validators=[Length(max=320)])
    phone = StringField(_l("Phone"), validators=[Length(max=40)])
    channel = SelectField(
        _l("How they reached us"),
        choices=choices([("phone", _l("Phone")), ("email", _l("Email")), ("web", _l("Web"))]),
        default="phone",
        validate_choice=False,
    )
    subject = StringField(_l("Subject"), validators=[Length(max=300)])
    text = TextAreaField(_l("What the customer said"), validators=[Length(max=100000)])
    priority = SelectField(
        _l("Priority"), choices=choices(PRIORITY_LABELS.items()), default="normal", validate_choice=False
    )
    group_id = SelectField(_l("Group"), coerce=str, choices=[], validate_choice=False)
    assign_to_me = BooleanField(_l("Assign to me"), default=True)
    notify = BooleanField(_l("Email the customer a confirmation"))

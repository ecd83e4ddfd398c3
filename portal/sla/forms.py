"""Admin forms of the SLA domain: policies with targets per priority, calendars and their special days."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.core.forms import Form, choices
from portal.customers.models import TIERS
from portal.tickets.forms import CHANNEL_LABELS, PRIORITY_LABELS
from portal.tickets.models import PRIORITIES

TIER_LABELS = {"standard": _l("Standard"), "silver": _l("Silver"), "gold": _l("Gold"), "vip": _l("VIP")}


class PolicyForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])
    group_id = SelectField(_l("Department (group)"), coerce=str, choices=[], validate_choice=False)
    tiers = SelectMultipleField(
        _l("Customer tiers"), choices=choices((t, TIER_LABELS[t]) for t in TIERS), validate_choice=False
    )
    channels = SelectMultipleField(
        _l("Channels"), choices=choices(CHANNEL_LABELS.items()), validate_choice=False
    )
    business_hours = BooleanField(_l("Count business hours only (the group's calendar)"), default=True)
    warn_minutes = IntegerField(
        _l("Warn before a breach (minutes)"),
        default=60,
        validators=[
            InputRequired(_l("Enter a number of minutes.")),
            NumberRange(0, 10080, _l("Between 0 and 10080.")),
        ],
    )
    active = BooleanField(_l("Active"), default=True)


for _priority in PRIORITIES:
    setattr(
        PolicyForm, f"first_{_priority}", StringField(PRIORITY_LABELS[_priority], validators=[Length(max=20)])
    )
    setattr(
        PolicyForm,
        f"resolution_{_priority}",
        StringField(PRIORITY_LABELS[_priority], validators=[Length(max=20)]),
    )


class CalendarForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=100)])
    timezone = StringField(_l("Time zone"), default="Asia/Seoul", validators=[DataRequired(), Length(max=64)])
    korean_holidays = BooleanField(_l("Closed on Korean public holidays"), default=True)
    is_default = BooleanField(_l("Default calendar (for groups without their own)"))
    groups = SelectMultipleField(
        _l("Departments (groups) working by this calendar"), coerce=int, choices=[], validate_choice=False
    )


for _day in range(7):
    setattr(CalendarForm, f"hours_{_day}", StringField(validators=[Length(max=100)]))


class DayForm(Form):
    day = DateField(_l("Date"), validators=[InputRequired(_l("Choose a date."))])
    kind = SelectField(
        _l("This day is"),
        choices=choices(
            [("closed", _l("Closed (a day off)")), ("open", _l("Open (work despite the holiday)"))]
        ),
        validate_choice=False,
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=100)])

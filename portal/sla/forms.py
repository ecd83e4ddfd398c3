"""Admin forms of the SLA domain: policies with targets per priority, calendars and their special days."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from portal.core.forms import Form, choices
from portal.customers.models import TIERS
from portal.tickets.forms import CHANNEL_LABELS, PRIORITY_LABELS
from portal.tickets.models import PRIORITIES

TIER_LABELS = {"standard": _l("Standard"), "silver": _l("Silver"), "gold": _l("Gold"), "vip": _l("VIP")}


class PolicyForm(Form):
    name = StringField(_l("Name"), validators=[Length(max=120)])  # required: checked by the service
    description = TextAreaField(_l("Description (optional)"), validators=[Length(max=2000)])
    group_id = SelectField(_l("Department (group)"), coerce=str, choices=[], validate_choice=False)
    tiers = SelectMultipleField(
        _l("Customer tiers"), choices=choices((t, TIER_LABELS[t]) for t in TIERS), validate_choice=False
    )
    channels = SelectMultipleField(
        _l("Channels"), choices=choices(CHANNEL_LABELS.items()), validate_choice=False
    )
    business_hours = BooleanField(_l("Count business hours only (the group's calendar)"), default=True)
    warn_minutes = StringField(
        _l("Warn before a breach (minutes)"), default="60", validators=[Length(max=10)]
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
    name = StringField(_l("Name"), validators=[Length(max=100)])  # required: checked by the service
    timezone = StringField(_l("Time zone"), default="Asia/Seoul", validators=[Length(max=64)])
    korean_holidays = BooleanField(_l("Closed on Korean public holidays"), default=True)
    is_default = BooleanField(_l("Default calendar (for groups without their own)"))
    groups = SelectMultipleField(
        _l("Departments (groups) working by this calendar"), coerce=int, choices=[], validate_choice=False
    )


for _day in range(7):
    setattr(CalendarForm, f"hours_{_day}", StringField(validators=[Length(max=100)]))


class DayForm(Form):
    day = StringField(_l("Date"), validators=[Length(max=10)], render_kw={"type": "date"})
    kind = SelectField(
        _l("This day is"),
        choices=choices(
            [("closed", _l("Closed (a day off)")), ("open", _l("Open (work despite the holiday)"))]
        ),
        validate_choice=False,
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=100)])

"""Forms of the incident pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length

from portal.core.forms import Form, choices
from portal.customers.models import TIERS

TIER_LABELS = {"standard": _l("Standard"), "silver": _l("Silver"), "gold": _l("Gold"), "vip": _l("VIP")}


class IncidentForm(Form):
    title_ko = StringField(_l("Title (Korean)"), validators=[Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[Length(max=200)])
    description_ko = TextAreaField(_l("What customers should know (Korean)"), validators=[Length(max=5000)])
    description_en = TextAreaField(_l("What customers should know (English)"), validators=[Length(max=5000)])
    tiers = SelectMultipleField(
        _l("Customer tiers"), choices=choices((t, TIER_LABELS[t]) for t in TIERS), validate_choice=False
    )
    tags = StringField(_l("Customers with a ticket tagged"), validators=[Length(max=500)])
    products = StringField(_l("Customers of a product or catalog item"), validators=[Length(max=500)])
    emails = TextAreaField(_l("And these addresses"), validators=[Length(max=100000)])
    keywords = StringField(_l("Link new tickets mentioning"), validators=[Length(max=500)])
    banner = BooleanField(_l("Show a banner in the portal and the chat"), default=True)
    notify = BooleanField(_l("Email the affected customers now"), default=True)


class ResolveForm(Form):
    resolution_ko = TextAreaField(_l("Closing message (Korean)"), validators=[Length(max=5000)])
    resolution_en = TextAreaField(_l("Closing message (English)"), validators=[Length(max=5000)])
    credit = StringField(_l("Goodwill credit (optional)"), validators=[Length(max=300)])
    solve_tickets = BooleanField(_l("Answer and solve every linked ticket with this message"), default=True)


class LinkForm(Form):
    ref = StringField(_l("Ticket number"), validators=[Length(max=20)])

"""Forms of the survey pages and the admin's survey settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from portal.core.forms import Form, choices


class AnswerForm(Form):
    """A score button, or the comment box (each sends only its own field)."""

    score = IntegerField(_l("Score"), validators=[Optional()])
    comment = TextAreaField(_l("Anything you would like to add? (optional)"), validators=[Optional()])


def _days(label: object, low: int, high: int) -> IntegerField:
    return IntegerField(
        label,
        validators=[
            InputRequired(_l("Enter a number.")),
            NumberRange(low, high, _l("Enter a number from %(min)s to %(max)s.")),
        ],
    )


class SettingsForm(Form):
    """Which surveys go out, when, how often, and what a low score does."""

    csat_on_ticket_solved = BooleanField(_l("Ask CSAT when a ticket is solved"))
    csat_on_chat_ended = BooleanField(_l("Ask CSAT when a chat ends"))
    csat_on_request_fulfilled = BooleanField(_l("Ask CSAT when a catalog request is fulfilled"))
    ces_enabled = BooleanField(_l("Also ask how easy it was (Customer Effort Score, 1–7)"))
    send_delay_minutes = _days(_l("Send the survey this many minutes after the resolution"), 0, 7 * 24 * 60)
    customer_min_days = _days(_l("Ask the same customer at most once in this many days"), 0, 365)
    answer_days = _days(_l("Customers may answer or change their answer for this many days"), 1, 90)
    low_score_action = SelectField(
        _l("When a score is low"),
        choices=choices(
            [
                ("flag", _l("Flag the ticket for follow-up and tag it low-score")),
                ("reopen", _l("Reopen the ticket, flag it and tag it low-score")),
            ]
        ),
    )
    nps_enabled = BooleanField(_l("Send NPS surveys on a schedule"))
    nps_every_days = _days(_l("An NPS round every this many days"), 1, 365)
    nps_sample_percent = _days(_l("Share of active customers asked in each round (%)"), 1, 100)
    nps_active_days = _days(
        _l("Active customers: a ticket within this many days (asked NPS at most once in that time)"), 7, 730
    )


KIND_LABELS = {
    "csat": _l("Satisfaction (CSAT)"),
    "nps": _l("Net Promoter Score (NPS)"),
    "ces": _l("Customer effort (CES)"),
}
TOUCHPOINT_LABELS = {
    "agent": _l("Agent"),
    "bot": _l("Chat bot"),
    "article": _l("Self-service article"),
    "catalog": _l("Catalog automation"),
    "other": _l("Other"),
}

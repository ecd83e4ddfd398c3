"""Survey links (signed, naming one survey and its customer) and the survey mail, sent through the outbox."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.accounts import tokens
from portal.core import mail, outbox
from portal.core.db import utcnow
from portal.core.links import external_url
from portal.customers.models import Customer
from portal.customers.service import live
from portal.extensions import db
from portal.feedback.models import SCALES, Survey
from portal.feedback.service import SEND_KIND
from portal.tickets.models import Ticket

PURPOSE = "survey"

QUESTIONS = {
    "csat": _l("How satisfied are you with the help you received?"),
    "ces": _l("How easy was it to get your issue resolved?"),
    "nps": _l("How likely are you to recommend us to a friend or colleague?"),
}
# Words for the ends of each scale (and every CSAT step, which people read rather than count).
SCALE_WORDS = {
    "csat": {
        1: _l("Very dissatisfied"),
        2: _l("Dissatisfied"),
        3: _l("Neutral"),
        4: _l("Satisfied"),
        5: _l("Very satisfied"),
    },
    "ces": {1: _l("Very difficult"), 4: _l("Neither"), 7: _l("Very easy")},
    "nps": {0: _l("Not at all likely"), 10: _l("Extremely likely")},
}


def token(survey: Survey) -> str:
    """The signed token of a survey's links: names the survey and its customer, nothing else."""
    return tokens.sign(PURPOSE, {"s": survey.id, "c": survey.customer_id})


def survey_for_token(value: str) -> Survey | None:
    """The survey a genuine, unexpired token names, if it still belongs to that customer (merges followed)."""
    data = tokens.unsign(PURPOSE, value, current_app.config["SIGNED_LINK_MAX_AGE"])
    if not isinstance(data, dict) or not isinstance(data.get("s"), int) or not isinstance(data.get("c"), int):
        return None
    survey = db.session.get(Survey, data["s"])
    if survey is None:
        return None
    owner = live(db.session.get(Customer, data["c"]))
    current = live(survey.customer)
    if owner is None or current is None or owner.id != current.id:
        return None
    return survey


def answer_url(survey: Survey, score: int | None = None) -> str:
    """The absolute link to answer (with `score`: one click records it)."""
    return external_url("feedback.survey_page", token=token(survey), score=score)


def scale(survey: Survey, score_url: Any = None) -> list[dict[str, Any]]:
    """The choices of the survey's scale, with words where the scale has them and each choice's link."""
    low, high = SCALES[survey.kind]
    words = SCALE_WORDS[survey.kind]
    return [
        {"score": n, "label": words.get(n), "url": score_url(n) if score_url else None}
        for n in range(low, high + 1)
    ]


@outbox.handler(SEND_KIND)
def send_surveys(payload: dict[str, Any]) -> None:
    """Outbox handler: mail the first survey of a resolution (the page then asks the others); safe to run twice."""
    ids = [i for i in payload.get("survey_ids", []) if isinstance(i, int)]
    surveys = db.session.scalars(sa.select(Survey).where(Survey.id.in_(ids)).order_by(Survey.id)).all()
    surveys = [s for s in surveys if s.sent_at is None]
    if not surveys:
        return
    first = surveys[0]
    ticket = db.session.get(Ticket, first.ticket_id) if first.ticket_id else None
    if ticket is not None and first.trigger == "ticket_solved" and ticket.status not in ("solved", "closed"):
        for survey in surveys:  # reopened before the mail left: nothing was asked, a later solve may ask
            db.session.delete(survey)
        return
    customer = live(first.customer)
    now = utcnow()
    for survey in surveys:
        survey.sent_at = now
    if customer is None or not customer.email:
        return  # no address: the survey waits in the customer's portal
    subject, text, html = mail.compose(
        "survey",
        first.locale,
        survey=first,
        ticket=ticket,
        customer=customer,
        question=QUESTIONS[first.kind],
        choices=scale(first, lambda n: answer_url(first, n)),
        page_url=answer_url(first),
    )
    mail.queue(
        db.session,
        customer.email,
        subject,
        text,
        html,
        to_name=customer.name or None,
        headers={
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
            "X-Hana-Survey": first.kind,
        },
        meta={"survey_ids": [s.id for s in surveys]},
    )

"""Surveys: whether to ask, asking (the mail goes through the outbox), and recording answers. Flushes, never commits."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite

from portal.channels.registry import customer_locale
from portal.core import outbox
from portal.core.db import utcnow
from portal.core.errors import DomainError, ValidationFailed
from portal.customers import service as customers
from portal.customers.models import Customer, TimelineEntry
from portal.extensions import db
from portal.feedback.days import company_day
from portal.feedback.models import (
    SCALES,
    SETTINGS_DEFAULTS,
    Survey,
    SurveySettings,
    Touch,
)
from portal.feedback.touch import attribute
from portal.tickets import service as tickets
from portal.tickets.models import Ticket, TicketEvent

SEND_KIND = "feedback.send_survey"
COMMENT_MAX = 2000
CSAT_SWITCH = {
    "ticket_solved": "csat_on_ticket_solved",
    "chat_ended": "csat_on_chat_ended",
    "request_fulfilled": "csat_on_request_fulfilled",
}


class SurveyClosed(DomainError):
    """The time to answer or change this survey is over."""

    status = 409
    code = "survey_closed"


def settings() -> SurveySettings:
    """The admin's survey settings (defaults until they save them)."""
    return db.session.get(SurveySettings, 1) or SurveySettings(id=1, **SETTINGS_DEFAULTS)


def stored_settings() -> SurveySettings:
    """The settings row, created with the defaults if missing (for changes)."""
    row = db.session.get(SurveySettings, 1)
    if row is None:
        row = SurveySettings(id=1, **SETTINGS_DEFAULTS)
        db.session.add(row)
        db.session.flush()
    return row


def _reachable(customer: Customer) -> bool:
    """We can ask: a mail address that does not bounce, or a portal account to show the survey in."""
    bouncing = {i.value for i in customer.identities if i.kind == "email" and i.bouncing_at}
    return bool((customer.email and customer.email not in bouncing) or customer.user_id)


def _throttled(customer_id: int, cfg: SurveySettings, now: datetime) -> bool:
    if cfg.customer_min_days <= 0:
        return False
    since = now - timedelta(days=cfg.customer_min_days)
    return (
        db.session.scalar(
            sa.select(Survey.id).where(Survey.customer_id == customer_id, Survey.created_at > since).limit(1)
        )
        is not None
    )


def _key(kind: str, ticket: Ticket | None, source_type: str | None, source_id: Any) -> str:
    if ticket is not None:
        return f"{kind}:t{ticket.id}"
    return f"{kind}:{source_type or 'x'}{source_id}"


def ask_after(
    ticket: Ticket | None,
    trigger: str,
    *,
    customer_id: int | None = None,
    source_type: str | None = None,
    source_id: int | None = None,
    automatic: bool = False,
    actor: Any = None,
    now: datetime | None = None,
    notify: bool = True,
) -> list[Survey]:
    """After a resolution: make the CSAT (and CES, where enabled) surveys and send them, unless this ticket was
    already surveyed, the customer was asked too recently, or cannot be reached. `notify=False` (imports, demo
    history) records them as sent without mail."""
    now = now or utcnow()
    cfg = settings()
    kinds = (["csat"] if getattr(cfg, CSAT_SWITCH[trigger]) else []) + (["ces"] if cfg.ces_enabled else [])
    customer = customers.live(
        ticket.customer if ticket is not None else db.session.get(Customer, customer_id or 0)
    )
    if not kinds or customer is None or not _reachable(customer):
        return []
    keys = [_key(kind, ticket, source_type, source_id) for kind in kinds]
    if db.session.scalar(sa.select(Survey.id).where(Survey.key.in_(keys)).limit(1)) is not None:
        return []  # at most once per ticket, whichever trigger came first
    if _throttled(customer.id, cfg, now):
        return []
    touch = attribute(ticket, trigger, automatic=automatic, actor=actor)
    made = []
    for kind, key in zip(kinds, keys, strict=True):
        survey = _create(kind, key, trigger, customer, ticket, touch, cfg, now, source_type, source_id)
        if survey is not None:
            made.append(survey)
    if made and not notify:
        for survey in made:
            survey.sent_at = now
    elif made:
        outbox.enqueue(
            db.session, SEND_KIND, {"survey_ids": [s.id for s in made]}, delay=cfg.send_delay_minutes * 60
        )
    return made


def _create(
    kind: str,
    key: str,
    trigger: str,
    customer: Customer,
    ticket: Ticket | None,
    touch: Touch,
    cfg: SurveySettings,
    now: datetime,
    source_type: str | None = None,
    source_id: int | None = None,
) -> Survey | None:
    values = {
        "key": key,
        "kind": kind,
        "trigger": trigger,
        "customer_id": customer.id,
        "ticket_id": ticket.id if ticket is not None else None,
        "source_type": source_type,
        "source_id": source_id,
        "touchpoint": touch.touchpoint,
        "agent_id": touch.agent_id,
        "group_id": touch.group_id,
        "channel": touch.channel,
        "locale": customer_locale(customer),
        "created_at": now,
        "closes_at": now + timedelta(days=cfg.answer_days),
        "followed_up": False,
    }
    # A concurrent trigger may have made it first: the unique key says so, without failing this transaction.
    # (No SAVEPOINT: its release would hand this transaction's outbox rows to the queue before the commit.)
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    new_id = db.session.scalar(
        insert(Survey).values(**values).on_conflict_do_nothing(index_elements=["key"]).returning(Survey.id)
    )
    return db.session.get(Survey, new_id) if new_id is not None else None


def nps_round(now: datetime | None = None, *, rng: random.Random | None = None) -> list[Survey]:
    """When a round is due: ask a random sample of active customers (a ticket within the active window, not
    asked NPS within it, reachable, not asked anything too recently) how likely they are to recommend us."""
    now = now or utcnow()
    cfg = stored_settings()
    if not cfg.nps_enabled:
        return []
    if cfg.nps_last_round_at and now - cfg.nps_last_round_at < timedelta(days=cfg.nps_every_days):
        return []
    cfg.nps_last_round_at = now
    since = now - timedelta(days=cfg.nps_active_days)
    recent = now - timedelta(days=cfg.customer_min_days)
    asked = sa.select(Survey.customer_id).where(
        sa.or_(Survey.created_at > recent, sa.and_(Survey.kind == "nps", Survey.created_at > since))
    )
    active = (
        sa.select(Ticket.customer_id)
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(
            Ticket.created_at >= since, Customer.merged_into_id.is_(None), Ticket.customer_id.not_in(asked)
        )
        .distinct()
    )
    ids = sorted(db.session.scalars(active).all())
    if not ids:
        return []
    size = max(1, round(len(ids) * cfg.nps_sample_percent / 100))
    chosen = (rng or random.Random()).sample(ids, min(size, len(ids)))
    return _ask_nps(chosen, cfg, now)


def _ask_nps(customer_ids: list[int], cfg: SurveySettings, now: datetime) -> list[Survey]:
    # Attributed to what served each customer last: the touchpoint of their latest CSAT or CES survey.
    latest = (
        sa.select(Survey.customer_id, sa.func.max(Survey.id).label("id"))
        .where(Survey.customer_id.in_(customer_ids), Survey.kind.in_(("csat", "ces")))
        .group_by(Survey.customer_id)
        .subquery()
    )
    touches = {
        row.customer_id: Touch(row.touchpoint, row.agent_id, row.group_id, row.channel)
        for row in db.session.execute(
            sa.select(
                Survey.customer_id, Survey.touchpoint, Survey.agent_id, Survey.group_id, Survey.channel
            ).join(latest, latest.c.id == Survey.id)
        )
    }
    made = []
    round_key = now.strftime("%Y%m%d")
    for customer in db.session.scalars(sa.select(Customer).where(Customer.id.in_(customer_ids))):
        if not _reachable(customer):
            continue
        touch = touches.get(customer.id, Touch("other", None, None, None))
        key = f"nps:c{customer.id}:{round_key}"
        survey = _create("nps", key, "schedule", customer, None, touch, cfg, now)
        if survey is not None:
            made.append(survey)
            outbox.enqueue(db.session, SEND_KIND, {"survey_ids": [survey.id]})
    return made


def _clean_comment(comment: str | None) -> str | None:
    if comment is None:
        return None
    text = comment.replace("\x00", "").strip()
    if len(text) > COMMENT_MAX:
        raise ValidationFailed([("comment", _l("Keep the comment under %(n)d characters.", n=COMMENT_MAX))])
    return text


def _check_score(survey: Survey, score: Any) -> int | None:
    low, high = SCALES[survey.kind]
    if score is None:
        if survey.score is None:
            raise ValidationFailed(
                [("score", _l("Choose a score from %(low)d to %(high)d.", low=low, high=high))]
            )
        return None
    if isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high:
        raise ValidationFailed(
            [("score", _l("Choose a score from %(low)d to %(high)d.", low=low, high=high))]
        )
    return score


def answer(
    survey: Survey,
    score: int | None,
    comment: str | None = None,
    *,
    actor: Any = None,
    now: datetime | None = None,
) -> bool:
    """Record or change an answer (until the survey closes); the same answer twice changes nothing.

    `comment` None keeps the comment, "" removes it. Returns whether anything changed.
    """
    now = now or utcnow()
    score = _check_score(survey, score)
    comment = _clean_comment(comment)
    if not survey.is_open(now):
        raise SurveyClosed(str(_l("This survey is closed. Thank you for your time.")))
    new_score = score is not None and score != survey.score
    new_comment = comment is not None and comment != (survey.comment or "")
    if not (new_score or new_comment):
        return False
    first, was_low = survey.score is None, survey.is_low
    if new_score:
        survey.score = score
    if new_comment:
        survey.comment = comment or None
    if first:
        survey.answered_at = now
        survey.answered_day = company_day(now)
    survey.changed_at = now
    if getattr(actor, "is_staff", False):
        survey.recorded_by_id = actor.id
    db.session.flush()
    ticket = db.session.get(Ticket, survey.ticket_id) if survey.ticket_id else None
    _record_timeline(survey, ticket, first)
    if ticket is not None:
        _record_on_ticket(survey, ticket, first, actor)
        if survey.is_low and not was_low and not survey.followed_up:
            _follow_up(survey, ticket)
    db.session.flush()
    return True


def summary(survey: Survey) -> str:
    """A line for the timeline and the ticket history: "CSAT 4/5 · “Quick and kind”"."""
    line = f"{survey.kind.upper()} {survey.score}/{SCALES[survey.kind][1]}"
    if survey.comment:
        flat = " ".join(survey.comment.split())
        line += f" · “{flat[:200]}{'…' if len(flat) > 200 else ''}”"
    return line


def _record_timeline(survey: Survey, ticket: Ticket | None, first: bool) -> None:
    entry = None
    if not first:
        entry = db.session.scalar(
            sa.select(TimelineEntry).where(
                TimelineEntry.subject_type == "survey", TimelineEntry.subject_id == survey.id
            )
        )
    if entry is not None:
        entry.summary = summary(survey)[:300]
        return
    customer = customers.live(survey.customer)
    customers.record(
        customer.id if customer else survey.customer_id,
        "survey",
        summary(survey),
        channel=survey.channel,
        ticket_id=ticket.id if ticket else None,
        ticket_ref=str(ticket.ref) if ticket else None,
        subject_type="survey",
        subject_id=survey.id,
        url=f"/desk/tickets/{ticket.ref}#feedback" if ticket else None,
        at=survey.answered_at,
    )


def _record_on_ticket(survey: Survey, ticket: Ticket, first: bool, actor: Any) -> None:
    staff = getattr(actor, "is_staff", False)
    db.session.add(
        TicketEvent(
            ticket_id=ticket.id,
            actor_id=actor.id if staff else None,
            actor_kind="agent" if staff else "customer",
            kind="survey" if first else "survey_changed",
            data={
                "survey": survey.id,
                "kind": survey.kind,
                "score": survey.score,
                "of": SCALES[survey.kind][1],
                "comment": (survey.comment or "")[:300] or None,
            },
        )
    )


def _follow_up(survey: Survey, ticket: Ticket) -> None:
    """A low score: tag the ticket and flag it for a person (or reopen it, if the admin chose so)."""
    reopen = settings().low_score_action == "reopen" and ticket.status == "solved"
    tickets.update_ticket(ticket, None, status="open" if reopen else None, add_tags=["low-score"])
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        ticket.flagged = str(
            _l(
                "%(kind)s %(score)d/%(of)d: a low score, follow up with the customer.",
                kind=survey.kind.upper(),
                score=survey.score,
                of=SCALES[survey.kind][1],
            )
        )[:200]


def mark_followed_up(survey: Survey, actor: Any) -> None:
    """Someone looked after a low score: the flag comes off the ticket."""
    if survey.followed_up:
        return
    survey.followed_up = True
    ticket = db.session.get(Ticket, survey.ticket_id) if survey.ticket_id else None
    if ticket is not None:
        ticket.flagged = None
        db.session.add(
            TicketEvent(
                ticket_id=ticket.id,
                actor_id=getattr(actor, "id", None),
                actor_kind="agent",
                kind="survey_followed_up",
                data={"survey": survey.id},
            )
        )
    db.session.flush()

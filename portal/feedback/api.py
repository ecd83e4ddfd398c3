"""JSON API v1: surveys of a ticket, and answering one (see ../shared/CONTRACT.md)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, request
from sqlalchemy.orm import selectinload

from portal.core.api import (
    api_blueprint,
    decode_cursor,
    encode_cursor,
    field,
    iso,
    json_body,
    limit_arg,
    require_user,
)
from portal.core.auth import is_staff
from portal.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from portal.customers.service import customer_for_user
from portal.extensions import db, limiter
from portal.feedback import policy, queries, service
from portal.feedback.api_spec import document_feedback_api
from portal.feedback.models import KINDS, SCALES, Survey
from portal.tickets import policy as ticket_policy
from portal.tickets import queries as ticket_queries

bp = api_blueprint("feedback_api", __name__)
document_feedback_api()


def _api_rate() -> str:
    return current_app.config["RATELIMIT_API"]


def serialize(survey: Survey) -> dict[str, Any]:
    """A survey as the API answers it."""
    low, high = SCALES[survey.kind]
    return {
        "id": survey.id,
        "kind": survey.kind,
        "ticket": str(survey.ticket.ref) if survey.ticket is not None else None,
        "customer_id": survey.customer_id,
        "trigger": survey.trigger,
        "touchpoint": survey.touchpoint,
        "agent": survey.agent.email if survey.agent is not None else None,
        "channel": survey.channel,
        "scale": {"min": low, "max": high},
        "sent_at": iso(survey.sent_at),
        "closes_at": iso(survey.closes_at),
        "answered_at": iso(survey.answered_at),
        "changed_at": iso(survey.changed_at),
        "score": survey.score,
        "comment": survey.comment,
    }


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        raise ValidationFailed([(name, "must be an integer")])
    return int(raw)


@bp.get("/surveys")
@limiter.limit(_api_rate)
def list_surveys() -> Any:
    """Surveys the caller may see, newest first: of one ticket (`ticket`), or a customer's."""
    user = require_user()
    ticket_id = None
    ticket_ref = _int_arg("ticket")
    if ticket_ref is not None:
        ticket = db.session.scalar(ticket_queries.ticket_by_ref(ticket_ref))
        if not ticket_policy.can_view_ticket(user, ticket):
            raise NotFound("No such ticket.")
        ticket_id = ticket.id  # type: ignore[union-attr]
    customer_id = _int_arg("customer_id")
    if not is_staff(user):
        own = customer_for_user(user)
        customer_id = own.id if own else -1
    kind = request.args.get("kind") or None
    if kind is not None and kind not in KINDS:
        raise ValidationFailed([("kind", f"must be one of {', '.join(KINDS)}")])
    cursor = decode_cursor(request.args.get("cursor"))
    if cursor is not None and (len(cursor) != 1 or not isinstance(cursor[0], int)):
        raise DomainError("The cursor is not valid.", code="bad_request", status=400)
    limit = limit_arg()
    stmt = queries.page(
        ticket_id=ticket_id,
        customer_id=customer_id,
        kind=kind,
        before_id=cursor[0] if cursor else None,
        limit=limit + 1,
    ).options(selectinload(Survey.ticket))
    rows = db.session.scalars(stmt).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [serialize(s) for s in rows], "next": encode_cursor([rows[-1].id]) if more else None}


@bp.post("/surveys/<int:survey_id>/answer")
@limiter.limit(lambda: current_app.config["RATELIMIT_SUBMIT"])
def answer_survey(survey_id: int) -> Any:
    """Answer (or change the answer of) a survey until it closes; the same answer twice changes nothing."""
    user = require_user()
    survey = db.session.scalar(sa.select(Survey).where(Survey.id == survey_id))
    if not policy.can_view_survey(user, survey):
        raise NotFound("No such survey.")
    assert survey is not None
    if not policy.can_answer_survey(user, survey):
        raise Forbidden("Only the customer answers a survey about your own work.")
    data = json_body()
    score = field(data, "score", int, required=True)
    comment = field(data, "comment", str)
    service.answer(survey, score, comment, actor=user if is_staff(user) else None)
    db.session.commit()
    return serialize(survey)

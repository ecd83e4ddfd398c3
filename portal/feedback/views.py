"""Survey pages: the signed link from the mail (one click records the score), the comment, and what the portal,
the desk and the admin show about surveys."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.core import ui
from portal.core.auth import admin_required, is_staff, staff_required
from portal.core.db import utcnow
from portal.core.errors import ValidationFailed
from portal.core.forms import Form
from portal.customers.service import customer_for_user, live
from portal.extensions import db, limiter
from portal.feedback import demo, mailing, measures, queries, receivers, service, tasks  # noqa: F401 - they register
from portal.feedback.forms import KIND_LABELS, TOUCHPOINT_LABELS, AnswerForm, SettingsForm
from portal.feedback.models import SETTINGS_DEFAULTS, Survey
from portal.tickets.models import Ticket

bp = Blueprint("feedback", __name__)
ui.nav_item("admin", _l("Surveys"), "feedback.settings_page", icon="emoji-smile", order=40)
ui.slot("portal.request.top", "feedback/_request_card.html")
ui.slot("portal.home.cards", "feedback/_home_card.html")
ui.slot("desk.ticket.sidebar", "feedback/_desk_card.html", order=20)


def _submit_rate() -> str:
    return current_app.config["RATELIMIT_SUBMIT"]


def _no_store(response: Any) -> Any:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token never leaves in a Referer header
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/survey/<token>", methods=["GET", "POST"])
@limiter.limit(_submit_rate, methods=["POST"])
@limiter.limit("60 per minute", methods=["GET"])
def survey_page(token: str) -> Any:
    """The survey behind a signed link: ?score=N (the mail's one-click links) or a posted score/comment
    records the answer, then the page thanks, offers a comment and asks the next question."""
    survey = mailing.survey_for_token(token)
    if survey is None:
        return _no_store(current_app.make_response((render_template("feedback/link_invalid.html"), 404)))
    if request.method == "GET" and "score" not in request.args:
        return _render(survey, token, AnswerForm())
    form = AnswerForm()
    if request.method == "POST" and not form.validate_on_submit():
        return _render(survey, token, form, 422)  # an expired page (CSRF) or a score that is not a number
    score = _score(request.args["score"]) if request.method == "GET" else form.score.data
    comment = request.form.get("comment") if "comment" in request.form else None
    try:
        changed = service.answer(survey, score, comment)
    except ValidationFailed as failed:
        db.session.rollback()
        form.apply(failed)
        return _render(mailing.survey_for_token(token), token, form, 422)
    except service.SurveyClosed:
        db.session.rollback()
        return _render(mailing.survey_for_token(token), token, form, 409)
    db.session.commit()
    if changed:
        flash(_("Thank you! Your answer was saved."), "success")
    return _no_store(redirect(url_for("feedback.survey_page", token=_back(survey, token))))


def _back(survey: Survey, token: str) -> str:
    """After a follow-up question, back to the first one's page (only a token of the same customer)."""
    back = request.form.get("back") if request.method == "POST" else None
    first = mailing.survey_for_token(back) if back else None
    return back if first is not None and first.customer_id == survey.customer_id else token


def _score(raw: str) -> Any:
    return int(raw) if raw.strip().lstrip("-").isdigit() else raw


def _render(survey: Survey | None, token: str, form: AnswerForm, status: int = 200) -> Any:
    if survey is None:
        abort(404)
    now = utcnow()
    ticket = db.session.get(Ticket, survey.ticket_id) if survey.ticket_id else None
    following = [(s, mailing.token(s)) for s in db.session.scalars(queries.companions(survey, now))]
    if not form.comment.data and survey.comment and request.method == "GET":
        form.comment.data = survey.comment
    html = render_template(
        "feedback/survey.html",
        survey=survey,
        token=token,
        form=form,
        ticket=ticket,
        question=mailing.QUESTIONS[survey.kind],
        choices=mailing.scale(survey),
        following=[(s, t, mailing.QUESTIONS[s.kind], mailing.scale(s)) for s, t in following],
        is_open=survey.is_open(now),
    )
    return _no_store(current_app.make_response((html, status)))


@bp.post("/desk/surveys/<int:survey_id>/followed-up")
@staff_required
def followed_up(survey_id: int) -> Any:
    """An agent looked after a low score: the flag comes off the ticket."""
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    if not Form().validate_on_submit():
        abort(400)
    service.mark_followed_up(survey, current_user)
    ticket = db.session.get(Ticket, survey.ticket_id) if survey.ticket_id else None
    db.session.commit()
    flash(_("Marked as followed up."), "success")
    return redirect(url_for("desk.ticket_page", ref=ticket.ref) if ticket else url_for("desk.queue"))


@bp.route("/admin/surveys", methods=["GET", "POST"])
@admin_required
def settings_page() -> Any:
    """Which surveys go out, when and how often, and what a low score does."""
    current = service.settings()
    form = SettingsForm(obj=current if request.method == "GET" else None)
    if form.validate_on_submit():
        row = service.stored_settings()
        for name in SETTINGS_DEFAULTS:
            setattr(row, name, getattr(form, name).data)
        db.session.commit()
        flash(_("Survey settings saved."), "success")
        return redirect(url_for("feedback.settings_page"))
    return render_template("feedback/settings.html", form=form, current=current), (
        422 if form.errors else 200
    )


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {
        "feedback_request_surveys": _request_surveys,
        "feedback_home_surveys": _home_surveys,
        "feedback_ticket_surveys": _ticket_surveys,
        "feedback_token": mailing.token,
        "feedback_scale": mailing.scale,
        "feedback_question": lambda s: mailing.QUESTIONS[s.kind],
        "FEEDBACK_KINDS": KIND_LABELS,
        "FEEDBACK_TOUCHPOINTS": TOUCHPOINT_LABELS,
    }


def _request_surveys(ticket: Ticket) -> list[Survey]:
    """The surveys about a request, shown to its customer (never to staff, who would answer as them)."""
    if is_staff(current_user):
        return []
    return list(db.session.scalars(queries.for_ticket(ticket.id)))


def _home_surveys() -> list[Survey]:
    customer = customer_for_user(current_user)
    if customer is None:
        return []
    return list(db.session.scalars(queries.pending_for_customer(live(customer).id, utcnow())))


def _ticket_surveys(ticket: Ticket) -> list[Survey]:
    return list(db.session.scalars(queries.for_ticket(ticket.id))) if is_staff(current_user) else []

"""A solved ticket sends a survey by real mail; one click answers it; the answer lands in the history and on the
ticket; the link is signed, expires, and never duplicates an answer."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
import time_machine

from portal.core.db import utcnow
from portal.customers.models import TimelineEntry
from portal.feedback.models import Survey
from portal.tickets.models import Ticket, TicketEvent
from tests.feedback.conftest import survey_links, survey_mail


def _surveys(db, ticket):
    return db.session.scalars(
        sa.select(Survey).where(Survey.ticket_id == ticket.id).order_by(Survey.id)
    ).all()


def test_a_solved_ticket_brings_a_survey_back_into_the_customers_history(
    client, make_client, db, agent, make_ticket, smtp
):
    ticket = make_ticket("email", email="yuna@example.com", name="최유나", subject="요금이 두 번 나갔어요")
    client.login(agent.email)
    version = db.session.get(Ticket, ticket.id).version
    reply = client.post(
        f"/desk/tickets/{ticket.ref}/reply",
        data={"text": "환불 처리했습니다.", "seen_version": version, "status": "solved"},
    )
    assert reply.status_code == 302
    mail = survey_mail(smtp.wait_for(2))
    assert mail["To"].addresses[0].addr_spec == "yuna@example.com"
    assert f"#{ticket.ref}" in mail["Subject"]
    assert mail["Auto-Submitted"] == "auto-generated"
    links = survey_links(mail)
    assert sorted(links) == [1, 2, 3, 4, 5]
    html = mail.get_body(("html",)).get_content()
    assert all(f"score={n}" in html for n in range(1, 6))

    customer = make_client()  # the customer, not signed in, clicks "5" in the mail
    clicked = customer.get(links[5])
    assert clicked.status_code == 302 and "score" not in clicked.headers["Location"]
    page = customer.get(clicked.headers["Location"])
    assert page.status_code == 200 and "요금이 두 번 나갔어요" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    commented = customer.post(clicked.headers["Location"], data={"comment": "빠른 환불 감사합니다"})
    assert commented.status_code == 302

    (survey,) = _surveys(db, ticket)
    assert (survey.kind, survey.score, survey.comment) == ("csat", 5, "빠른 환불 감사합니다")
    assert (survey.touchpoint, survey.agent_id, survey.channel) == ("agent", agent.id, "email")
    entry = db.session.scalar(sa.select(TimelineEntry).where(TimelineEntry.subject_type == "survey"))
    assert entry.customer_id == ticket.customer_id and entry.ticket_id == ticket.id
    assert entry.summary == "CSAT 5/5 · “빠른 환불 감사합니다”"
    kinds = db.session.scalars(
        sa.select(TicketEvent.kind).where(
            TicketEvent.ticket_id == ticket.id, TicketEvent.kind.like("survey%")
        )
    ).all()
    assert kinds == ["survey", "survey_changed"]

    desk = client.get(f"/desk/tickets/{ticket.ref}").get_data(as_text=True)
    assert "빠른 환불 감사합니다" in desk and "CSAT 5/5" in desk  # the card and the customer's timeline


def test_one_click_again_and_changes_never_duplicate_the_answer(client, db, make_ticket, solve, smtp):
    ticket = solve(make_ticket("email", email="a@example.com"))
    links = survey_links(survey_mail(smtp.wait_for(2)))
    client.get(links[2])
    client.get(links[2])
    client.get(links[4])
    (survey,) = _surveys(db, ticket)
    assert survey.score == 4
    entries = db.session.scalars(sa.select(TimelineEntry).where(TimelineEntry.subject_type == "survey")).all()
    assert [e.summary for e in entries] == ["CSAT 4/5"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Survey)) == 1


def test_answers_can_change_until_the_deadline_and_not_after(client, db, make_ticket, solve, smtp):
    ticket = solve(make_ticket("email", email="b@example.com"))
    links = survey_links(survey_mail(smtp.wait_for(2)))
    client.get(links[3])
    (survey,) = _surveys(db, ticket)
    closes = survey.closes_at
    with time_machine.travel(closes + timedelta(minutes=1)):
        late = client.get(links[5])
        assert late.status_code == 409
        assert "closed" in late.get_data(as_text=True)
        assert client.post(links[5].split("?")[0], data={"comment": "late"}).status_code == 409
    db.session.refresh(survey)
    assert survey.score == 3 and survey.comment is None


def test_a_forged_altered_or_expired_link_shows_nothing(client, db, app, make_ticket, solve, smtp):
    ticket = solve(make_ticket("email", email="c@example.com", subject="비밀 제목"))
    link = survey_links(survey_mail(smtp.wait_for(2)))[5]
    path, _, query = link.partition("?")
    token = path.rsplit("/", 1)[1]
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "x" + token, "nothing"):
        response = client.get(f"/survey/{bad}?{query}")
        assert response.status_code == 404 and "비밀 제목" not in response.get_data(as_text=True)
    with time_machine.travel(utcnow() + timedelta(seconds=app.config["SIGNED_LINK_MAX_AGE"] + 60)):
        assert client.get(link).status_code == 404
    assert _surveys(db, ticket)[0].score is None


def test_a_link_shows_only_its_own_survey_and_follows_a_customer_merge(
    client, db, agent, make_ticket, solve, smtp
):
    from portal.customers import service as customers

    mine = solve(make_ticket("email", email="mine@example.com", subject="내 문의"))
    link = survey_links(survey_mail(smtp.wait_for(2)))[4]
    other = make_ticket("email", email="other@example.com", subject="남의 문의")
    body = client.get(link, follow_redirects=True).get_data(as_text=True)
    assert "내 문의" in body and "남의 문의" not in body and "other@example.com" not in body
    survivor = db.session.get(Ticket, other.id).customer
    customers.merge_customers(survivor, db.session.get(Ticket, mine.id).customer, actor=agent)
    db.session.commit()
    assert client.get(link.replace("score=4", "score=5")).status_code == 302
    survey = _surveys(db, mine)[0]
    assert survey.customer_id == survivor.id and survey.score == 5


def test_a_score_outside_the_scale_gets_a_clear_answer(client, db, make_ticket, solve, smtp):
    ticket = solve(make_ticket("email", email="d@example.com"))
    link = survey_links(survey_mail(smtp.wait_for(2)))[5]
    for bad in ("9", "0", "abc", "-1", ""):
        response = client.get(link.replace("score=5", f"score={bad}"))
        assert response.status_code == 422, bad
        assert "Choose a score from 1 to 5." in response.get_data(as_text=True)
    comment_first = client.post(link.split("?")[0], data={"comment": "먼저 의견"})
    assert comment_first.status_code == 422
    too_long = client.get(link)
    assert too_long.status_code == 302
    response = client.post(link.split("?")[0], data={"comment": "가" * 2001})
    assert response.status_code == 422 and "2000" in response.get_data(as_text=True)
    assert _surveys(db, ticket)[0].comment is None


def test_a_survey_is_asked_once_per_ticket_however_often_it_is_solved(db, agent, make_ticket, solve):
    from portal.tickets import service as tickets

    ticket = solve(make_ticket("email", email="e@example.com"))
    tickets.update_ticket(ticket, agent, status="open")
    tickets.update_ticket(ticket, agent, status="solved")
    tickets.update_ticket(ticket, agent, status="closed")
    db.session.commit()
    assert len(_surveys(db, ticket)) == 1


def test_a_customer_is_not_asked_more_often_than_the_setting_allows(db, make_ticket, solve, survey_settings):
    first = solve(make_ticket("email", email="f@example.com"))
    second = solve(make_ticket("email", email="f@example.com"))
    assert len(_surveys(db, first)) == 1 and _surveys(db, second) == []
    with time_machine.travel(utcnow() + timedelta(days=8)):
        third = solve(make_ticket("email", email="f@example.com"))
    assert len(_surveys(db, third)) == 1
    survey_settings(customer_min_days=0)
    fourth = solve(make_ticket("email", email="f@example.com"))
    assert len(_surveys(db, fourth)) == 1


def test_reopened_before_the_mail_leaves_nothing_is_asked(db, agent, make_ticket, survey_settings):
    from portal.core import outbox
    from portal.feedback import mailing
    from portal.tickets import service as tickets

    survey_settings(send_delay_minutes=60)
    ticket = make_ticket("email", email="g@example.com")
    tickets.add_reply(ticket, agent, "확인했습니다")
    tickets.update_ticket(ticket, agent, status="solved")
    db.session.commit()
    (survey,) = _surveys(db, ticket)
    assert survey.sent_at is None
    tickets.update_ticket(ticket, agent, status="open")
    db.session.commit()
    event = db.session.scalar(
        sa.select(outbox.OutboxEvent).where(outbox.OutboxEvent.kind == "feedback.send_survey")
    )
    mailing.send_surveys(dict(event.payload))
    db.session.commit()
    assert _surveys(db, ticket) == []

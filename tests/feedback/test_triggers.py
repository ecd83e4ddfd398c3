"""What starts a survey, who it is attributed to, what a low score does, CES after CSAT, and the NPS schedule."""

from __future__ import annotations

import random
from datetime import timedelta
from types import SimpleNamespace

import sqlalchemy as sa
import time_machine

from portal.core import signals
from portal.core.db import utcnow
from portal.feedback import service
from portal.feedback.models import Survey
from portal.tickets import service as tickets
from portal.tickets.models import Ticket, TicketEvent
from tests.feedback.conftest import survey_links, survey_mail


def _surveys(db, ticket_id=None):
    stmt = sa.select(Survey).order_by(Survey.id)
    if ticket_id is not None:
        stmt = stmt.where(Survey.ticket_id == ticket_id)
    return db.session.scalars(stmt).all()


def test_the_agent_who_answered_and_the_channel_are_credited(db, make_user, make_ticket, solve):
    other = make_user("agent", name="박지훈")
    ticket = make_ticket("chat", chat="yuna-chat", email="yuna@example.com")
    tickets.update_ticket(ticket, other, assignee=other)
    solve(ticket, reply="원격으로 고쳤습니다.", by=other)
    (survey,) = _surveys(db, ticket.id)
    assert (survey.touchpoint, survey.agent_id, survey.channel, survey.trigger) == (
        "agent",
        other.id,
        "chat",
        "ticket_solved",
    )


def test_a_chat_the_bot_answered_is_credited_to_the_bot(db, make_ticket):
    ticket = make_ticket("chat", email="bot@example.com")
    tickets.add_reply(ticket, None, "이 문서를 보세요", author_kind="bot")
    signals.chat_ended.send(SimpleNamespace(id=77, customer_id=ticket.customer_id), ticket=ticket, actor=None)
    db.session.commit()
    (survey,) = _surveys(db, ticket.id)
    assert (survey.touchpoint, survey.trigger, survey.source_type, survey.source_id) == (
        "bot",
        "chat_ended",
        "chat",
        77,
    )
    tickets.update_ticket(ticket, None, status="solved")  # the chat's ticket solved later: not asked again
    db.session.commit()
    assert len(_surveys(db, ticket.id)) == 1


def test_a_request_fulfilled_by_automation_is_credited_to_the_catalog(db, make_ticket):
    ticket = make_ticket("catalog", email="cat@example.com")
    signals.request_fulfilled.send(
        SimpleNamespace(id=5, customer_id=ticket.customer_id), ticket=ticket, automatic=True
    )
    db.session.commit()
    (survey,) = _surveys(db, ticket.id)
    assert (survey.touchpoint, survey.trigger, survey.agent_id) == ("catalog", "request_fulfilled", None)


def test_a_request_without_a_ticket_is_still_surveyed_once(db, make_ticket, survey_settings):
    customer_id = make_ticket("catalog", email="noticket@example.com").customer_id
    survey_settings(customer_min_days=0)
    request = SimpleNamespace(id=9, customer_id=customer_id)
    signals.request_fulfilled.send(request, ticket=None, automatic=True)
    signals.request_fulfilled.send(request, ticket=None, automatic=True)
    db.session.commit()
    made = db.session.scalars(sa.select(Survey).where(Survey.source_id == 9)).all()
    assert len(made) == 1 and made[0].ticket_id is None and made[0].touchpoint == "catalog"


def test_a_customer_who_solved_it_with_an_article_credits_self_service(db, make_user, make_inbound):
    from portal.tickets.intake import receive

    customer = make_user("customer", email="self@example.com")
    result = receive(
        make_inbound("web", user_id=customer.id, email=customer.email, context={"articles": ["환불 안내"]})
    )
    tickets.update_ticket(result.ticket, customer, status="solved")
    db.session.commit()
    (survey,) = _surveys(db, result.ticket.id)
    assert (survey.touchpoint, survey.agent_id) == ("article", None)


def test_switched_off_triggers_ask_nothing(db, make_ticket, solve, survey_settings):
    survey_settings(csat_on_ticket_solved=False)
    ticket = solve(make_ticket("email", email="off@example.com"))
    assert _surveys(db, ticket.id) == []


def test_a_customer_nobody_can_reach_is_not_asked(db, make_ticket, solve):
    ticket = solve(make_ticket("phone", email=None, phone="010-1234-5678"))
    assert _surveys(db, ticket.id) == []


def test_a_low_score_flags_and_tags_the_ticket_and_a_lead_clears_the_flag(
    client, db, agent, make_ticket, solve, smtp
):
    ticket = solve(make_ticket("email", email="low@example.com"))
    client.get(survey_links(survey_mail(smtp.wait_for(2)))[1])
    refreshed = db.session.get(Ticket, ticket.id)
    assert refreshed.status == "solved"  # flagged, not reopened: the default
    assert "low-score" in refreshed.tags and refreshed.flagged.startswith("CSAT 1/5")
    (survey,) = _surveys(db, ticket.id)
    client.login(agent.email)
    page = client.get(f"/desk/tickets/{ticket.ref}").get_data(as_text=True)
    assert f"/desk/surveys/{survey.id}/followed-up" in page
    assert client.post(f"/desk/surveys/{survey.id}/followed-up").status_code == 302
    assert db.session.get(Ticket, ticket.id).flagged is None
    assert db.session.get(Survey, survey.id).followed_up
    kinds = db.session.scalars(sa.select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)).all()
    assert "survey_followed_up" in kinds


def test_a_low_score_reopens_the_ticket_when_the_admin_chose_so(
    client, db, make_ticket, solve, smtp, survey_settings
):
    survey_settings(low_score_action="reopen")
    ticket = solve(make_ticket("email", email="reopen@example.com"))
    client.get(survey_links(survey_mail(smtp.wait_for(2)))[2])
    refreshed = db.session.get(Ticket, ticket.id)
    assert refreshed.status == "open" and refreshed.solved_at is None and refreshed.flagged
    assert len(_surveys(db, ticket.id)) == 1  # solving it again asks nothing more


def test_ces_follows_csat_on_the_same_page_when_enabled(
    client, db, make_ticket, solve, smtp, survey_settings
):
    survey_settings(ces_enabled=True)
    ticket = solve(make_ticket("email", email="ces@example.com"))
    mails = smtp.wait_for(2)
    assert len([m for m in mails if "/survey/" in m.get_body(("plain",)).get_content()]) == 1
    csat_link = survey_links(survey_mail(mails))[4]
    page = client.get(csat_link, follow_redirects=True).get_data(as_text=True)
    assert "How easy was it to get your issue resolved?" in page
    csat, ces = _surveys(db, ticket.id)
    assert (csat.kind, ces.kind, ces.touchpoint) == ("csat", "ces", csat.touchpoint)
    csat_page = csat_link.split("?")[0]
    ces_token = page.split(f'id="survey-{ces.id}"')[1].split('action="/survey/')[1].split('"')[0]
    answered = client.post(f"/survey/{ces_token}", data={"score": "6", "back": csat_page.rsplit("/", 1)[1]})
    assert answered.headers["Location"].endswith(csat_page)
    assert db.session.get(Survey, ces.id).score == 6


def test_nps_goes_to_a_sample_of_active_customers_on_schedule(db, make_ticket, solve, survey_settings, smtp):
    survey_settings(nps_enabled=True, nps_sample_percent=50, nps_every_days=30, nps_active_days=90)
    with time_machine.travel(utcnow() - timedelta(days=200)):
        make_ticket("email", email="dormant@example.com")  # not active any more
    active = [make_ticket("email", email=f"active{i}@example.com") for i in range(6)]
    surveyed = solve(make_ticket("email", email="recent@example.com"))  # asked CSAT today: too recent
    made = service.nps_round(rng=random.Random(1))
    db.session.commit()
    customers = {s.customer_id for s in made}
    assert len(made) == 3 and customers <= {t.customer_id for t in active}
    assert surveyed.customer_id not in customers
    assert all(s.kind == "nps" and s.trigger == "schedule" and s.ticket_id is None for s in made)
    assert service.nps_round() == []  # not due again yet
    nps_mails = [m for m in smtp.wait_for(5) if "score=10" in m.get_body(("plain",)).get_content()]
    assert len(nps_mails) == 3
    with time_machine.travel(utcnow() + timedelta(days=31)):
        again = service.nps_round(rng=random.Random(2))
        assert customers.isdisjoint({s.customer_id for s in again})  # asked NPS once per active window


def test_customers_answer_in_the_portal_and_staff_never_see_the_buttons(
    client, make_client, db, make_user, agent, make_inbound
):
    from portal.tickets.intake import receive

    user = make_user("customer", email="portal@example.com")
    result = receive(make_inbound("web", user_id=user.id, email=user.email, subject="포털 문의"))
    tickets.add_reply(result.ticket, agent, "답변 드립니다")
    tickets.update_ticket(result.ticket, agent, status="solved")
    db.session.commit()
    client.login(user.email)
    page = client.get(f"/requests/{result.ticket.ref}").get_data(as_text=True)
    assert "How satisfied are you with the help you received?" in page
    home = client.get("/").get_data(as_text=True)
    assert "How did we do?" in home and "포털 문의" in home
    action = page.split('action="/survey/')[1].split('"')[0]
    assert client.post(f"/survey/{action}", data={"score": "4"}).status_code == 302
    assert "Thank you for your feedback (4 of 5)" in client.get(f"/requests/{result.ticket.ref}").get_data(
        as_text=True
    )
    staff = make_client()
    staff.login(agent.email)
    assert "/survey/" not in staff.get(f"/requests/{result.ticket.ref}").get_data(as_text=True)


def test_surveys_move_with_a_customer_merge_and_back(db, agent, make_ticket, solve):
    from portal.customers import service as customers

    ticket = solve(make_ticket("email", email="m1@example.com"))
    other = make_ticket("email", email="m2@example.com")
    survivor, merged = db.session.get(Ticket, other.id).customer, db.session.get(Ticket, ticket.id).customer
    merge = customers.merge_customers(survivor, merged, actor=agent)
    db.session.commit()
    assert _surveys(db, ticket.id)[0].customer_id == survivor.id
    customers.unmerge(merge, actor=agent)
    db.session.commit()
    assert _surveys(db, ticket.id)[0].customer_id == merged.id

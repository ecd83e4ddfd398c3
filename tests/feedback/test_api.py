"""The surveys API: a ticket's surveys, answering, who may do what, and the contract's errors."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from portal.accounts import service as accounts
from portal.feedback.models import Survey
from tests.test_openapi import validator_for


def _headers(db, user):
    token = accounts.issue_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _customer_ticket(db, make_user, make_inbound, agent, email):
    from portal.tickets import service as tickets
    from portal.tickets.intake import receive

    user = make_user("customer", email=email)
    ticket = receive(make_inbound("web", user_id=user.id, email=email)).ticket
    tickets.add_reply(ticket, agent, "답변")
    tickets.update_ticket(ticket, agent, status="solved")
    db.session.commit()
    return user, ticket


def test_a_customer_lists_and_answers_their_survey(client, db, agent, make_user, make_inbound):
    user, ticket = _customer_ticket(db, make_user, make_inbound, agent, "api1@example.com")
    headers = _headers(db, user)
    spec = client.get("/api/v1/openapi.json").get_json()
    listed = client.get(f"/api/v1/surveys?ticket={ticket.ref}", headers=headers)
    assert listed.status_code == 200
    validator_for(spec, "/surveys", "get", 200).validate(listed.get_json())
    (item,) = listed.get_json()["items"]
    assert (item["kind"], item["ticket"], item["score"], item["answered_at"]) == (
        "csat",
        str(ticket.ref),
        None,
        None,
    )
    assert item["sent_at"] is not None
    answered = client.post(
        f"/api/v1/surveys/{item['id']}/answer", headers=headers, json={"score": 4, "comment": "좋아요"}
    )
    assert answered.status_code == 200
    validator_for(spec, "/surveys/{id}/answer", "post", 200).validate(answered.get_json())
    assert (answered.get_json()["score"], answered.get_json()["comment"]) == (4, "좋아요")
    again = client.post(f"/api/v1/surveys/{item['id']}/answer", headers=headers, json={"score": 5})
    assert (again.get_json()["score"], again.get_json()["comment"]) == (5, "좋아요")
    assert db.session.query(Survey).count() == 1
    assert client.get("/api/v1/surveys", headers=headers).get_json()["items"][0]["score"] == 5


def test_another_customer_sees_nothing_and_bad_input_gets_the_contract_errors(
    client, db, agent, make_user, make_inbound
):
    user, ticket = _customer_ticket(db, make_user, make_inbound, agent, "api2@example.com")
    stranger = _headers(db, make_user("customer", email="stranger@example.com"))
    survey = db.session.query(Survey).one()
    assert client.get(f"/api/v1/surveys?ticket={ticket.ref}", headers=stranger).status_code == 404
    assert client.get("/api/v1/surveys", headers=stranger).get_json()["items"] == []
    stolen = client.post(f"/api/v1/surveys/{survey.id}/answer", headers=stranger, json={"score": 1})
    assert stolen.status_code == 404 and stolen.get_json()["error"]["code"] == "not_found"
    headers = _headers(db, user)
    cases = [
        ({"score": 6}, 422),
        ({"score": "5"}, 422),
        ({"score": True}, 422),
        ({}, 422),
        ({"score": 3, "comment": 5}, 422),
        ({"score": 3, "comment": "x" * 2001}, 422),
    ]
    for body, status in cases:
        response = client.post(f"/api/v1/surveys/{survey.id}/answer", headers=headers, json=body)
        assert response.status_code == status, body
        assert (
            "score" in response.get_json()["error"].get("fields", {})
            or "comment" in response.get_json()["error"]["fields"]
        )
    not_json = client.post(f"/api/v1/surveys/{survey.id}/answer", headers=headers, data="nope")
    assert not_json.status_code == 400 and not_json.get_json()["error"]["code"] == "bad_request"
    assert client.get("/api/v1/surveys?ticket=abc", headers=headers).status_code == 422
    assert client.get("/api/v1/surveys?kind=xyz", headers=headers).status_code == 422
    assert client.get("/api/v1/surveys?cursor=!!", headers=headers).status_code == 400
    assert client.post("/api/v1/surveys/999999/answer", headers=headers, json={"score": 3}).status_code == 404
    assert client.get("/api/v1/surveys").status_code == 401
    with time_machine.travel(survey.closes_at + timedelta(seconds=1)):
        closed = client.post(f"/api/v1/surveys/{survey.id}/answer", headers=headers, json={"score": 3})
    assert closed.status_code == 409 and closed.get_json()["error"]["code"] == "survey_closed"


def test_staff_record_answers_given_by_phone_but_not_about_their_own_work(
    client, db, agent, make_user, make_inbound
):
    _, ticket = _customer_ticket(db, make_user, make_inbound, agent, "api3@example.com")
    survey = db.session.query(Survey).one()
    assert survey.agent_id == agent.id
    own = client.post(f"/api/v1/surveys/{survey.id}/answer", headers=_headers(db, agent), json={"score": 5})
    assert own.status_code == 403 and own.get_json()["error"]["code"] == "forbidden"
    colleague = make_user("agent", name="동료")
    listed = client.get(f"/api/v1/surveys?ticket={ticket.ref}", headers=_headers(db, colleague))
    assert listed.get_json()["items"][0]["agent"] == agent.email
    recorded = client.post(
        f"/api/v1/surveys/{survey.id}/answer", headers=_headers(db, colleague), json={"score": 2}
    )
    assert recorded.status_code == 200
    db.session.refresh(survey)
    assert survey.recorded_by_id == colleague.id and survey.score == 2


def test_survey_lists_page_by_cursor(client, db, agent, make_ticket, solve, survey_settings):
    survey_settings(customer_min_days=0)
    for i in range(5):
        solve(make_ticket("email", email=f"page{i}@example.com"))
    headers = _headers(db, agent)
    seen, url = [], "/api/v1/surveys?limit=2"
    while url:
        body = client.get(url, headers=headers).get_json()
        seen += [s["id"] for s in body["items"]]
        url = f"/api/v1/surveys?limit=2&cursor={body['next']}" if body["next"] else None
    assert len(seen) == 5 and seen == sorted(seen, reverse=True)

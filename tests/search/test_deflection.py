"""Deflection: shown answers, an opened one and no request is a deflection; a filed request is not."""

from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa

from portal.core import measures
from portal.core.db import utcnow
from portal.search.deflection import settle_attempts
from portal.search.models import DeflectionAttempt

KEY = "k" * 32


def attempt(db, key=KEY):
    return db.session.scalar(sa.select(DeflectionAttempt).where(DeflectionAttempt.key == key))


def test_opening_an_answer_and_leaving_is_a_deflection(client, db, index, make_article, customer_user):
    article = make_article("비밀번호를 잊어버렸을 때", "비밀번호 찾기를 누르세요")
    client.login(customer_user.email)
    shown = client.get(
        "/search/suggest", query_string={"q": "비밀번호를 잊어버렸어요", "key": KEY}
    ).get_json()
    assert shown["items"][0]["title"] == "비밀번호를 잊어버렸을 때"
    opened = client.post(
        "/search/opened", json={"key": KEY, "kind": "article", "id": article.id, "title": article.title}
    )
    assert opened.status_code == 200
    row = attempt(db)
    assert row.outcome == "pending" and row.opened_id == article.id and row.customer_id is not None
    assert settle_attempts(now=utcnow() + timedelta(hours=1)) == 1
    db.session.commit()
    assert attempt(db).outcome == "deflected"
    day = (utcnow() - timedelta(days=1), utcnow() + timedelta(days=1))
    assert measures.compute("deflection_rate", *day) == 1.0
    assert measures.compute("deflections", *day) == 1


def test_a_request_filed_from_the_same_visit_is_not_a_deflection(
    client, db, index, make_article, customer_user
):
    article = make_article("환불 신청 방법", "환불")
    client.login(customer_user.email)
    client.get("/search/suggest", query_string={"q": "환불", "key": KEY})
    client.post(
        "/search/opened", json={"key": KEY, "kind": "article", "id": article.id, "title": article.title}
    )
    context = json.dumps({"searches": [{"q": "환불", "attempt": KEY}]})
    filed = client.post(
        "/requests/new", data={"subject": "환불이 안 돼요", "text": "아직 안 들어왔어요", "context": context}
    )
    assert filed.status_code == 302
    assert attempt(db).outcome == "filed" and attempt(db).ticket_id is not None
    settle_attempts(now=utcnow() + timedelta(hours=1))
    day = (utcnow() - timedelta(days=1), utcnow() + timedelta(days=1))
    assert measures.compute("deflection_rate", *day) == 0.0
    assert measures.compute("self_service_attempts", *day)["filed"] == 1


def test_nothing_opened_nothing_filed_is_abandoned_and_bad_keys_are_ignored(client, db, index, make_article):
    make_article("로밍 신청", "로밍")
    client.get("/search/suggest", query_string={"q": "로밍", "key": KEY})
    assert (
        client.post("/search/opened", json={"key": "<script>", "kind": "article", "id": 1}).status_code == 400
    )
    assert client.post("/search/opened", json={"key": KEY, "id": "x"}).status_code == 400
    client.get("/search/suggest", query_string={"q": "로밍", "key": "../../etc"})
    settle_attempts(now=utcnow() + timedelta(hours=1))
    assert attempt(db).outcome == "abandoned"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeflectionAttempt)) == 1
    day = (utcnow() - timedelta(days=1), utcnow() + timedelta(days=1))
    assert measures.compute("deflection_rate", *day) is None  # nothing decided either way


def test_the_new_request_form_carries_the_suggestions_slot(client, index):
    page = client.get("/requests/new").get_data(as_text=True)
    assert 'id="request-suggestions"' in page and "js/search.js" in page

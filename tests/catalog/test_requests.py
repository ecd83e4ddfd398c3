"""Requests through the portal: filed once, fulfilled by the webhook, handed to the item's group when it fails,
shown in the customer's history, and told to the customer in the portal and by mail."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portal.catalog.models import CatalogRequest, RequestEvent
from portal.customers.models import TimelineEntry
from portal.tickets.models import Message, Ticket
from tests.catalog.conftest import lost_card_definition


def _key(page: str) -> str:
    return re.search(r'name="submission_key"[^>]*value="([^"]+)"', page).group(1)


def _file(client, slug: str, data: dict, *, lang: str = "ko"):
    page = client.get(f"/catalog/{slug}", headers={"Accept-Language": lang}).get_data(as_text=True)
    return client.post(
        f"/catalog/{slug}", data={"submission_key": _key(page), **data}, headers={"Accept-Language": lang}
    )


def _only_request(db) -> CatalogRequest:
    return db.session.scalars(sa.select(CatalogRequest)).one()


def test_a_customer_files_the_lost_card_in_korean_and_it_is_fulfilled_by_the_webhook(
    client, db, customer_user, make_item, webhook, smtp
):
    make_item(lost_card_definition(webhook.url("/ok")))
    client.login(customer_user.email)
    answer = _file(
        client, "lost-card-test", {"f_card_last4": "1234", "f_abroad": "no", "f_details": "지갑째 분실"}
    )
    assert answer.status_code == 302
    req = _only_request(db)
    assert req.state == "fulfilled" and req.automatic
    assert req.result == {"report_no": "R-1"}
    assert req.answers == {"card_last4": "1234", "abroad": False, "details": "지갑째 분실"}
    page = client.get(answer.headers["Location"], headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "완료" in page and "정지 완료: R-1" in page
    ticket = db.session.get(Ticket, req.ticket_id)
    assert ticket.channel == "catalog" and ticket.status == "solved" and ticket.subject == "카드 분실 신고"
    texts = [m.text for m in db.session.scalars(sa.select(Message).where(Message.ticket_id == ticket.id))]
    assert any("1234" in t for t in texts) and any("정지 완료: R-1" in t for t in texts)
    mails = smtp.wait_for(1)
    assert any("정지 완료: R-1" in m.get_body(("plain",)).get_content() for m in mails)
    history = db.session.scalars(
        sa.select(TimelineEntry.kind).where(TimelineEntry.customer_id == req.customer_id)
    ).all()
    assert "ticket" in history and "request" in history
    call = webhook.calls[0]
    assert call.json["answers"]["card_last4"] == "1234"
    assert call.headers["Idempotency-Key"] == req.uid


def test_the_condition_makes_the_country_required_only_when_lost_abroad(
    client, db, customer_user, make_item, webhook
):
    make_item(lost_card_definition(webhook.url("/ok")))
    client.login(customer_user.email)
    answer = _file(client, "lost-card-test", {"f_card_last4": "12a4", "f_abroad": "yes"}, lang="en")
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "This does not have the expected form." in page
    assert "Please answer this question." in page  # the country, now shown
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CatalogRequest)) == 0
    korean = _file(client, "lost-card-test", {"f_card_last4": "", "f_abroad": "yes"}).get_data(as_text=True)
    assert "이 질문에 답해 주세요." in korean


def test_a_double_submission_is_one_request(client, db, customer_user, make_item, webhook):
    make_item(lost_card_definition(webhook.url("/ok")))
    client.login(customer_user.email)
    page = client.get("/catalog/lost-card-test").get_data(as_text=True)
    data = {"submission_key": _key(page), "f_card_last4": "1234", "f_abroad": "no"}
    first = client.post("/catalog/lost-card-test", data=data)
    second = client.post("/catalog/lost-card-test", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CatalogRequest)) == 1
    assert len(webhook.calls) == 1


def test_a_webhook_that_is_down_hands_the_request_to_the_items_group_with_everything(
    client, db, customer_user, make_item, webhook, card_group
):
    make_item(lost_card_definition(webhook.url("/error"), group=card_group.name))
    client.login(customer_user.email)
    _file(client, "lost-card-test", {"f_card_last4": "4321", "f_abroad": "yes", "f_country": "일본"})
    req = _only_request(db)
    assert req.state == "failed" and req.attempts == 3 and len(webhook.calls) == 3
    assert "HTTP 500" in req.error and "3 attempts" in req.error
    ticket = db.session.get(Ticket, req.ticket_id)
    assert ticket.group_id == card_group.id and ticket.status == "open" and "catalog-failed" in ticket.tags
    assert "HTTP 500" in ticket.flagged
    note = db.session.scalars(
        sa.select(Message)
        .where(Message.ticket_id == ticket.id, Message.direction == "internal")
        .order_by(Message.id)
    ).all()[-1]
    assert "HTTP 500" in note.text and "4321" in note.text and "일본" in note.text
    kinds = db.session.scalars(
        sa.select(RequestEvent.kind).where(RequestEvent.request_id == req.id).order_by(RequestEvent.id)
    ).all()
    assert kinds.count("attempt_failed") == 2 and kinds[-1] == "failed"
    page = client.get(f"/catalog/requests/{req.id}", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "담당자가 이어서 처리합니다" in page


def test_a_routing_rule_on_the_catalog_item_applies_to_its_requests(
    client, db, customer_user, make_item, webhook
):
    from portal.rules import service as rules

    rules.save_rule(
        None,
        name="분실 카드는 긴급",
        kind="trigger",
        condition_rows=[{"field": "catalog_item", "op": "is", "value": "lost-card-test"}],
        action_rows=[{"type": "set_priority", "value": "urgent"}],
    )
    db.session.commit()
    make_item(lost_card_definition(webhook.url("/ok")))
    client.login(customer_user.email)
    _file(client, "lost-card-test", {"f_card_last4": "4321", "f_abroad": "no"})
    ticket = db.session.get(Ticket, _only_request(db).ticket_id)
    assert ticket.priority == "urgent" and "catalog-lost-card-test" in ticket.tags

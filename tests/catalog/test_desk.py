"""Agents: the ticket page offers the catalog, filing for the customer prefills answers from what they wrote,
the request joins the ticket; the requests list and a failed request's page; query counts stay flat."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portal.catalog import service
from portal.catalog.models import CatalogRequest
from portal.tickets.models import Message
from tests.catalog.conftest import field, lost_card_definition


def test_an_agent_files_a_lost_card_from_the_ticket_with_answers_from_the_conversation(
    client, db, agent, make_ticket, make_item, webhook
):
    definition = lost_card_definition(webhook.url("/ok"))
    definition["fields"].append(field("contact", "phone"))
    definition["fields"].append(field("lost_on", "date"))
    make_item(definition)
    ticket = make_ticket(
        "phone",
        email="minji@example.com",
        subject="카드를 잃어버렸어요",
        text="어제 3월 4일에 일본에서 카드를 잃어버렸어요. 카드 끝번호는 5678이고 연락처는 010-9876-5432입니다.",
    )
    client.login(agent.email)
    page = client.get(f"/desk/tickets/{ticket.ref}").get_data(as_text=True)
    assert "This is a catalog request" in page and "lost-card-test" in page
    form = client.get(f"/desk/catalog/file?ticket={ticket.ref}&item=lost-card-test").get_data(as_text=True)
    assert 'value="5678"' in form and 'value="010-9876-5432"' in form and "-03-04" in form
    assert "from the conversation" in form
    key = re.search(r'name="submission_key"[^>]*value="([^"]+)"', form).group(1)
    data = {"ticket": ticket.ref, "item": "lost-card-test", "submission_key": key, "f_card_last4": "5678",
            "f_abroad": "yes", "f_country": "일본", "f_contact": "010-9876-5432"}  # fmt: skip
    answer = client.post("/desk/catalog/file", data=data)
    assert answer.status_code == 302
    again = client.post("/desk/catalog/file", data=data)  # a second click
    assert again.headers["Location"] == answer.headers["Location"]
    req = db.session.scalars(sa.select(CatalogRequest)).one()
    assert req.ticket_id == ticket.id and req.requested_by_id == agent.id and req.state == "fulfilled"
    messages = db.session.scalars(
        sa.select(Message).where(Message.ticket_id == ticket.id).order_by(Message.id)
    ).all()
    assert messages[1].direction == "internal" and "5678" in messages[1].text
    assert messages[-1].direction == "outbound" and "R-1" in messages[-1].text
    sidebar = client.get(f"/desk/tickets/{ticket.ref}").get_data(as_text=True)
    assert f"/desk/catalog/requests/{req.id}" in sidebar


def test_the_form_refuses_an_item_the_customer_may_not_have(client, db, agent, make_ticket, make_item):
    make_item({"slug": "vip-only", "names": {"ko": "VIP", "en": "VIP desk"}, "audience": "tier", "tier": "vip",
               "fulfilment": {"kind": "manual"}})  # fmt: skip
    ticket = make_ticket(email="plain@example.com")
    client.login(agent.email)
    page = client.get(f"/desk/catalog/file?ticket={ticket.ref}&item=vip-only").get_data(as_text=True)
    assert "not available to this customer" in page
    answer = client.post("/desk/catalog/file", data={"ticket": ticket.ref, "item": "vip-only"})
    assert answer.status_code == 422 and db.session.query(CatalogRequest).count() == 0


def test_failed_requests_are_listed_with_their_reason_and_can_be_retried(
    client, db, agent, customer_user, make_item, webhook, card_group
):
    from portal.customers.service import customer_for_user

    item = make_item(lost_card_definition(webhook.url("/error"), group=card_group.name))
    req, _ = service.submit(item, {"card_last4": "1234", "abroad": False}, customer=customer_for_user(customer_user),
                            actor=customer_user, locale="ko")  # fmt: skip
    db.session.commit()
    client.login(agent.email)
    listing = client.get("/desk/catalog/requests?view=failed").get_data(as_text=True)
    assert "HTTP 500" in listing and f"/desk/catalog/requests/{req.id}" in listing
    page = client.get(f"/desk/catalog/requests/{req.id}").get_data(as_text=True)
    assert "Retry the action" in page and "1234" in page
    item.action_config = {**item.action_config, "url": webhook.url("/ok")}
    db.session.commit()
    client.post(f"/desk/catalog/requests/{req.id}/retry")
    req = db.session.get(CatalogRequest, req.id)
    assert req.state == "fulfilled" and not req.automatic and req.failed_at is not None
    keys = {c.headers["Idempotency-Key"] for c in webhook.calls}
    assert keys == {req.uid}


def test_done_by_hand_after_a_failure(client, db, agent, customer_user, make_item, webhook):
    from portal.customers.service import customer_for_user

    item = make_item(lost_card_definition(webhook.url("/refuse")))
    req, _ = service.submit(item, {"card_last4": "1234", "abroad": False}, customer=customer_for_user(customer_user),
                            actor=customer_user, locale="ko")  # fmt: skip
    db.session.commit()
    client.login(agent.email)
    client.post(f"/desk/catalog/requests/{req.id}/fulfil", data={"comment": "전화로 정지 처리"})
    req = db.session.get(CatalogRequest, req.id)
    assert req.state == "fulfilled" and req.result == {"note": "전화로 정지 처리"}


def test_the_requests_list_reads_a_fixed_number_of_queries(
    client, db, agent, customer_user, make_item, count_queries
):
    from portal.customers.service import customer_for_user

    item = make_item({"slug": "manual", "names": {"ko": "수동", "en": "Manual"}, "fields": [],
                      "fulfilment": {"kind": "manual", "checklist": ["하나"]}})  # fmt: skip
    customer = customer_for_user(customer_user)

    def add(n: int) -> None:
        for _ in range(n):
            service.submit(item, {}, customer=customer, actor=customer_user, locale="ko")
        db.session.commit()

    client.login(agent.email)
    add(2)
    with count_queries() as few:
        client.get("/desk/catalog/requests?view=open")
    add(10)
    with count_queries() as many:
        assert (
            client.get("/desk/catalog/requests?view=open").get_data(as_text=True).count("list-group-item")
            >= 12
        )
    assert many.count == few.count

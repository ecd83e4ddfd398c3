"""Figures for reports (requests by item, automatic resolution, time to fulfil, failure rate), items as search
documents, and requests following customer merges."""

from __future__ import annotations

from datetime import timedelta

from portal.catalog import service
from portal.catalog.searchable import CatalogSource
from portal.core import measures
from portal.core.db import utcnow
from portal.customers import service as customers
from portal.customers.service import customer_for_user
from tests.catalog.conftest import lost_card_definition


def test_the_catalog_measures(db, make_item, customer_user, webhook, card_group):
    start, end = utcnow() - timedelta(minutes=1), utcnow() + timedelta(minutes=1)
    assert measures.compute("auto_resolution_rate", start, end) is None
    good = make_item(lost_card_definition(webhook.url("/ok"), slug="good"))
    bad = make_item(lost_card_definition(webhook.url("/error"), slug="bad", group=card_group.name))
    customer = customer_for_user(customer_user)
    for item in (good, good, good, bad):
        service.submit(
            item, {"card_last4": "1234", "abroad": False}, customer=customer, actor=customer_user, locale="ko"
        )
        db.session.commit()
    assert measures.compute("requests_by_item", start, end) == {"good": 3, "bad": 1}
    assert measures.compute("auto_resolution_rate", start, end) == 0.75
    assert measures.compute("request_failure_rate", start, end) == 0.25
    assert measures.compute("request_failure_rate", start, end, group_id=card_group.id) == 1.0
    median = measures.compute("time_to_fulfil_median_s", start, end)
    assert median is not None and 0 <= median < 30
    assert {"auto_resolution_rate", "requests_by_item", "time_to_fulfil_median_s"} <= set(
        measures.available()
    )


def test_items_are_search_documents_with_the_right_visibility(db, make_item, webhook):
    item = make_item(lost_card_definition(webhook.url("/ok")))
    [document] = CatalogSource().load([item.id])
    assert document.kind == "catalog" and document.url == "/catalog/lost-card-test"
    assert document.title == "카드 분실 신고" and "Report a lost card" in document.body
    assert document.visibility == ["customers"]
    item.active = False
    db.session.commit()
    assert CatalogSource().load([item.id]) == []
    assert CatalogSource().count() == 1 and list(CatalogSource().batches(10)) == [[item.id]]


def test_requests_follow_a_merge_and_an_unmerge(db, make_item, make_user, customer_user, webhook):
    item = make_item(lost_card_definition(webhook.url("/ok")))
    customer = customer_for_user(customer_user)
    req, _ = service.submit(item, {"card_last4": "1234", "abroad": False}, customer=customer, actor=customer_user,
                            locale="ko")  # fmt: skip
    db.session.commit()
    survivor = customer_for_user(make_user("customer"))
    merge = customers.merge_customers(survivor, customer, actor=None)
    db.session.commit()
    db.session.refresh(req)
    assert req.customer_id == survivor.id
    customers.unmerge(merge, actor=None)
    db.session.commit()
    db.session.refresh(req)
    assert req.customer_id == customer.id


def test_a_request_follows_its_ticket_into_a_merge(db, agent, make_item, make_ticket, customer_user, webhook):
    from portal.tickets import service as tickets

    item = make_item(lost_card_definition(webhook.url("/ok")))
    req, _ = service.submit(item, {"card_last4": "1234", "abroad": False}, customer=customer_for_user(customer_user),
                            actor=customer_user, locale="ko")  # fmt: skip
    db.session.commit()
    other = make_ticket(user_id=customer_user.id, email=customer_user.email)
    tickets.merge_tickets(other, req.ticket, agent)
    db.session.commit()
    db.session.refresh(req)
    assert req.ticket_id == other.id

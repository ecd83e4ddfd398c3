"""The customer's catalog: who sees which items, guests, the request page and its live state, the request on
the conversation page."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portal.catalog.models import CatalogRequest
from tests.catalog.conftest import field, lost_card_definition

OPEN = {"slug": "ask-anything", "names": {"ko": "무엇이든 물어보세요", "en": "Ask anything"},
        "categories": {"ko": "일반", "en": "General"}, "audience": "everyone",
        "fields": [field("question", "long_text", required=True)], "fulfilment": {"kind": "manual"}}  # fmt: skip
GOLD = {"slug": "gold-lounge", "names": {"ko": "라운지 이용권", "en": "Lounge pass"}, "audience": "tier", "tier": "gold",
        "fulfilment": {"kind": "manual"}}  # fmt: skip


def test_items_are_shown_only_to_those_who_may_request_them(client, db, make_item, customer_user, webhook):
    make_item(OPEN)
    make_item(GOLD)
    make_item(lost_card_definition(webhook.url("/ok")))
    visitor = client.get("/catalog/", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "무엇이든 물어보세요" in visitor and "카드 분실 신고" not in visitor and "라운지" not in visitor
    assert client.get("/catalog/lost-card-test").status_code == 302  # sign in first
    client.login(customer_user.email)
    customer = client.get("/catalog/").get_data(as_text=True)
    assert "Report a lost card" in customer and "Lounge pass" not in customer
    assert client.get("/catalog/gold-lounge").status_code == 403
    assert client.get("/catalog/no-such-thing").status_code == 404


def test_the_catalog_is_empty_with_a_way_forward(client, db):
    page = client.get("/catalog/").get_data(as_text=True)
    assert "No services yet" in page and "/requests/new" in page


def test_a_visitor_files_a_request_and_follows_it_by_its_signed_link(client, db, make_item):
    make_item(OPEN)
    page = client.get("/catalog/ask-anything").get_data(as_text=True)
    key = re.search(r'name="submission_key"[^>]*value="([^"]+)"', page).group(1)
    missing = client.post("/catalog/ask-anything", data={"submission_key": key, "f_question": "요금제 문의"})
    assert missing.status_code == 422 and "Enter your email address." in missing.get_data(as_text=True)
    answer = client.post("/catalog/ask-anything", data={
        "submission_key": key, "requester_name": "박서준", "requester_email": "seojun@example.com",
        "f_question": "요금제를 바꾸고 싶어요",
    })  # fmt: skip
    link = answer.headers["Location"]
    assert link.startswith("/catalog/r/")
    page = client.get(link).get_data(as_text=True)
    assert "요금제를 바꾸고 싶어요" in page and "Our team is on it" in page
    state = client.get(link + "/state").get_json()
    assert state == {"state": "in_progress", "label": "In progress", "open": True}
    req = db.session.scalars(sa.select(CatalogRequest)).one()
    assert req.customer.email == "seojun@example.com" and req.requested_by_id is None
    assert client.get(link[:-4] + "AAAA").status_code == 404
    assert client.get(f"/catalog/requests/{req.id}").status_code == 302  # not signed in


def test_the_conversation_page_shows_the_request_it_belongs_to(client, db, make_item, customer_user, webhook):
    make_item(lost_card_definition(webhook.url("/ok")))
    client.login(customer_user.email)
    page = client.get("/catalog/lost-card-test").get_data(as_text=True)
    key = re.search(r'name="submission_key"[^>]*value="([^"]+)"', page).group(1)
    client.post(
        "/catalog/lost-card-test", data={"submission_key": key, "f_card_last4": "1234", "f_abroad": "no"}
    )
    req = db.session.scalars(sa.select(CatalogRequest)).one()
    conversation = client.get(f"/requests/{req.ticket.ref}").get_data(as_text=True)
    assert "Service request" in conversation and f"/catalog/requests/{req.id}" in conversation
    assert "Completed" in conversation
    mine = client.get("/requests").get_data(as_text=True)
    assert f"#{req.ticket.ref}" in mine
    state = client.get(f"/catalog/requests/{req.id}/state").get_json()
    assert state["state"] == "fulfilled" and not state["open"]


def test_the_home_page_offers_the_catalog(client, db):
    assert "/catalog/" in client.get("/").get_data(as_text=True)


def test_the_catalog_page_reads_a_fixed_number_of_queries(
    client, db, make_item, customer_user, count_queries
):
    client.login(customer_user.email)

    def add(first: int, count: int) -> None:
        for n in range(first, first + count):
            make_item({"slug": f"item-{n}", "names": {"ko": f"항목 {n}", "en": f"Item {n}"},
                       "audience": "customers", "fulfilment": {"kind": "manual"}})  # fmt: skip

    add(0, 2)
    with count_queries() as few:
        client.get("/catalog/")
    add(2, 10)
    with count_queries() as many:
        assert client.get("/catalog/").get_data(as_text=True).count("data-catalog-card") == 12
    assert many.count == few.count


def test_a_file_answer_arrives_on_the_ticket(client, db, make_item, customer_user):
    import io

    from portal.tickets.models import Attachment, Message

    make_item({"slug": "id-copy", "names": {"ko": "신분증 사본 제출", "en": "Send an ID copy"}, "audience": "customers",
               "fields": [field("copy", "file", required=True)], "fulfilment": {"kind": "manual"}})  # fmt: skip
    client.login(customer_user.email)
    page = client.get("/catalog/id-copy").get_data(as_text=True)
    key = re.search(r'name="submission_key"[^>]*value="([^"]+)"', page).group(1)
    missing = client.post("/catalog/id-copy", data={"submission_key": key})
    assert missing.status_code == 422 and "Please attach a file." in missing.get_data(as_text=True)
    blocked = client.post("/catalog/id-copy", data={"submission_key": key, "f_copy": (io.BytesIO(b"MZ"), "run.exe")},
                          content_type="multipart/form-data")  # fmt: skip
    assert blocked.status_code == 422 and "not accepted" in blocked.get_data(as_text=True)
    sent = client.post("/catalog/id-copy", data={"submission_key": key, "f_copy": (io.BytesIO(b"%PDF-1.4 id"), "신분증.pdf")},
                       content_type="multipart/form-data")  # fmt: skip
    assert sent.status_code == 302
    req = db.session.scalars(sa.select(CatalogRequest)).one()
    assert req.answers["copy"] == {"filename": "신분증.pdf", "size": 11, "content_type": "application/pdf"}
    names = db.session.scalars(
        sa.select(Attachment.filename)
        .join(Message, Message.id == Attachment.message_id)
        .where(Message.ticket_id == req.ticket_id)
    ).all()
    assert names == ["신분증.pdf"]

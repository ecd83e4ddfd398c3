"""The chat rows of the contract: start, read after a sequence number, send idempotently, hand over, end."""

from __future__ import annotations

import sqlalchemy as sa

from portal.tickets.models import Message, Ticket


def test_a_guest_starts_a_chat_and_the_bot_offers_an_article(client, suggester, start_guest_chat):
    body, _key = start_guest_chat()
    assert body["status"] == "bot" and body["ticket"] is None and body["token"]
    first, answer = body["messages"]
    assert first["seq"] == 1 and first["author"] == {"kind": "customer", "name": "손님"}
    assert answer["author"]["kind"] == "bot" and answer["data"]["ask"] == "helped"
    (item,) = answer["data"]["suggestions"]
    assert item["title"] == "요금 환불 받는 방법" and "<b>" not in item["snippet"]
    assert suggester[0][0] == "환불은 언제 되나요?"


def test_nothing_found_hands_over_to_a_person_with_the_bots_part_in_the_ticket(
    client, db, suggester, online_agent, start_guest_chat
):
    body, _key = start_guest_chat(text="모뎀 불이 빨갛게 깜빡여요")
    assert body["status"] == "waiting" and body["ticket"]
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.ref == int(body["ticket"])))
    assert ticket.channel == "chat" and ticket.status == "open" and ticket.assignee_id is None
    messages = db.session.scalars(
        sa.select(Message).where(Message.ticket_id == ticket.id).order_by(Message.id)
    ).all()
    assert [(m.direction, m.author_kind) for m in messages] == [("inbound", "customer"), ("outbound", "bot")]
    assert ticket.subject == "모뎀 불이 빨갛게 깜빡여요"


def test_messages_after_a_sequence_number_and_idempotent_client_ids(client, suggester, start_guest_chat):
    body, key = start_guest_chat()
    chat_id = body["id"]
    sent = client.post(
        f"/api/v1/chats/{chat_id}/messages",
        headers=key,
        json={"text": "감사합니다", "client_id": "c-0001-abcd"},
    )
    assert sent.status_code == 201
    again = client.post(
        f"/api/v1/chats/{chat_id}/messages",
        headers=key,
        json={"text": "감사합니다", "client_id": "c-0001-abcd"},
    )
    assert again.status_code == 200 and again.get_json() == sent.get_json()
    listing = client.get(f"/api/v1/chats/{chat_id}/messages?after=2", headers=key).get_json()
    texts = [i["text"] for i in listing["items"] if i["author"]["kind"] == "customer"]
    assert texts == ["감사합니다"]
    assert client.get(f"/api/v1/chats/{chat_id}/messages?after=99", headers=key).status_code == 422
    assert client.get(f"/api/v1/chats/{chat_id}/messages?after=x", headers=key).status_code == 422


def test_answers_match_the_documented_schemas(client, make_client, suggester, online_agent):
    from tests.chat.conftest import csrf_headers
    from tests.test_openapi import validator_for

    spec = client.get("/api/v1/openapi.json").get_json()
    started = client.post(
        "/api/v1/chats", json={"text": "환불", "customer_email": "s@example.com", "customer_name": "S"}
    )
    chat_id, key = started.get_json()["id"], {"X-Chat-Token": started.get_json()["token"]}
    base = f"/api/v1/chats/{chat_id}"
    checks = [
        ("/chats", "post", started, 201),
        ("/chats/{chat_id}", "get", client.get(base, headers=key), 200),
        ("/chats/{chat_id}/messages", "get", client.get(f"{base}/messages?after=1", headers=key), 200),
        (
            "/chats/{chat_id}/messages",
            "post",
            client.post(f"{base}/messages", headers=key, json={"text": "hi", "client_id": "schema-01"}),
            201,
        ),
        (
            "/chats/{chat_id}/messages",
            "post",
            client.post(f"{base}/messages", headers=key, json={"text": "hi", "client_id": "schema-01"}),
            200,
        ),
        (
            "/chats/{chat_id}/messages",
            "post",
            client.post(f"{base}/messages", headers=key, json={"text": ""}),
            422,
        ),
        ("/chats/{chat_id}/handoff", "post", client.post(f"{base}/handoff", headers=key), 200),
    ]
    desk = make_client()
    desk.login(online_agent.email)
    checks.append(
        (
            "/chats/{chat_id}/end",
            "post",
            desk.post(f"{base}/end", json={"solve": True}, headers=csrf_headers(desk)),
            200,
        )
    )
    checks.append(("/chats/{chat_id}", "get", client.get("/api/v1/chats/424242", headers=key), 404))
    other = client.post(
        "/api/v1/chats", json={"text": "환불", "customer_email": "t@example.com", "customer_name": "T"}
    )
    other_key = {"X-Chat-Token": other.get_json()["token"]}
    checks.append(
        (
            "/chats/{chat_id}/helped",
            "post",
            client.post(
                f"/api/v1/chats/{other.get_json()['id']}/helped", headers=other_key, json={"helped": False}
            ),
            200,
        )
    )
    for path, method, response, status in checks:
        assert response.status_code == status, (path, method, response.get_json())
        validator_for(spec, path, method, status).validate(response.get_json())


def test_the_widget_tells_of_a_declared_incident_in_the_customers_language(client, db, admin):
    from portal.incidents import service as incidents

    assert client.get("/chat/widget.json?locale=ko").get_json()["incidents"] == []
    incidents.declare(
        admin,
        title_ko="인터넷 장애",
        description_ko="복구 중입니다.",
        title_en="Internet outage",
        banner=True,
    )
    db.session.commit()
    (korean,) = client.get("/chat/widget.json?locale=ko").get_json()["incidents"]
    (english,) = client.get("/chat/widget.json?locale=en").get_json()["incidents"]
    assert korean["title"] == "인터넷 장애" and korean["description"] == "복구 중입니다."
    assert english["title"] == "Internet outage" and korean["url"].endswith(f"/incidents/{korean['id']}")

"""Bad input: another's chat is a 404, limits on size and rate, client ids checked, CORS only for allowed sites."""

from __future__ import annotations

import pytest

from portal.channels.chat import settings_store
from tests.chat.conftest import csrf_headers


def test_a_chat_that_is_not_yours_answers_404(client, make_client, make_user, suggester, start_guest_chat):
    body, key = start_guest_chat()
    other, other_key = start_guest_chat(email="other@example.com")
    chat_id = body["id"]
    assert client.get(f"/api/v1/chats/{chat_id}").status_code == 404
    assert client.get(f"/api/v1/chats/{chat_id}", headers=other_key).status_code == 404
    assert client.get(f"/api/v1/chats/{chat_id}", headers={"X-Chat-Token": "forged"}).status_code == 404
    assert (
        client.post(f"/api/v1/chats/{chat_id}/messages", headers=other_key, json={"text": "hi"}).status_code
        == 404
    )
    assert client.post(f"/api/v1/chats/{chat_id}/end", headers=other_key).status_code == 404
    assert client.get("/api/v1/chats/999999", headers=key).status_code == 404
    stranger = make_client()
    stranger.login(make_user("customer").email)
    response = stranger.get(f"/api/v1/chats/{chat_id}/messages")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_size_and_emptiness_are_refused_with_the_contracts_errors(client, app, suggester, start_guest_chat):
    body, key = start_guest_chat()
    url = f"/api/v1/chats/{body['id']}/messages"
    too_long = client.post(url, headers=key, json={"text": "가" * (app.config["CHAT_MESSAGE_MAX_CHARS"] + 1)})
    assert too_long.status_code == 413 and too_long.get_json()["error"]["code"] == "too_large"
    empty = client.post(url, headers=key, json={"text": "   "})
    assert empty.status_code == 422 and "text" in empty.get_json()["error"]["fields"]
    assert client.post(url, headers=key, json={"text": 5}).status_code == 422
    assert client.post(url, headers=key, data="not json").status_code == 400
    guest = client.post("/api/v1/chats", json={"text": "hi", "customer_email": "nope", "customer_name": ""})
    assert guest.status_code == 422 and set(guest.get_json()["error"]["fields"]) == {
        "customer_email",
        "customer_name",
    }


def test_a_chat_sending_too_fast_is_slowed_down(client, app, suggester, start_guest_chat, monkeypatch):
    monkeypatch.setitem(app.config, "CHAT_BURST", 3)
    body, key = start_guest_chat(text="모뎀")  # 1 customer message, handed over
    url = f"/api/v1/chats/{body['id']}/messages"
    assert [client.post(url, headers=key, json={"text": f"m{i}"}).status_code for i in range(3)] == [
        201,
        201,
        429,
    ]
    assert client.post(url, headers=key, json={"text": "m9"}).get_json()["error"]["code"] == "rate_limited"


def test_stale_or_forged_client_ids_are_refused_cleanly(
    client, make_client, suggester, online_agent, start_guest_chat
):
    body, key = start_guest_chat(text="모뎀")
    url = f"/api/v1/chats/{body['id']}/messages"
    malformed = client.post(url, headers=key, json={"text": "hi", "client_id": "<script>"})
    assert malformed.status_code == 422 and "client_id" in malformed.get_json()["error"]["fields"]
    assert client.post(url, headers=key, json={"text": "hi", "client_id": "x" * 65}).status_code == 422
    assert client.post(url, headers=key, json={"text": "first", "client_id": "same-0001"}).status_code == 201
    reused = client.post(url, headers=key, json={"text": "second", "client_id": "same-0001"})
    assert reused.status_code == 409 and reused.get_json()["error"]["code"] == "client_id_conflict"

    desk = make_client()
    desk.login(online_agent.email)
    note = {"text": "secret note", "internal": True, "client_id": "note-0001"}
    assert desk.post(url, json=note, headers=csrf_headers(desk)).status_code == 201
    guess = client.post(url, headers=key, json={"text": "secret note", "client_id": "note-0001"})
    assert guess.status_code == 409 and "secret" not in guess.get_data(as_text=True)


def test_text_is_kept_as_written_and_escaped_where_shown(
    client, make_client, db, suggester, online_agent, start_guest_chat
):
    attack = '<img src=x onerror="alert(1)">'
    body, key = start_guest_chat(text=attack)
    assert body["messages"][0]["text"] == attack
    desk = make_client()
    desk.login(online_agent.email)
    page = desk.get(f"/desk/tickets/{body['ticket']}").get_data(as_text=True)
    assert attack not in page and "&lt;img src=x" in page


def test_agents_do_not_start_chats(make_client, agent):
    desk = make_client()
    desk.login(agent.email)
    response = desk.post("/api/v1/chats", json={"text": "hi"}, headers=csrf_headers(desk))
    assert response.status_code == 403


def test_cookie_sessions_must_send_the_csrf_header(make_client, customer_user):
    own = make_client()
    own.login(customer_user.email)
    response = own.post("/api/v1/chats", json={"text": "요금제 문의"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "csrf_failed"


@pytest.fixture()
def allowed_site(db, admin):
    settings_store.save(
        origins_text="https://shop.example.com", business_hours="", closed_on_holidays=False, actor=admin
    )
    db.session.commit()
    return "https://shop.example.com"


def test_cors_only_for_the_sites_an_admin_allowed(client, suggester, allowed_site):
    preflight = client.options(
        "/api/v1/chats",
        headers={
            "Origin": allowed_site,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-chat-token",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == allowed_site
    assert "X-Chat-Token" in preflight.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    started = client.post(
        "/api/v1/chats",
        headers={"Origin": allowed_site},
        json={"text": "환불", "customer_email": "shop@example.com", "customer_name": "쇼핑객"},
    )
    assert started.status_code == 201 and started.headers["Access-Control-Allow-Origin"] == allowed_site

    evil = "https://evil.example.net"
    refused = client.post(
        "/api/v1/chats",
        headers={"Origin": evil},
        json={"text": "x", "customer_email": "a@b.co", "customer_name": "a"},
    )
    assert refused.status_code == 403 and "Access-Control-Allow-Origin" not in refused.headers
    assert client.get("/chat/widget.json", headers={"Origin": evil}).status_code == 403
    assert (
        client.get("/api/v1/tickets", headers={"Origin": evil}).headers.get("Access-Control-Allow-Origin")
        is None
    )


def test_the_widget_on_another_site_never_sees_the_signed_in_customer(
    make_client, customer_user, make_ticket, allowed_site
):
    own = make_client()
    own.login(customer_user.email)
    make_ticket("web", user_id=customer_user.id, email=customer_user.email, subject="요금 문의")
    home = own.get("/chat/widget.json").get_json()
    assert home["signed_in"] is True and home["name"] == customer_user.name
    assert [r["subject"] for r in home["open_requests"]] == ["요금 문의"]
    abroad = own.get("/chat/widget.json", headers={"Origin": allowed_site}).get_json()
    assert abroad["signed_in"] is False and abroad["open_requests"] == []


def test_the_admin_page_keeps_origins_and_names_what_it_could_not_read(make_client, admin, customer_user):
    page = make_client()
    page.login(admin.email)
    bad = page.post(
        "/admin/chat/",
        data={"allowed_origins": "https://ok.example.com\nnot a site", "business_hours": "weekdays 9-6"},
    )
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "not a site" in text and "weekdays 9-6" in text
    good = page.post(
        "/admin/chat/",
        data={
            "allowed_origins": "https://OK.example.com/\nhttp://localhost:8000",
            "business_hours": "mon-fri 09:00-18:00",
        },
    )
    assert good.status_code == 302
    shown = page.get("/admin/chat/").get_data(as_text=True)
    assert "https://ok.example.com" in shown and "chat-widget.js" in shown
    customer = make_client()
    customer.login(customer_user.email)
    assert customer.get("/admin/chat/").status_code == 404

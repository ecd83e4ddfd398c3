"""JSON API v1 for tickets and customers, as ../shared/CONTRACT.md gives it."""

from __future__ import annotations

import pytest

from portal.accounts import service as accounts


@pytest.fixture()
def token_for(db):
    def make(user):
        plain = accounts.issue_token(user, "test")
        db.session.commit()
        return {"Authorization": f"Bearer {plain}"}

    return make


def test_requests_without_a_valid_token_get_a_json_401(client):
    response = client.get("/api/v1/tickets")
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"
    response = client.get("/api/v1/tickets", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


def test_an_agent_files_for_a_customer_and_a_customer_sees_only_their_own(
    client, agent, make_user, token_for
):
    staff = token_for(agent)
    created = client.post(
        "/api/v1/tickets",
        headers=staff,
        json={
            "subject": "전화 문의",
            "text": "요금제 변경 요청",
            "channel": "phone",
            "customer_email": "Yuna@Example.com",
            "customer_name": "최유나",
        },
    )
    assert created.status_code == 201
    ticket = created.get_json()
    assert ticket["channel"] == "phone" and ticket["customer"]["email"] == "yuna@example.com"
    assert ticket["status"] == "new" and ticket["created_at"].endswith("+00:00")

    stranger = token_for(make_user("customer"))
    assert client.get(f"/api/v1/tickets/{ticket['ref']}", headers=stranger).status_code == 404
    assert client.get("/api/v1/tickets", headers=stranger).get_json()["items"] == []

    owner = make_user("customer", email="yuna@example.com")
    mine = token_for(owner)
    listing = client.get("/api/v1/tickets", headers=mine).get_json()
    assert [t["ref"] for t in listing["items"]] == [ticket["ref"]]


def test_messages_patch_and_internal_notes(client, agent, make_user, token_for):
    staff = token_for(agent)
    customer = make_user("customer")
    own = token_for(customer)
    ref = client.post("/api/v1/tickets", headers=own, json={"subject": "Hi", "text": "Help"}).get_json()[
        "ref"
    ]
    assert (
        client.post(
            f"/api/v1/tickets/{ref}/messages", headers=staff, json={"text": "note", "internal": True}
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"/api/v1/tickets/{ref}/messages", headers=own, json={"text": "x", "internal": True}
        ).status_code
        == 403
    )
    assert (
        client.post(f"/api/v1/tickets/{ref}/messages", headers=own, json={"text": "more"}).status_code == 201
    )
    seen_by_customer = client.get(f"/api/v1/tickets/{ref}", headers=own).get_json()
    assert [m["direction"] for m in seen_by_customer["messages"]] == ["inbound", "inbound"]
    patched = client.patch(
        f"/api/v1/tickets/{ref}",
        headers=staff,
        json={
            "status": "pending",
            "priority": "high",
            "assignee_email": agent.email,
            "tags": ["VIP", "환불"],
        },
    )
    assert patched.status_code == 200
    assert patched.get_json()["tags"] == ["vip", "환불"] and patched.get_json()["assignee"] == agent.email
    assert client.patch(f"/api/v1/tickets/{ref}", headers=own, json={"status": "closed"}).status_code == 403


@pytest.mark.parametrize(
    "body, status",
    [
        (b"not json", 400),
        (b"[1, 2]", 400),
        (b'{"subject": 5, "text": "x"}', 422),
        (b'{"subject": "", "text": ""}', 422),
        (b'{"text": "x"}', 422),
    ],
)
def test_malformed_input_gets_the_contracts_json_errors(client, make_user, token_for, body, status):
    headers = {**token_for(make_user("customer")), "Content-Type": "application/json"}
    response = client.post("/api/v1/tickets", headers=headers, data=body)
    assert response.status_code == status
    assert set(response.get_json()["error"]) >= {"code", "message"}


def test_bad_query_values_and_cursors_are_clear_errors(client, agent, token_for):
    staff = token_for(agent)
    assert client.get("/api/v1/tickets?status=weird", headers=staff).status_code == 422
    assert client.get("/api/v1/tickets?limit=abc", headers=staff).status_code == 422
    assert client.get("/api/v1/tickets?cursor=%%%", headers=staff).status_code == 400
    assert client.get("/api/v1/tickets?cursor=WyJ4Il0", headers=staff).status_code == 400
    assert client.get("/api/v1/tickets/abc", headers=staff).status_code == 404


def test_list_pages_with_a_cursor(client, agent, token_for, make_ticket):
    refs = {str(make_ticket().ref) for _ in range(7)}
    staff = token_for(agent)
    seen, url = [], "/api/v1/tickets?limit=3"
    while url:
        page = client.get(url, headers=staff).get_json()
        seen += [t["ref"] for t in page["items"]]
        url = f"/api/v1/tickets?limit=3&cursor={page['next']}" if page["next"] else None
    assert sorted(seen) == sorted(refs) and len(seen) == 7


def test_customers_by_email_detail_merge_and_unmerge(client, agent, make_ticket, token_for):
    staff = token_for(agent)
    a = make_ticket("email", email="one@example.com", name="Same Name").customer_id
    b = make_ticket("chat", chat="handle-1", name="Same Name").customer_id
    found = client.get("/api/v1/customers?email=ONE@example.com", headers=staff).get_json()["items"]
    assert [c["id"] for c in found] == [a]
    merged = client.post(f"/api/v1/customers/{a}/merge", headers=staff, json={"other_id": b}).get_json()
    assert {i["kind"] for i in merged["identities"]} == {"email", "chat"}
    assert len(merged["tickets"]) == 2 and merged["merges"][0]["other_id"] == b
    assert {e["channel"] for e in merged["timeline"] if e["kind"] != "merge"} == {"email", "chat"}
    both = client.post(
        f"/api/v1/customers/{a}/unmerge", headers=staff, json={"merge_id": merged["merges"][0]["id"]}
    ).get_json()
    assert len(both["customer"]["tickets"]) == 1 and len(both["other"]["tickets"]) == 1
    assert (
        client.post(f"/api/v1/customers/{a}/merge", headers=staff, json={"other_id": "x"}).status_code == 422
    )


def test_a_customer_token_sees_only_its_own_customer(client, make_user, token_for, make_ticket):
    user = make_user("customer")
    other = make_ticket(email="else@example.com").customer_id
    headers = token_for(user)
    assert client.get(f"/api/v1/customers/{other}", headers=headers).status_code == 404
    assert (
        client.post(f"/api/v1/customers/{other}/merge", headers=headers, json={"other_id": 1}).status_code
        == 403
    )

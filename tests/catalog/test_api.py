"""The catalog rows of the contract: items (visibility, 403), creating items (admins), filing requests (per-field
errors, idempotency), reading and deciding requests; every answer matches the OpenAPI document."""

from __future__ import annotations

import base64

import pytest
import sqlalchemy as sa

from portal.accounts import service as accounts
from portal.catalog.models import CatalogRequest
from portal.customers.service import customer_for_user
from tests.catalog.conftest import field, lost_card_definition
from tests.test_openapi import validator_for


@pytest.fixture()
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def _headers(db, user):
    token = accounts.issue_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _check(spec, path, method, response, status):
    assert response.status_code == status, response.get_json()
    validator_for(spec, path, method, str(status)).validate(response.get_json())


def gold_definition():
    return {
        "slug": "gold-lounge",
        "names": {"ko": "라운지 이용권", "en": "Lounge pass"},
        "audience": "tier",
        "tier": "gold",
        "fields": [],
        "fulfilment": {"kind": "manual"},
    }


def test_items_are_listed_only_to_those_who_may_request_them(client, db, spec, make_item, make_user, webhook):
    make_item(lost_card_definition(webhook.url("/ok")))  # customers only
    make_item(gold_definition())
    make_item(
        {"slug": "open-to-all", "names": {"ko": "문의", "en": "Question"}, "fulfilment": {"kind": "manual"}}
    )
    anonymous = client.get("/api/v1/catalog/items")
    _check(spec, "/catalog/items", "get", anonymous, 200)
    assert [i["slug"] for i in anonymous.get_json()["items"]] == ["open-to-all"]
    customer = make_user("customer")
    headers = _headers(db, customer)
    listed = client.get("/api/v1/catalog/items", headers=headers).get_json()["items"]
    assert {i["slug"] for i in listed} == {"lost-card-test", "open-to-all"}
    assert all(i["fulfilment"]["config"] == {} for i in listed)  # settings and secrets stay with admins
    denied = client.get("/api/v1/catalog/items/gold-lounge", headers=headers)
    _check(spec, "/catalog/items/{slug}", "get", denied, 403)
    filed = client.post("/api/v1/catalog/items/gold-lounge/requests", headers=headers, json={"fields": {}})
    _check(spec, "/catalog/items/{slug}/requests", "post", filed, 403)
    customer_for_user(customer).tier = "vip"
    db.session.commit()
    assert client.get("/api/v1/catalog/items/gold-lounge", headers=headers).status_code == 200


def test_admins_create_items_and_others_may_not(client, db, spec, admin, agent, webhook):
    definition = lost_card_definition(webhook.url("/ok"))
    refused = client.post("/api/v1/catalog/items", headers=_headers(db, agent), json=definition)
    _check(spec, "/catalog/items", "post", refused, 403)
    created = client.post("/api/v1/catalog/items", headers=_headers(db, admin), json=definition)
    _check(spec, "/catalog/items", "post", created, 201)
    body = created.get_json()
    assert body["fields"][0] == {**body["fields"][0], "name": "card_last4", "type": "text", "required": True}
    assert body["fulfilment"]["config"]["url"] == webhook.url("/ok")
    broken = client.post(
        "/api/v1/catalog/items", headers=_headers(db, admin), json={"names": {"ko": "x"}, "fields": 3}
    )
    _check(spec, "/catalog/items", "post", broken, 422)
    assert {"name_en", "fields", "kind"} <= set(broken.get_json()["error"]["fields"])
    again = client.put(f"/api/v1/catalog/items/{body['slug']}", headers=_headers(db, admin), json=body)
    _check(spec, "/catalog/items/{slug}", "put", again, 200)


def test_a_request_through_the_api_is_fulfilled_once_per_idempotency_key(
    client, db, spec, make_item, customer_user, webhook
):
    make_item(lost_card_definition(webhook.url("/ok")))
    headers = {**_headers(db, customer_user), "Idempotency-Key": "abc-123"}
    body = {"fields": {"card_last4": "1234", "abroad": True, "country": "Japan"}}
    first = client.post("/api/v1/catalog/items/lost-card-test/requests", headers=headers, json=body)
    _check(spec, "/catalog/items/{slug}/requests", "post", first, 201)
    created = first.get_json()
    assert created["state"] == "fulfilled" and created["result"] == {"report_no": "R-1"} and created["ticket"]
    again = client.post("/api/v1/catalog/items/lost-card-test/requests", headers=headers, json=body)
    _check(spec, "/catalog/items/{slug}/requests", "post", again, 200)
    assert again.get_json()["id"] == created["id"] and len(webhook.calls) == 1
    read = client.get(f"/api/v1/requests/{created['id']}", headers=headers)
    _check(spec, "/requests/{id}", "get", read, 200)
    assert [e["kind"] for e in read.get_json()["timeline"]] == ["submitted", "queued", "fulfilled"]


def test_bad_answers_get_per_field_errors(client, db, spec, make_item, customer_user, webhook):
    make_item(lost_card_definition(webhook.url("/ok")))
    headers = _headers(db, customer_user)
    answer = client.post(
        "/api/v1/catalog/items/lost-card-test/requests",
        headers=headers,
        json={"fields": {"card_last4": "12", "abroad": True, "colour": "red", "details": ["a"]}},
    )
    _check(spec, "/catalog/items/{slug}/requests", "post", answer, 422)
    fields = answer.get_json()["error"]["fields"]
    assert set(fields) == {"fields.card_last4", "fields.country", "fields.colour", "fields.details"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CatalogRequest)) == 0
    for bad in ([1, 2], "text", None):
        response = client.post("/api/v1/catalog/items/lost-card-test/requests", headers=headers, json=bad)
        assert response.status_code in (400, 422)
    assert (
        client.post("/api/v1/catalog/items/nope/requests", headers=headers, json={"fields": {}}).status_code
        == 404
    )


def test_every_field_type_through_the_api(client, db, make_item, customer_user):
    make_item({
        "slug": "all-types", "names": {"ko": "전부", "en": "All types"}, "fulfilment": {"kind": "manual"},
        "fields": [
            field("t", "text"), field("lt", "long_text"), field("n", "number", min=1, max=10),
            field("e", "email"), field("p", "phone"), field("d", "date"), field("yn", "yes_no"),
            field("c", "choice", choices=["a", "b"]), field("m", "multi_choice", choices=["x", "y", "z"]),
            field("f", "file"),
        ],
    })  # fmt: skip
    headers = _headers(db, customer_user)
    good = {
        "t": " hi ", "lt": "long\ntext", "n": 2.5, "e": "A@Example.COM", "p": "010-1234-5678", "d": "2025-05-31",
        "yn": False, "c": "b", "m": ["x", "z"],
        "f": {"filename": "사진.png", "content_base64": base64.b64encode(b"\x89PNG data").decode(), "content_type": "image/png"},
    }  # fmt: skip
    created = client.post("/api/v1/catalog/items/all-types/requests", headers=headers, json={"fields": good})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["fields"] == {
        "t": "hi", "lt": "long\ntext", "n": 2.5, "e": "a@example.com", "p": "+821012345678", "d": "2025-05-31",
        "yn": False, "c": "b", "m": ["x", "z"], "f": {"filename": "사진.png", "size": 9, "content_type": "image/png"},
    }  # fmt: skip
    bad = {
        "n": 11,
        "e": "nope",
        "p": "12",
        "d": "31/05/2025",
        "c": "q",
        "m": ["w"],
        "f": {"filename": "x.exe", "content_base64": "eA=="},
    }
    errors = client.post(
        "/api/v1/catalog/items/all-types/requests", headers=headers, json={"fields": bad}
    ).get_json()
    assert set(errors["error"]["fields"]) == {f"fields.{k}" for k in bad}


def test_agents_file_for_a_customer_by_email(client, db, agent, make_item, webhook):
    make_item(lost_card_definition(webhook.url("/ok"), audience="everyone"))
    headers = _headers(db, agent)
    missing = client.post("/api/v1/catalog/items/lost-card-test/requests", headers=headers,
                          json={"fields": {"card_last4": "1111", "abroad": False}})  # fmt: skip
    assert missing.status_code == 422 and "customer_email" in missing.get_json()["error"]["fields"]
    filed = client.post(
        "/api/v1/catalog/items/lost-card-test/requests",
        headers=headers,
        json={"fields": {"card_last4": "1111", "abroad": False}, "customer_email": "walkin@example.com"},
    )
    assert filed.status_code == 201 and filed.get_json()["customer"]["email"] == "walkin@example.com"


def test_approvers_decide_through_the_api(client, db, spec, make_item, make_user, customer_user):
    approver = make_user("agent")
    make_item({"slug": "needs-ok", "names": {"ko": "승인", "en": "Needs approval"}, "audience": "customers",
               "fulfilment": {"kind": "approval", "approver": {"email": approver.email}}})  # fmt: skip
    customer_headers = _headers(db, customer_user)
    created = client.post(
        "/api/v1/catalog/items/needs-ok/requests", headers=customer_headers, json={"fields": {}}
    )
    rid = created.get_json()["id"]
    assert created.get_json()["state"] == "awaiting_approval"
    refused = client.post(f"/api/v1/requests/{rid}/approve", headers=customer_headers, json={})
    _check(spec, "/requests/{id}/approve", "post", refused, 403)
    other_agent = _headers(db, make_user("agent"))
    assert client.post(f"/api/v1/requests/{rid}/approve", headers=other_agent).status_code == 403
    approved = client.post(
        f"/api/v1/requests/{rid}/approve", headers=_headers(db, approver), json={"comment": "ok"}
    )
    _check(spec, "/requests/{id}/approve", "post", approved, 200)
    assert approved.get_json()["state"] == "fulfilled"  # no action, no checklist: approval was the work
    twice = client.post(f"/api/v1/requests/{rid}/reject", headers=_headers(db, approver))
    _check(spec, "/requests/{id}/reject", "post", twice, 409)
    stranger = _headers(db, make_user("customer"))
    _check(spec, "/requests/{id}", "get", client.get(f"/api/v1/requests/{rid}", headers=stranger), 404)


def test_a_customer_cancels_through_the_api(client, db, spec, make_item, make_user, customer_user):
    make_item({"slug": "needs-ok", "names": {"ko": "승인", "en": "Needs approval"}, "audience": "customers",
               "fulfilment": {"kind": "approval", "approver": {"email": make_user("agent").email}}})  # fmt: skip
    headers = _headers(db, customer_user)
    rid = client.post(
        "/api/v1/catalog/items/needs-ok/requests", headers=headers, json={"fields": {}}
    ).get_json()["id"]
    cancelled = client.post(f"/api/v1/requests/{rid}/cancel", headers=headers)
    _check(spec, "/requests/{id}/cancel", "post", cancelled, 200)
    assert cancelled.get_json()["state"] == "cancelled"


def test_a_token_files_without_csrf_while_a_cookie_session_needs_the_header(
    client, db, app, make_item, customer_user, monkeypatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    make_item({"slug": "plain", "names": {"ko": "문의", "en": "Question"}, "fulfilment": {"kind": "manual"}})
    with_token = client.post(
        "/api/v1/catalog/items/plain/requests", headers=_headers(db, customer_user), json={"fields": {}}
    )
    assert with_token.status_code == 201
    browser = client.application.test_client()
    page = browser.get("/login").get_data(as_text=True)
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    browser.post(
        "/login", data={"email": customer_user.email, "password": "password-123", "csrf_token": token}
    )
    refused = browser.post("/api/v1/catalog/items/plain/requests", json={"fields": {}})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "csrf_failed"
    accepted = browser.post(
        "/api/v1/catalog/items/plain/requests", json={"fields": {}}, headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 201

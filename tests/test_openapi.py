"""The OpenAPI document is true: every /api/v1 route is in it, nothing else is, and answers match its schemas."""

from __future__ import annotations

import re

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from portal.accounts import service as accounts


def _shape(path):
    return re.sub(r"\{[^}]+\}", "{}", path)


def _routes(app):
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule == "/api/v1/openapi.json":
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule[len("/api/v1") :])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((_shape(path), method.lower()))
    return found


def _documented(spec):
    return {
        (_shape(path), method)
        for path, ops in spec["paths"].items()
        for method in ops
        if method != "parameters"
    }


def test_every_route_is_documented_and_every_documented_route_exists(client, app):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert _routes(app) == _documented(spec)


def validator_for(spec, path, method, status):
    registry = Registry().with_resource(
        "urn:spec", Resource.from_contents(spec, default_specification=DRAFT202012)
    )
    return jsonschema.Draft202012Validator(
        {
            "$ref": "urn:spec#/paths/"
            + path.replace("/", "~1")
            + f"/{method}/responses/{status}/content/application~1json/schema"
        },
        registry=registry,
    )


@pytest.fixture()
def staff_headers(db, agent):
    plain = accounts.issue_token(agent)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_answers_match_the_documented_schemas(client, staff_headers, make_ticket):
    spec = client.get("/api/v1/openapi.json").get_json()
    ticket = make_ticket("email", email="a@example.com")
    other = make_ticket("chat", chat="someone")
    checks = [
        ("/tickets", "get", client.get("/api/v1/tickets", headers=staff_headers), 200),
        (
            "/tickets",
            "post",
            client.post(
                "/api/v1/tickets",
                headers=staff_headers,
                json={"subject": "s", "text": "t", "customer_email": "b@example.com"},
            ),
            201,
        ),
        ("/tickets/{ref}", "get", client.get(f"/api/v1/tickets/{ticket.ref}", headers=staff_headers), 200),
        (
            "/tickets/{ref}/messages",
            "post",
            client.post(f"/api/v1/tickets/{ticket.ref}/messages", headers=staff_headers, json={"text": "hi"}),
            201,
        ),
        (
            "/tickets/{ref}",
            "patch",
            client.patch(f"/api/v1/tickets/{ticket.ref}", headers=staff_headers, json={"priority": "high"}),
            200,
        ),
        (
            "/customers",
            "get",
            client.get("/api/v1/customers?email=a@example.com", headers=staff_headers),
            200,
        ),
        (
            "/customers/{id}",
            "get",
            client.get(f"/api/v1/customers/{ticket.customer_id}", headers=staff_headers),
            200,
        ),
        ("/tickets", "post", client.post("/api/v1/tickets", headers=staff_headers, json={}), 422),
        ("/tickets/{ref}", "get", client.get("/api/v1/tickets/0", headers=staff_headers), 404),
    ]
    merged = client.post(
        f"/api/v1/customers/{ticket.customer_id}/merge",
        headers=staff_headers,
        json={"other_id": other.customer_id},
    )
    checks.append(("/customers/{id}/merge", "post", merged, 200))
    checks.append(
        (
            "/customers/{id}/unmerge",
            "post",
            client.post(
                f"/api/v1/customers/{ticket.customer_id}/unmerge",
                headers=staff_headers,
                json={"merge_id": merged.get_json()["merges"][0]["id"]},
            ),
            200,
        )
    )
    for path, method, response, status in checks:
        assert response.status_code == status, (path, method, response.get_json())
        validator_for(spec, path, method, status).validate(response.get_json())

"""POST /api/v1/articles and GET /api/v1/articles/ID as the contract gives them."""

from __future__ import annotations


def test_an_agent_writes_an_article_and_anyone_reads_it(client, index, agent, customer_user, token_for):
    staff = token_for(agent)
    created = client.post(
        "/api/v1/articles",
        headers=staff,
        json={"title": "환불 안내", "body": "**3~5일** 걸립니다", "locale": "ko", "tags": ["환불"]},
    )
    assert created.status_code == 201
    article = created.get_json()
    assert article["id"] and article["url"].endswith(f"/kb/articles/{article['id']}")
    read = client.get(f"/api/v1/articles/{article['id']}", headers=token_for(customer_user)).get_json()
    assert read["title"] == "환불 안내" and "<strong>3~5일</strong>" in read["html"]


def test_internal_articles_are_404_for_customers_and_customers_cannot_write(
    client, index, agent, customer_user, token_for
):
    staff, customer = token_for(agent), token_for(customer_user)
    internal = client.post(
        "/api/v1/articles",
        headers=staff,
        json={"title": "내부", "body": "비밀", "locale": "ko", "internal": True},
    ).get_json()
    assert client.get(f"/api/v1/articles/{internal['id']}", headers=customer).status_code == 404
    assert client.get(f"/api/v1/articles/{internal['id']}").status_code == 404
    assert client.get(f"/api/v1/articles/{internal['id']}", headers=staff).status_code == 200
    refused = client.post("/api/v1/articles", headers=customer, json={"title": "x", "body": "y"})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"


def test_bad_article_bodies_get_the_contract_errors(client, index, agent, token_for):
    staff = token_for(agent)
    assert client.post("/api/v1/articles", headers=staff, data="not json").status_code == 400
    missing = client.post("/api/v1/articles", headers=staff, json={"body": "x"})
    assert missing.status_code == 422 and "title" in missing.get_json()["error"]["fields"]
    wrong = client.post("/api/v1/articles", headers=staff, json={"title": "t", "body": "b", "locale": "fr"})
    assert wrong.status_code == 422
    unknown = client.post(
        "/api/v1/articles", headers=staff, json={"title": "t", "body": "b", "category": "nope"}
    )
    assert unknown.status_code == 422 and "category" in unknown.get_json()["error"]["fields"]

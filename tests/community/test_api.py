"""The board's JSON API: the contract's rows, its errors, and answers that match the OpenAPI document."""

from __future__ import annotations

import pytest

from tests.test_openapi import validator_for


@pytest.fixture()
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def check(spec, path, method, response, status):
    assert response.status_code == status, response.get_json()
    validator_for(spec, path, method, str(status)).validate(response.get_json())
    return response.get_json()


def test_the_contract_rows_post_reply_and_vote(client, spec, make_user, token_for, make_topic):
    make_topic(slug="mobile")
    asker, helper = make_user("customer"), make_user("customer")
    created = check(
        spec,
        "/posts",
        "post",
        client.post(
            "/api/v1/posts",
            headers=token_for(asker),
            json={"title": "eSIM 설정", "body": "**QR** 어디 있나요?", "tags": ["esim"], "topic": "mobile"},
        ),
        201,
    )
    assert created["id"] and created["url"].endswith(f"/community/posts/{created['id']}")
    assert (
        created["url"].startswith("http://portal.test/")
        and created["html"] == "<p><strong>QR</strong> 어디 있나요?</p>\n"
    )
    assert created["topic"]["slug"] == "mobile" and created["tags"] == ["esim"] and created["score"] == 0
    reply = check(
        spec,
        "/posts/{post_id}/replies",
        "post",
        client.post(
            f"/api/v1/posts/{created['id']}/replies", headers=token_for(helper), json={"body": "앱 → eSIM"}
        ),
        201,
    )
    assert reply["post_id"] == created["id"] and reply["staff"] is False and reply["accepted"] is False
    voted = check(
        spec,
        "/posts/{post_id}/vote",
        "post",
        client.post(f"/api/v1/posts/{created['id']}/vote", headers=token_for(helper), json={"value": 1}),
        200,
    )
    assert voted["id"] == created["id"] and voted["score"] == 1
    down = client.post(f"/api/v1/posts/{created['id']}/vote", headers=token_for(helper), json={"value": -1})
    assert down.get_json()["score"] == -1
    reply_vote = check(
        spec,
        "/replies/{reply_id}/vote",
        "post",
        client.post(f"/api/v1/replies/{reply['id']}/vote", headers=token_for(asker), json={"value": 1}),
        200,
    )
    assert reply_vote["score"] == 1
    accepted = check(
        spec,
        "/posts/{post_id}/accept",
        "post",
        client.post(
            f"/api/v1/posts/{created['id']}/accept", headers=token_for(asker), json={"reply_id": reply["id"]}
        ),
        200,
    )
    assert accepted["accepted_reply_id"] == reply["id"]
    thread = check(
        spec,
        "/posts/{post_id}",
        "get",
        client.get(f"/api/v1/posts/{created['id']}", headers=token_for(helper)),
        200,
    )
    assert [r["accepted"] for r in thread["replies"]] == [True]
    listed = check(
        spec,
        "/posts",
        "get",
        client.get("/api/v1/posts?topic=mobile&sort=latest", headers=token_for(helper)),
        200,
    )
    assert [p["id"] for p in listed["items"]] == [created["id"]] and listed["next"] is None


def test_double_votes_own_votes_and_bad_values_are_refused(client, spec, make_user, make_post, token_for):
    author, voter = make_user("customer"), make_user("customer")
    post = make_post(author)
    url = f"/api/v1/posts/{post.id}/vote"
    assert client.post(url, headers=token_for(voter), json={"value": 1}).status_code == 200
    twice = check(
        spec,
        "/posts/{post_id}/vote",
        "post",
        client.post(url, headers=token_for(voter), json={"value": 1}),
        409,
    )
    assert twice["error"]["code"] == "already_voted"
    own = check(
        spec,
        "/posts/{post_id}/vote",
        "post",
        client.post(url, headers=token_for(author), json={"value": 1}),
        403,
    )
    assert own["error"]["code"] == "forbidden"
    for bad in ({"value": 2}, {"value": True}, {"value": "1"}, {}):
        failed = check(
            spec, "/posts/{post_id}/vote", "post", client.post(url, headers=token_for(voter), json=bad), 422
        )
        assert "value" in failed["error"]["fields"]
    assert client.post(url, headers=token_for(voter), json={"value": 0}).get_json()["score"] == 0


def test_a_locked_post_refuses_replies_with_409(client, spec, make_user, make_post, token_for, agent, db):
    from portal.community import moderation

    post = make_post()
    moderation.lock(agent, post, True)
    db.session.commit()
    locked = check(
        spec,
        "/posts/{post_id}/replies",
        "post",
        client.post(
            f"/api/v1/posts/{post.id}/replies",
            headers=token_for(make_user("customer")),
            json={"body": "저요"},
        ),
        409,
    )
    assert locked["error"]["code"] == "locked"
    staff = client.post(
        f"/api/v1/posts/{post.id}/replies", headers=token_for(agent), json={"body": "마무리합니다"}
    )
    assert staff.status_code == 201 and staff.get_json()["staff"] is True


def test_bad_input_answers_the_contracts_errors(client, spec, make_user, token_for, make_post):
    headers = token_for(make_user("customer"))
    missing = check(spec, "/posts", "post", client.post("/api/v1/posts", headers=headers, json={}), 422)
    assert set(missing["error"]["fields"]) == {"title"}
    empty = check(
        spec,
        "/posts",
        "post",
        client.post("/api/v1/posts", headers=headers, json={"title": "", "body": ""}),
        422,
    )
    assert set(empty["error"]["fields"]) == {"title", "body"}
    assert (
        client.post(
            "/api/v1/posts", headers=headers, data="nope", content_type="application/json"
        ).status_code
        == 400
    )
    topic = client.post(
        "/api/v1/posts", headers=headers, json={"title": "제목입니다", "body": "내용", "topic": "none"}
    )
    assert topic.status_code == 422 and "topic" in topic.get_json()["error"]["fields"]
    tags = client.post(
        "/api/v1/posts", headers=headers, json={"title": "제목입니다", "body": "내용", "tags": [1]}
    )
    assert tags.status_code == 422
    assert client.post("/api/v1/posts", json={"title": "제목입니다", "body": "내용"}).status_code == 401
    assert client.get("/api/v1/posts/999999", headers=headers).status_code == 404
    assert client.post("/api/v1/posts/999999/replies", headers=headers, json={"body": "x"}).status_code == 404
    assert client.get("/api/v1/posts?cursor=%%%", headers=headers).status_code == 400
    assert client.get("/api/v1/posts?sort=random", headers=headers).status_code == 422


def test_bodies_are_sanitized_through_the_api(client, make_user, token_for):
    from tests.community.test_content_and_sour import unsafe_parts

    response = client.post(
        "/api/v1/posts",
        headers=token_for(make_user("customer")),
        json={
            "title": "XSS 시도",
            "body": "<script>alert(1)</script> [a](javascript:alert(1)) <img src=x onerror=alert(1)>",
        },
    )
    assert response.status_code == 201 and unsafe_parts(response.get_json()["html"]) == []


def test_held_posts_of_others_are_404_and_flags_are_once(client, make_user, make_post, token_for):
    held = make_post(body="https://a.example https://b.example https://c.example 광고")
    other = token_for(make_user("customer"))
    assert client.get(f"/api/v1/posts/{held.id}", headers=other).status_code == 404
    assert client.post(f"/api/v1/posts/{held.id}/vote", headers=other, json={"value": 1}).status_code == 404
    post = make_post()
    flag = client.post(f"/api/v1/posts/{post.id}/flag", headers=other, json={"reason": "spam"})
    assert flag.status_code == 201
    assert (
        client.post(f"/api/v1/posts/{post.id}/flag", headers=other, json={"reason": "spam"}).status_code
        == 409
    )
    assert (
        client.post(f"/api/v1/posts/{post.id}/flag", headers=other, json={"reason": "nope"}).status_code
        == 422
    )


def test_a_sour_post_through_the_api_is_raised_to_the_queue(client, make_user, token_for, agent):
    created = client.post(
        "/api/v1/posts",
        headers=token_for(make_user("customer")),
        json={"title": "The app is not working", "body": "Worst service ever, total scam."},
    ).get_json()
    tickets = client.get("/api/v1/tickets?channel=community", headers=token_for(agent)).get_json()["items"]
    assert tickets and tickets[0]["priority"] == "high" and "sour-post" in tickets[0]["tags"]
    assert tickets[0]["subject"] == "The app is not working" and created["id"]


def test_posting_is_rate_limited(tmp_path, db_kind, pg_server):
    from portal.accounts import service as accounts
    from portal.extensions import db, limiter
    from tests.conftest import database_url, make_app, test_settings

    app = make_app(
        test_settings(
            tmp_path,
            database_url(db_kind, pg_server, tmp_path, "portal_community_limit"),
            RATELIMIT_ENABLED=True,
            COMMUNITY_RATELIMIT_POST="2 per minute",
        )
    )
    try:
        with app.app_context():
            user = accounts.create_user(
                "limit@example.com", "Limit", password="password-123", role="customer"
            )
            token = accounts.issue_token(user)
            db.session.commit()
        client = app.test_client()
        codes = [
            client.post(
                "/api/v1/posts",
                headers={"Authorization": f"Bearer {token}"},
                json={"title": f"질문 {i}번입니다", "body": f"내용 {i}"},
            ).status_code
            for i in range(3)
        ]
        limited = client.post(
            "/api/v1/posts", headers={"Authorization": f"Bearer {token}"}, json={"title": "x"}
        )
        document = client.get("/api/v1/openapi.json").get_json()
    finally:
        limiter.enabled = False  # one limiter per process: leave it as the other tests expect
    assert codes == [201, 201, 429]
    assert limited.status_code == 429 and limited.get_json()["error"]["code"] == "rate_limited"
    validator_for(document, "/posts", "post", "429").validate(limited.get_json())

"""Accounts: sign-in, password reset by mailed link, sessions ended by a password change, API tokens."""

from __future__ import annotations

import re

import pytest

from portal.accounts import service
from portal.core.errors import ValidationFailed
from tests.conftest import PASSWORD


def test_sign_in_sends_agents_to_the_queue_and_customers_home(client, agent, customer_user, make_client):
    response = client.post("/login", data={"email": agent.email.upper(), "password": PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/desk/")
    other = make_client()
    response = other.post("/login", data={"email": customer_user.email, "password": PASSWORD})
    assert response.location.endswith("/")


def test_a_wrong_password_is_refused_with_a_message(client, agent):
    response = client.post("/login", data={"email": agent.email, "password": "nope-nope-nope"})
    assert response.status_code == 200
    assert "The email or the password is not right." in response.get_data(as_text=True)


def test_login_errors_are_shown_in_korean(client):
    response = client.post(
        "/login",
        data={"email": "not-an-email", "password": ""},
        headers={"Accept-Language": "ko-KR,ko;q=0.9"},
    )
    body = response.get_data(as_text=True)
    assert "올바른 이메일 주소를 입력하세요." in body
    assert "비밀번호를 입력하세요." in body


def test_passwords_are_hashed_and_rules_apply(db):
    user = service.create_user("x@example.com", "X", password="long-enough-1")
    assert user.password_hash and "long-enough-1" not in user.password_hash
    with pytest.raises(ValidationFailed):
        service.create_user("y@example.com", "Y", password="short")
    with pytest.raises(ValidationFailed):
        service.create_user("X@EXAMPLE.COM", "dup", password="long-enough-1")


def test_password_reset_by_mailed_link_works_once(client, customer_user, smtp):
    client.post("/password/forgot", data={"email": customer_user.email})
    mail = smtp.wait_for(1)[0]
    assert mail["To"].addresses[0].addr_spec == customer_user.email
    link = re.search(
        r"http://portal\.test(/password/reset/\S+)", mail.get_body(("plain",)).get_content()
    ).group(1)
    response = client.post(link, data={"password": "new-password-9", "confirm": "new-password-9"})
    assert response.status_code == 302
    assert (
        client.post(link, data={"password": "again-password-9", "confirm": "again-password-9"}).status_code
        == 400
    )
    assert service.authenticate(customer_user.email, "new-password-9") is not None


def test_forgot_password_does_not_tell_whether_an_account_exists(client, smtp):
    response = client.post("/password/forgot", data={"email": "nobody@example.com"})
    assert response.status_code == 200
    assert smtp.messages == []


def test_changing_the_password_ends_other_sessions(client, make_client, customer_user):
    other = make_client()
    other.login(customer_user.email)
    client.login(customer_user.email)
    response = client.post(
        "/account/password",
        data={"pw-current": PASSWORD, "pw-password": "brand-new-pass-1", "pw-confirm": "brand-new-pass-1"},
    )
    assert response.status_code == 302
    assert other.get("/requests").status_code == 302  # back to sign-in
    assert client.get("/requests").status_code == 200


def test_api_tokens_are_stored_hashed_and_can_be_revoked(db, agent):
    from portal.accounts.models import ApiToken

    plain = service.issue_token(agent, "ci")
    db.session.commit()
    stored = db.session.query(ApiToken).one()
    assert plain not in stored.token_hash
    assert service.user_for_token(plain).id == agent.id
    service.revoke_token(stored)
    assert service.user_for_token(plain) is None


def test_tokens_create_prints_only_the_token(app, db, agent):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["tokens", "create", agent.email])
    assert result.exit_code == 0
    assert re.fullmatch(r"hana_[A-Za-z0-9_\-]{40,}\n", result.output)


def test_users_create_from_the_command_line(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "new@example.com",
            "--password",
            "secret-pass-1",
            "--role",
            "agent",
            "--name",
            "New",
            "--locale",
            "en",
        ]
    )
    assert result.exit_code == 0, result.output
    assert service.authenticate("new@example.com", "secret-pass-1").role == "agent"
    bad = runner.invoke(args=["users", "create", "--email", "bad", "--password", "secret-pass-1"])
    assert bad.exit_code != 0


def test_sign_in_is_rate_limited(tmp_path, db_kind, pg_server):
    from tests.conftest import database_url, make_app, test_settings

    app = make_app(
        test_settings(
            tmp_path,
            database_url(db_kind, pg_server, tmp_path, "portal_ratelimit"),
            RATELIMIT_ENABLED=True,
            RATELIMIT_LOGIN="3 per minute",
        )
    )
    client = app.test_client()
    try:
        codes = [
            client.post("/login", data={"email": "a@example.com", "password": "x"}).status_code
            for _ in range(5)
        ]
    finally:
        from portal.extensions import limiter

        limiter.enabled = False  # the limiter is one object per process: leave it as the other tests expect
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]

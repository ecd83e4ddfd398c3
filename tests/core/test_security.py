"""Secure defaults: cookies, headers, CSRF on forms, rate limits on submissions, time zones."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import database_url, make_app, test_settings


def test_session_cookies_are_http_only_and_same_site(client, customer_user):
    response = client.post("/login", data={"email": customer_user.email, "password": "password-123"})
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_forbid_inline_scripts_and_framing(client):
    response = client.get("/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_forms_without_a_csrf_token_are_refused(tmp_path, db_kind, pg_server, app):
    csrf_app = make_app(
        test_settings(
            tmp_path, database_url(db_kind, pg_server, tmp_path, "portal_csrf"), WTF_CSRF_ENABLED=True
        )
    )
    client = csrf_app.test_client()
    response = client.post(
        "/requests/new", data={"name": "x", "email": "x@example.com", "subject": "s", "text": "t"}
    )
    assert response.status_code == 400
    api = client.post("/api/v1/tickets", json={"subject": "s", "text": "t"})
    assert api.status_code == 401  # the API wants a token, not a cookie


def test_request_submissions_are_rate_limited(tmp_path, db_kind, pg_server):
    limited = make_app(
        test_settings(
            tmp_path,
            database_url(db_kind, pg_server, tmp_path, "portal_submit"),
            RATELIMIT_ENABLED=True,
            RATELIMIT_SUBMIT="2 per minute",
        )
    )
    client = limited.test_client()
    data = {"name": "Flood", "email": "flood@example.com", "subject": "s", "text": "t"}
    try:
        codes = [client.post("/requests/new", data=data).status_code for _ in range(3)]
    finally:
        from portal.extensions import limiter

        limiter.enabled = False
    assert codes == [200, 200, 429]


def test_times_are_shown_in_the_users_time_zone(app, db, make_user):
    from flask_login import login_user

    from portal.core.i18n import when

    user = make_user("customer", locale="en", timezone="America/New_York")
    moment = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    with app.app_context(), app.test_request_context("/"):
        login_user(user)
        assert "7:00" in when(moment)  # noon UTC is 7 am in New York in January
    other = make_user("customer", locale="ko")
    with app.app_context(), app.test_request_context("/"):
        login_user(other)
        assert "오후 9:00" in when(moment)  # and 9 pm in Seoul

"""The webhook action against a real local HTTP server: success, timeout, 500, garbage, refusal; the signature;
retries with backoff through the outbox; one request processed once across retries and a worker restart."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from portal.catalog import fulfilment, service
from portal.catalog.actions.webhook import verify
from portal.catalog.models import CatalogRequest, RequestEvent
from portal.core.outbox import OutboxEvent
from tests.catalog.conftest import SECRET, lost_card_definition

ANSWERS = {"card_last4": "1234", "abroad": False}


def _submit(db, item, customer_user, answers=ANSWERS):
    from portal.customers.service import customer_for_user

    req, _ = service.submit(
        item, dict(answers), customer=customer_for_user(customer_user), actor=customer_user, locale="ko"
    )
    db.session.commit()  # the outbox runs the action right after the commit (JOBS_IMMEDIATE in tests)
    db.session.refresh(req)
    return req


def _events(db, req):
    return db.session.scalars(
        sa.select(RequestEvent).where(RequestEvent.request_id == req.id).order_by(RequestEvent.id)
    ).all()


def test_success_keeps_the_mapped_result_and_signs_the_call(db, make_item, customer_user, webhook):
    item = make_item(lost_card_definition(webhook.url("/ok")))
    req = _submit(db, item, customer_user)
    assert req.state == "fulfilled" and req.result == {"report_no": "R-1"} and req.attempts == 1
    call = webhook.calls[0]
    assert verify(SECRET, call.headers["X-Hana-Timestamp"], call.body, call.headers["X-Hana-Signature"])
    assert not verify("another-secret-of-some-length", call.headers["X-Hana-Timestamp"], call.body,
                      call.headers["X-Hana-Signature"])  # fmt: skip
    assert (
        call.json["request"]["item"] == "lost-card-test"
        and call.json["customer"]["email"] == customer_user.email
    )
    assert call.headers["Content-Type"].startswith("application/json")


def test_nested_result_paths_are_mapped(db, make_item, customer_user, webhook):
    definition = lost_card_definition(webhook.url("/ok"))
    definition["fulfilment"]["config"]["result_fields"] = "report_no, eta.days, missing"
    req = _submit(db, make_item(definition), customer_user)
    assert req.result == {"report_no": "R-1", "eta.days": 5}


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/slow", "no answer within 1 s"),
        ("/error", "HTTP 500: internal error"),
        ("/garbage", "the answer is not JSON: <html><body>Service Unavailable</body></html>"),
        ("/array", "the answer is not a JSON object"),
    ],
)
def test_a_passing_failure_is_retried_then_handed_to_a_person(
    db, make_item, customer_user, webhook, path, reason
):
    definition = lost_card_definition(webhook.url(path))
    definition["fulfilment"]["config"]["max_attempts"] = 2
    req = _submit(db, make_item(definition), customer_user)
    assert req.state == "failed" and req.attempts == 2
    assert reason in req.error and "gave up after 2 attempts" in req.error
    assert [c.path for c in webhook.calls] == [path, path]
    assert len({c.headers["Idempotency-Key"] for c in webhook.calls}) == 1  # the same request both times
    kinds = [e.kind for e in _events(db, req)]
    assert kinds == ["submitted", "queued", "attempt_failed", "failed"]


def test_a_refusal_goes_to_a_person_at_once(db, make_item, customer_user, webhook):
    req = _submit(db, make_item(lost_card_definition(webhook.url("/refuse"))), customer_user)
    assert req.state == "failed" and req.attempts == 1 and len(webhook.calls) == 1
    assert "refused with HTTP 400" in req.error and "unknown card" in req.error


def test_nobody_listening_is_retried(db, make_item, customer_user):
    from tests.servers import free_port

    definition = lost_card_definition(f"http://127.0.0.1:{free_port()}/nothing")
    definition["fulfilment"]["config"]["max_attempts"] = 2
    req = _submit(db, make_item(definition), customer_user)
    assert req.state == "failed" and "could not connect" in req.error


def test_a_flaky_system_succeeds_on_a_later_attempt(db, make_item, customer_user, webhook):
    req = _submit(db, make_item(lost_card_definition(webhook.url("/flaky"))), customer_user)
    assert req.state == "fulfilled" and req.attempts == 3 and req.result == {"report_no": "R-1"}
    assert not req.automatic or req.failed_at is None
    assert [e.kind for e in _events(db, req)].count("attempt_failed") == 2


def test_retries_wait_with_backoff_in_the_outbox(app, db, make_item, customer_user, webhook, monkeypatch):
    monkeypatch.setitem(app.config, "CATALOG_RETRY_BASE_SECONDS", 2)
    req = _submit(db, make_item(lost_card_definition(webhook.url("/error"))), customer_user)
    assert req.state == "in_progress" and req.attempts == 1
    retry = db.session.scalars(
        sa.select(OutboxEvent).where(
            OutboxEvent.kind == fulfilment.OUTBOX_KIND, OutboxEvent.state == "pending"
        )
    ).one()
    wait = (retry.run_after - retry.created_at).total_seconds()
    assert 1.5 <= wait <= 2.5 and retry.payload == {"request_id": req.id, "attempt": 2}
    assert [fulfilment.backoff(n) for n in (1, 2, 3)] == [2, 4, 8]
    assert _events(db, req)[-1].data["retry_in"] == 2


def test_a_worker_restart_mid_action_sends_the_same_request_again_and_it_is_processed_once(
    db, make_item, customer_user, webhook, monkeypatch
):
    # The first run calls the card system, then the worker dies before it records anything (a rollback).
    item = make_item(lost_card_definition(webhook.url("/ok")))
    monkeypatch.setattr(service, "queue_action", lambda req, delay=0: None)  # deliver by hand below
    req = _submit(db, item, customer_user)
    payload = {"request_id": req.id, "attempt": 1}
    fulfilment.run_queued(payload)
    db.session.rollback()
    assert db.session.get(CatalogRequest, req.id).state == "in_progress"
    fulfilment.run_queued(payload)  # the sweep delivers the event again
    db.session.commit()
    fulfilment.run_queued(payload)  # and once more, after it was done: nothing happens
    db.session.commit()
    req = db.session.get(CatalogRequest, req.id)
    assert req.state == "fulfilled" and req.attempts == 1
    assert (
        len(webhook.calls) == 2
        and webhook.calls[0].headers["Idempotency-Key"] == webhook.calls[1].headers["Idempotency-Key"]
    )
    assert len(webhook.reports) == 1 and req.result == {"report_no": "R-1"}


def test_the_demo_card_system_blocks_a_card_once_per_request(client, db, app):
    from portal.catalog.actions.webhook import sign
    from portal.catalog.demo_card import shared_secret

    with app.test_request_context():
        secret = shared_secret()
    body = json.dumps({"answers": {"card_last4": "9876"}}).encode()
    import time

    stamp = str(int(time.time()))
    headers = {
        "X-Hana-Timestamp": stamp,
        "X-Hana-Signature": sign(secret, stamp, body),
        "Idempotency-Key": "k-1",
    }
    first = client.post("/demo/card-system/lost-card", data=body, headers=headers)
    again = client.post("/demo/card-system/lost-card", data=body, headers=headers)
    assert first.status_code == 200 and first.get_json()["card_last4"] == "9876"
    assert again.get_json()["report_no"] == first.get_json()["report_no"]
    forged = client.post(
        "/demo/card-system/lost-card", data=body, headers={**headers, "X-Hana-Signature": "sha256=00"}
    )
    assert forged.status_code == 401
    assert client.post("/demo/card-system/unavailable").status_code == 503

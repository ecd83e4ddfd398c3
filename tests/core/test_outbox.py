"""Side effects run after commit, never on rollback, and failures are retried with backoff then shown."""

from __future__ import annotations

import sqlalchemy as sa

from portal.core import mail, outbox
from portal.core.outbox import OutboxEvent


def test_mail_is_sent_only_after_the_transaction_commits(db, smtp):
    mail.queue(db.session, "a@example.com", "제목", "본문")
    db.session.rollback()
    assert smtp.messages == []
    mail.queue(db.session, "a@example.com", "제목", "본문")
    db.session.commit()
    sent = smtp.wait_for(1)[0]
    assert sent["Subject"] == "제목" and sent.get_body(("plain",)).get_content().strip() == "본문"
    assert db.session.scalar(sa.select(OutboxEvent.state)) == "done"


def test_a_failing_side_effect_is_retried_with_backoff_then_reported(db, app, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_URL", "smtp://127.0.0.1:9")  # nothing listens there
    mail.queue(db.session, "a@example.com", "s", "t")
    db.session.commit()
    event = db.session.scalar(sa.select(OutboxEvent))
    db.session.refresh(event)
    assert event.state == "pending" and event.attempts == 1 and "Connection refused" in event.last_error
    assert event.run_after > event.created_at
    event.attempts = outbox.MAX_ATTEMPTS - 1
    event.run_after = event.created_at
    db.session.commit()
    with app.app_context():
        outbox.deliver(event.id)
    db.session.refresh(event)
    assert event.state == "failed"


def test_the_sweep_delivers_what_was_never_handed_to_the_queue(db, smtp):
    db.session.add(
        OutboxEvent(
            kind="mail.send",
            payload={
                "to": ["b@example.com"],
                "subject": "lost",
                "text": "t",
                "html": None,
                "headers": {},
                "message_id": "<lost@hana.example>",
                "attachments": [],
                "meta": {},
            },
        )
    )
    db.session.commit()
    assert smtp.messages == []
    outbox.sweep()
    assert smtp.wait_for(1)[0]["Subject"] == "lost"


def test_releasing_a_savepoint_does_not_deliver_before_the_commit(db, smtp):
    with db.session.begin_nested():
        mail.queue(db.session, "a@example.com", "nested", "t")
    assert smtp.messages == []
    db.session.commit()
    assert smtp.wait_for(1)[0]["Subject"] == "nested"


def test_a_rolled_back_savepoint_drops_only_its_own_side_effects(db, smtp):
    mail.queue(db.session, "a@example.com", "kept", "t")
    try:
        with db.session.begin_nested():
            mail.queue(db.session, "a@example.com", "dropped", "t")
            raise RuntimeError("inner step failed")
    except RuntimeError:
        pass
    db.session.commit()
    assert [m["Subject"] for m in smtp.wait_for(1)] == ["kept"]

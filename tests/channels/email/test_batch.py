"""Bulk ingest: several messages per transaction, one failure never loses the others; a bounded number of
statements per message."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from portal.channels.email.batch import committed
from portal.channels.email.cli import mail
from portal.channels.email.ingest import ingest
from portal.channels.email.models import MailLog
from portal.core import signals
from portal.core.outbox import OutboxEvent
from portal.tickets.models import Message, Ticket
from tests.channels.email.conftest import build

BOMB = "폭탄"


@pytest.fixture()
def commits() -> Any:
    """The commits that stored mail log lines (one per transaction of ingested mail)."""
    from flask_sqlalchemy.session import Session

    seen: list[Any] = []

    def flushed(session: Any, _context: Any) -> None:
        if any(isinstance(o, MailLog) for o in session.new):
            session.info["test_mail_logged"] = True

    def committed(session: Any) -> None:
        if session.in_nested_transaction():  # a SAVEPOINT released inside ingest(), not a commit
            return
        if session.info.pop("test_mail_logged", False):
            seen.append(session)

    def rolled_back(session: Any, transaction: Any) -> None:
        if transaction.nested:  # a savepoint inside ingest(), not the batch
            return
        session.info.pop("test_mail_logged", None)

    hooks = [("after_flush", flushed), ("after_commit", committed), ("after_soft_rollback", rolled_back)]
    for name, hook in hooks:
        sa.event.listen(Session, name, hook)
    yield seen
    for name, hook in hooks:
        sa.event.remove(Session, name, hook)


def failing_receiver(raw: bytes, times: int) -> Any:
    """A receiver elsewhere that fails on one message `times` times (a bug, a dropped connection): even the
    flagged ticket ingest makes of a message that broke fails, so the error leaves ingest()."""
    digest = hashlib.sha256(raw).hexdigest()
    left = [times]

    def fail(_message: Any, **kwargs: Any) -> None:
        if digest in str(kwargs["inbound"].meta.get("raw")) and left[0] > 0:
            left[0] -= 1
            raise RuntimeError("a receiver failed")

    return fail


def _acknowledgements(ticket_ids: set[int]) -> list[int]:
    from portal.extensions import db

    rows = db.session.scalars(sa.select(OutboxEvent).where(OutboxEvent.kind == "mail.send")).all()
    return sorted(
        e.payload["meta"]["ticket_id"]
        for e in rows
        if e.payload.get("meta", {}).get("kind") == "acknowledgement"
        and e.payload["meta"]["ticket_id"] in ticket_ids
    )


# Two failures: ingest() itself turns a first one into a flagged ticket, and that one fails too.
@pytest.mark.parametrize("failures", [2, 99], ids=["passing-failure", "lasting-failure"])
def test_mail_ingest_commits_in_batches_and_a_failure_falls_back_one_by_one(
    db, app, tmp_path, monkeypatch, commits, failures
):
    monkeypatch.setitem(app.config, "MAIL_INGEST_BATCH", 3)
    subjects = ["배치 하나", f"배치 {BOMB}", "배치 셋", "배치 넷", "배치 다섯"]
    files, raws = [], []
    for n, subject in enumerate(subjects):
        path = tmp_path / f"{n}.eml"
        raws.append(build(sender=f"batch{n}@example.kr", subject=subject, message_id=f"<batch-{n}@x.kr>"))
        path.write_bytes(raws[-1])
        files.append(str(path))
    fail = failing_receiver(raws[1], failures)
    signals.message_received.connect(fail)
    try:
        with app.app_context():
            result = CliRunner().invoke(mail, ["ingest", "--json", *files])
    finally:
        signals.message_received.disconnect(fail)
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["file"] for line in lines] == files  # every file answered once, in order
    kept = [0, 1, 2, 3, 4] if failures == 2 else [0, 2, 3, 4]
    outcomes = ["created" if n in kept else "error" for n in range(5)]
    assert [line["outcome"] for line in lines] == outcomes
    if failures > 2:
        assert "a receiver failed" in lines[1]["reason"] and result.exit_code == 75  # the MTA tries again
    else:
        assert result.exit_code == 0
    # The first batch fell back to one commit each (one fewer when a message keeps failing); the second batch
    # (2 files) committed once.
    assert len(commits) == (4 if failures == 2 else 3)
    db.session.expire_all()
    stored = db.session.scalars(sa.select(Message.external_id).where(Message.external_id.like("<batch-%")))
    assert sorted(stored) == [f"<batch-{n}@x.kr>" for n in kept]  # each once
    logged = db.session.scalars(sa.select(MailLog.subject).where(MailLog.subject.like("배치%"))).all()
    assert sorted(logged) == sorted(subjects[n] for n in kept)
    tickets = set(db.session.scalars(sa.select(Ticket.id).where(Ticket.subject.like("배치%"))))
    assert len(tickets) == len(kept)
    # Acknowledgements of the rolled-back first try were never written: one per ticket.
    assert _acknowledgements(tickets) == sorted(tickets)


def test_a_batch_without_failures_commits_once_and_keeps_the_order(db, app, commits):
    raws = [build(sender=f"order{n}@example.kr", subject=f"순서 {n}") for n in range(5)]
    done = list(committed(raws, lambda data: ingest(data, source="pipe"), size=5))
    assert len(commits) == 1
    assert [d.item for d in done] == raws and all(d.error is None for d in done)
    assert [d.result.outcome for d in done] == ["created"] * 5


def test_an_ingested_message_costs_a_bounded_number_of_statements(db, ingest_raw, count_queries):
    ingest_raw(build(sender="warm@example.kr", subject="데우기"))  # first use: caches, counters
    first = build(sender="count@example.kr", subject="요금 문의", message_id="<count-1@x.kr>")
    reply = build(
        sender="count@example.kr",
        subject="Re: 요금 문의",
        message_id="<count-2@x.kr>",
        headers={"In-Reply-To": "<count-1@x.kr>"},
    )
    repeated = build(sender="count@example.kr", subject="요금 문의", message_id="<count-1@x.kr>")
    counted = []
    for raw in (first, reply, repeated):
        with count_queries() as counter:
            ingest_raw(raw)
        counted.append(counter.count)
    # A new ticket (routing, SLA clocks, report rows, an acknowledgement delivered at once in tests), a reply
    # by headers, a duplicate: 39, 27 and 10 statements before the email-perf work.
    assert counted[0] <= 38, counted
    assert counted[1] <= 23, counted
    assert counted[2] <= 7, counted

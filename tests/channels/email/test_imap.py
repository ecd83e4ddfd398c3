"""Polling a real IMAP server (Dovecot): UID resume, back-fill, seen only after commit, failures shown to admins."""

from __future__ import annotations

import sqlalchemy as sa

from portal.channels.email import imap
from portal.channels.email.models import Mailbox, MailLog
from portal.channels.email.tasks import poll_due
from portal.tickets.models import Ticket
from tests.channels.email.conftest import build


def poll(db, box) -> str:
    report = imap.poll(box.id)
    db.session.expire_all()
    return report


def test_a_poll_turns_unread_mail_into_tickets_and_marks_it_seen_only_then(db, dovecot, make_mailbox):
    box = make_mailbox()
    dovecot.append(
        box.username,
        build(sender="a@example.kr", subject="첫 문의"),
        build(sender="b@example.kr", subject="둘째"),
    )
    assert poll(db, box) == "2 new"
    rows = db.session.scalars(sa.select(MailLog).order_by(MailLog.uid)).all()
    assert [(r.outcome, r.source, r.uid, r.server_done) for r in rows] == [
        ("created", "imap", 1, True),
        ("created", "imap", 2, True),
    ]
    assert dovecot.seen(box.username) == {1: True, 2: True}
    box = db.session.get(Mailbox, box.id)
    assert (
        box.last_uid == 2
        and box.last_success_at is not None
        and box.failures == 0
        and box.lease_until is None
    )
    assert poll(db, box) == "0 new"


def test_polling_resumes_by_uid_and_fetches_everything_that_arrived_meanwhile(db, dovecot, make_mailbox):
    box = make_mailbox()
    dovecot.append(box.username, build(sender="old@example.kr", subject="old one"))
    poll(db, box)
    # An outage: the mailbox receives mail while nobody polls; some of it is even read in webmail meanwhile.
    dovecot.append(
        box.username, *[build(sender=f"c{i}@example.kr", subject=f"while down {i}") for i in range(5)]
    )
    client = dovecot.client(box.username)
    client.select_folder("INBOX")
    client.add_flags([3], [b"\\Seen"])
    client.logout()
    assert poll(db, box) == "5 new"
    subjects = set(db.session.scalars(sa.select(Ticket.subject)))
    assert {f"while down {i}" for i in range(5)} <= subjects


def test_first_connection_fetches_unread_mail_only_and_a_new_uidvalidity_refetches_without_duplicates(
    db, dovecot, make_mailbox
):
    user = dovecot.account()
    dovecot.append(
        user,
        build(sender="read@example.kr", subject="already read"),
        build(sender="new@example.kr", subject="unread"),
    )
    client = dovecot.client(user)
    client.select_folder("INBOX")
    client.add_flags([1], [b"\\Seen"])
    client.logout()
    box = make_mailbox(username=user)
    assert poll(db, box) == "1 new"
    assert db.session.scalar(sa.select(MailLog.subject)) == "unread"
    # The server renumbers the folder (restored from backup): UIDs mean nothing now.
    box = db.session.get(Mailbox, box.id)
    box.uidvalidity = 12345
    db.session.commit()
    poll(db, box)
    outcomes = db.session.scalars(sa.select(MailLog.outcome).order_by(MailLog.id)).all()
    assert outcomes.count("created") == 2 and set(outcomes[2:]) <= {"duplicate"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 2


def test_processed_mail_can_be_moved_to_another_folder(db, dovecot, make_mailbox):
    box = make_mailbox(move_to="Processed")
    dovecot.append(box.username, build(sender="m@example.kr", subject="move me"))
    assert poll(db, box) == "1 new"
    assert dovecot.seen(box.username) == {}
    assert len(dovecot.seen(box.username, folder="Processed")) == 1


def test_a_wrong_password_is_shown_to_admins_with_the_error_and_the_last_success(
    db, dovecot, make_mailbox, client, admin
):
    from portal.channels.email import crypto

    box = make_mailbox(name="청구 메일함")
    dovecot.append(box.username, build(sender="x@example.kr"))
    poll(db, box)
    box = db.session.get(Mailbox, box.id)
    box.password_encrypted = crypto.encrypt("wrong")
    db.session.commit()
    assert poll(db, box).startswith("failed (auth")
    box = db.session.get(Mailbox, box.id)
    assert box.failures == 1 and box.last_error.startswith("auth:") and box.last_success_at is not None
    assert not imap.due(box)  # failing mailboxes back off
    client.login(admin.email)
    page = client.get("/admin/mailboxes").get_data(as_text=True)
    assert "청구 메일함" in page and "refused the user name or password" in page and "Last success:" in page


def test_an_unreachable_host_is_recorded_not_raised(db, make_mailbox):
    from tests.servers import free_port

    box = make_mailbox(port=free_port())
    assert poll(db, box).startswith("failed (network")
    assert db.session.get(Mailbox, box.id).last_error.startswith("network:")


def test_the_schedule_polls_each_enabled_mailbox_and_one_poll_at_a_time(db, dovecot, make_mailbox):
    box = make_mailbox()
    paused = make_mailbox(enabled=False)
    dovecot.append(box.username, build(sender="s@example.kr"))
    dovecot.append(paused.username, build(sender="p@example.kr"))
    assert imap.take_lease(box.id)  # someone else is polling it right now
    assert imap.poll(box.id) == "busy or disabled"
    db.session.get(Mailbox, box.id).lease_until = None
    db.session.commit()
    assert poll_due.call_local() == 1
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailLog)) == 1


def test_a_committed_message_not_yet_marked_seen_is_finished_by_the_next_poll(
    db, dovecot, make_mailbox, monkeypatch
):
    box = make_mailbox()
    dovecot.append(box.username, build(sender="k@example.kr", subject="between commit and flag"))
    calls = []

    def die(*args, **kwargs):
        calls.append(args)
        raise ConnectionResetError("worker died")

    monkeypatch.setattr(imap, "_server_done", die)
    assert poll(db, box).startswith("failed")
    entry = db.session.scalar(sa.select(MailLog))
    assert entry.outcome == "created" and entry.server_done is False
    assert dovecot.seen(box.username) == {1: False}
    monkeypatch.undo()
    assert poll(db, box) == "0 new"
    assert dovecot.seen(box.username) == {1: True}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailLog)) == 1

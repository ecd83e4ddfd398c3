"""`mail ingest [--json] [FILE…]` (an MTA pipe or files) and `mail poll [ID]` (poll mailboxes now)."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from flask.cli import with_appcontext

from portal.extensions import db

EX_TEMPFAIL = 75  # an MTA retries the delivery later


@click.group("mail")
def mail() -> None:
    """The email channel."""


@mail.command("ingest")
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON object a line: file, outcome, ticket, reason."
)
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def ingest_command(as_json: bool, files: tuple[str, ...]) -> None:
    """Read raw RFC 5322 messages from FILEs (or one from stdin) into tickets.

    Many files are committed MAIL_INGEST_BATCH at a time; a batch with a failure is retried one by one."""
    from flask import current_app

    from portal.channels.email import batch
    from portal.channels.email.ingest import ingest

    sources = list(files) or ["-"]

    def take(name: str) -> Any:
        data = sys.stdin.buffer.read() if name == "-" else open(name, "rb").read()  # noqa: SIM115
        return ingest(data, source="pipe")

    size = int(current_app.config.get("MAIL_INGEST_BATCH", batch.DEFAULT_BATCH))
    failed = False
    for done in batch.committed(sources, take, size=size):
        if done.error is None and done.result is not None:
            result = done.result
            line = {
                "file": done.item,
                "outcome": result.outcome,
                "ticket": _ref(result.ticket_ref),
                "reason": result.reason,
            }
        else:  # the database is down or similar: the MTA should try again
            failed = True
            error = done.error
            line = {
                "file": done.item,
                "outcome": "error",
                "ticket": None,
                "reason": f"{type(error).__name__}: {error}",
            }
        if as_json:
            click.echo(json.dumps(line, ensure_ascii=False))
        else:
            ticket = f" #{line['ticket']}" if line["ticket"] else ""
            click.echo(f"{done.item}: {line['outcome']}{ticket} ({line['reason']})")
    if failed:
        sys.exit(EX_TEMPFAIL)


def _ref(ref: int | None) -> str | None:
    return str(ref) if ref is not None else None


@mail.command("poll")
@click.argument("mailbox_id", required=False, type=int)
@with_appcontext
def poll_command(mailbox_id: int | None) -> None:
    """Poll one mailbox (or every enabled one) now, in this process."""
    import sqlalchemy as sa

    from portal.channels.email import imap
    from portal.channels.email.models import Mailbox

    ids = (
        [mailbox_id] if mailbox_id else db.session.scalars(sa.select(Mailbox.id).where(Mailbox.enabled)).all()
    )
    for box_id in ids:
        report = imap.poll(box_id)
        click.echo(f"mailbox {box_id}: {report}")

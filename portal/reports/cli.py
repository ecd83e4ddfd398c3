"""`reports rebuild`: recompute report facts and daily counts from the tickets."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from portal.extensions import db
from portal.reports import rollup
from portal.tickets.models import Ticket

reports = AppGroup("reports", help="Report figures.")


@reports.command("rebuild")
def rebuild_command() -> None:
    """Recompute every report fact and daily count from the tickets (after an import or a repair)."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) or 0
    with click.progressbar(length=total, label="rebuilding report figures") as bar:
        done = rollup.rebuild(progress=bar.update)
    db.session.commit()
    click.echo(f"{done} tickets")

"""`surveys nps-round`: send an NPS round now (when the admin enabled NPS and a round is due)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.feedback import service

surveys = AppGroup("surveys", help="Customer surveys.")


@surveys.command("nps-round")
def nps_round_command() -> None:
    """Ask a sample of active customers the NPS question, if NPS is on and a round is due."""
    made = service.nps_round()
    db.session.commit()
    click.echo(f"{len(made)} NPS surveys queued")

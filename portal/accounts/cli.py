"""`users create` and `tokens create`."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.accounts import service
from portal.core.errors import ValidationFailed
from portal.extensions import db


@click.group("users")
def users() -> None:
    """Manage accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option(
    "--role", type=click.Choice(["customer", "agent", "admin"]), default="customer", show_default=True
)
@click.option("--name", default="")
@click.option("--locale", type=click.Choice(["ko", "en"]), default=None)
@with_appcontext
def create_user(email: str, password: str, role: str, name: str, locale: str | None) -> None:
    """Create an account."""
    try:
        user = service.create_user(email, name, password=password, role=role, locale=locale)
    except ValidationFailed as failed:
        db.session.rollback()
        raise click.ClickException(failed.message) from None
    db.session.commit()
    click.echo(f"created {user.role} {user.email} (id {user.id})")


@click.group("tokens")
def tokens() -> None:
    """Manage API tokens."""


@tokens.command("create")
@click.argument("email")
@click.option("--name", default="cli")
@with_appcontext
def create_token(email: str, name: str) -> None:
    """Print one new API token for that user on stdout, nothing else."""
    user = service.find_user(email)
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    plain = service.issue_token(user, name)
    db.session.commit()
    click.echo(plain)

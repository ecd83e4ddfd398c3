"""The `portal` console script: the same sub-commands as `flask --app portal`."""

from __future__ import annotations

from flask.cli import FlaskGroup

from portal.app import create_app


def main() -> None:
    """Entry point of the `portal` command."""
    FlaskGroup(create_app=lambda: create_app(), help="Hana portal commands.")()

"""The schema is built by the migrations, and the migrations match the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.core.db import render_migration_item


def test_the_migrated_database_matches_the_models(app, db):
    connection = db.engines[None]
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "render_item": render_migration_item}
    )
    diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_ticket_references_start_at_1001(make_ticket):
    assert make_ticket().ref >= 1001

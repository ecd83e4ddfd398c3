"""desk: the queue's ticket indexes hold only tickets that were not merged away (index-only pages and counts)

Revision ID: desk_1
Revises: 0001_core
Create Date: 2026-11-22 14:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "desk_1"
down_revision = "automation_1"
branch_labels = None
depends_on = None

LIVE = "merged_into_id IS NULL"
QUEUE_INDEXES = {
    "ix_tickets_status_updated": ["status", "updated_at", "id"],
    "ix_tickets_assignee_status_updated": ["assignee_id", "status", "updated_at", "id"],
    "ix_tickets_group_status_updated": ["group_id", "status", "updated_at", "id"],
    "ix_tickets_channel_status_updated": ["channel", "status", "updated_at", "id"],
    "ix_tickets_priority_status_updated": ["priority", "status", "updated_at", "id"],
    "ix_tickets_status_created": ["status", "created_at", "id"],
}


def upgrade():
    for name, columns in QUEUE_INDEXES.items():
        op.drop_index(name, table_name="tickets")
        op.create_index(
            name,
            "tickets",
            columns,
            unique=False,
            sqlite_where=sa.text(LIVE),
            postgresql_where=sa.text(LIVE),
        )


def downgrade():
    for name, columns in QUEUE_INDEXES.items():
        op.drop_index(name, table_name="tickets")
        op.create_index(name, "tickets", columns, unique=False)

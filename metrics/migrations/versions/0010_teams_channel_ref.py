"""Teams channels: a team's channel conversation reference, and room for Teams' long conversation and message ids.

Revision ID: 0010_teams_channel_ref
Revises: 0009
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_teams_channel_ref"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel_ref", sa.JSON(), nullable=True))
        batch_op.alter_column("channel_id", existing_type=sa.String(length=64), type_=sa.String(length=255))
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.alter_column("channel_id", existing_type=sa.String(length=64), type_=sa.String(length=255))
        batch_op.alter_column("message_id", existing_type=sa.String(length=64), type_=sa.String(length=255))


def downgrade() -> None:
    # Ids longer than 64 characters (only Teams makes them) are cut: the old schema cannot hold them.
    for table, column in (("delivery", "channel_id"), ("delivery", "message_id"), ("team", "channel_id")):
        op.execute(sa.text(f"UPDATE {table} SET {column} = substr({column}, 1, 64) WHERE length({column}) > 64"))
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.alter_column("message_id", existing_type=sa.String(length=255), type_=sa.String(length=64))
        batch_op.alter_column("channel_id", existing_type=sa.String(length=255), type_=sa.String(length=64))
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.alter_column("channel_id", existing_type=sa.String(length=255), type_=sa.String(length=64))
        batch_op.drop_column("channel_ref")

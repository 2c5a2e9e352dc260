"""The time zone a rep's chat profile last reported, kept apart from the one Tally uses, so a zone the rep chose
in Tally survives profile changes that are not a change of zone.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rep", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chat_timezone", sa.String(length=64), nullable=True))
    op.execute("UPDATE rep SET chat_timezone = timezone")


def downgrade() -> None:
    with op.batch_alter_table("rep", schema=None) as batch_op:
        batch_op.drop_column("chat_timezone")

"""When Tally forgot a person (`/tally forget`): their rep stays, anonymous, so the numbers they logged still count.

Revision ID: 0006_forget_rep
Revises: 0006_ops_heartbeat
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import metrics.dbtypes

revision: str = "0006_forget_rep"
down_revision: str | Sequence[str] | None = "0006_ops_heartbeat"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rep", schema=None) as batch_op:
        batch_op.add_column(sa.Column("forgotten_at", metrics.dbtypes.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rep", schema=None) as batch_op:
        batch_op.drop_column("forgotten_at")

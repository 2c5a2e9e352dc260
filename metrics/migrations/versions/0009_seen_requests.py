"""Requests seen once (Slack's trigger_id or event_id), so a redelivered copy is not handled twice.

Revision ID: 0009
Revises: 0006_forget_rep
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import metrics.dbtypes

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0006_forget_rep"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "seen_request",
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("seen_at", metrics.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_seen_request")),
    )
    with op.batch_alter_table("seen_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_seen_request_seen_at"), ["seen_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("seen_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seen_request_seen_at"))

    op.drop_table("seen_request")

"""The scheduler's heartbeats and its jobs' run counts, read by /healthz and /metrics in the web processes.

Revision ID: 0006_ops_heartbeat
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import metrics.dbtypes

revision: str = "0006_ops_heartbeat"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scheduler_beat",
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("started_at", metrics.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("beat_at", metrics.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("owner", name=op.f("pk_scheduler_beat")),
    )
    op.create_table(
        "job_stat",
        sa.Column("job", sa.String(length=24), nullable=False),
        sa.Column("runs", sa.BigInteger(), nullable=False),
        sa.Column("failures", sa.BigInteger(), nullable=False),
        sa.Column("last_started_at", metrics.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", metrics.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", metrics.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_seconds", sa.Float(), nullable=True),
        sa.Column("last_owner", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("job", name=op.f("pk_job_stat")),
    )


def downgrade() -> None:
    op.drop_table("job_stat")
    op.drop_table("scheduler_beat")

"""Calendars (work week, holidays, PTO, mute), roles and privacy, the audit log, stretch targets, ramps, and
the lagging metrics revenue and deals in every workspace's catalog.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import metrics.dbtypes

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("actor_rep_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("summary", sa.String(length=400), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", metrics.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_rep_id"], ["rep.id"], name=op.f("fk_audit_log_actor_rep_id_rep")),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name=op.f("fk_audit_log_workspace_id_workspace")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_when", ["workspace_id", "created_at"], unique=False)

    op.create_table(
        "pto",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("created_at", metrics.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", metrics.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["rep_id"], ["rep.id"], name=op.f("fk_pto_rep_id_rep")),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name=op.f("fk_pto_workspace_id_workspace")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pto")),
    )
    with op.batch_alter_table("pto", schema=None) as batch_op:
        batch_op.create_index("ix_pto_rep", ["workspace_id", "rep_id"], unique=False)

    with op.batch_alter_table("metric_def", schema=None) as batch_op:
        batch_op.add_column(sa.Column("visibility", sa.String(length=16), server_default="everyone", nullable=False))

    with op.batch_alter_table("rep", schema=None) as batch_op:
        batch_op.add_column(sa.Column("work_days", sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column("holiday_country", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("holiday_subdivision", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("mute_until", metrics.dbtypes.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("hidden", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("nudge_time", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("ramp_percent", sa.Numeric(precision=5, scale=2), nullable=True))
        batch_op.add_column(sa.Column("ramp_until", sa.Date(), nullable=True))

    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stretch", sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.add_column(sa.Column("work_days", sa.String(length=7), server_default="01234", nullable=False))
        batch_op.add_column(sa.Column("holiday_country", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("holiday_subdivision", sa.String(length=16), nullable=True))

    _add_lagging_metrics()


# The catalog entries as they were when this migration was written (a migration never imports the app's
# catalog, which may change later).
LAGGING = (
    ("revenue", "revenue", "revenue", ["revenue", "sales", "bookings", "won revenue"]),
    ("deals", "deals won", "deal won", ["deals", "deal", "deals won", "wins", "closed deals"]),
)
METRIC_DEF = sa.table(
    "metric_def",
    sa.column("workspace_id", sa.Integer()),
    sa.column("key", sa.String()),
    sa.column("label", sa.String()),
    sa.column("unit", sa.String()),
    sa.column("aliases", sa.JSON()),
    sa.column("points_per_unit", sa.Numeric(10, 2)),
    sa.column("daily_cap", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("position", sa.SmallInteger()),
    sa.column("visibility", sa.String()),
)


def _add_lagging_metrics() -> None:
    bind = op.get_bind()
    workspaces = [row[0] for row in bind.execute(sa.text("SELECT id FROM workspace"))]
    existing = {(row[0], row[1]) for row in bind.execute(sa.text("SELECT workspace_id, key FROM metric_def"))}
    rows = [
        {
            "workspace_id": workspace,
            "key": key,
            "label": label,
            "unit": unit,
            "aliases": aliases,
            "points_per_unit": 0,
            "daily_cap": 0,
            "kind": "lagging",
            "position": 8 + offset,
            "visibility": "everyone",
        }
        for workspace in workspaces
        for offset, (key, label, unit, aliases) in enumerate(LAGGING)
        if (workspace, key) not in existing
    ]
    if rows:
        op.bulk_insert(METRIC_DEF, rows)


def downgrade() -> None:
    op.execute("DELETE FROM target WHERE metric_id IN (SELECT id FROM metric_def WHERE kind = 'lagging')")
    op.execute("DELETE FROM metric_def WHERE kind = 'lagging'")
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.drop_column("holiday_subdivision")
        batch_op.drop_column("holiday_country")
        batch_op.drop_column("work_days")

    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.drop_column("stretch")

    with op.batch_alter_table("rep", schema=None) as batch_op:
        batch_op.drop_column("ramp_until")
        batch_op.drop_column("ramp_percent")
        batch_op.drop_column("nudge_time")
        batch_op.drop_column("hidden")
        batch_op.drop_column("mute_until")
        batch_op.drop_column("holiday_subdivision")
        batch_op.drop_column("holiday_country")
        batch_op.drop_column("work_days")

    with op.batch_alter_table("metric_def", schema=None) as batch_op:
        batch_op.drop_column("visibility")

    with op.batch_alter_table("pto", schema=None) as batch_op:
        batch_op.drop_index("ix_pto_rep")

    op.drop_table("pto")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_when")

    op.drop_table("audit_log")

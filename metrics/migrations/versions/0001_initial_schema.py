"""Initial schema: workspaces, teams, reps, chat identities, the metric catalog, the ledger and targets.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import metrics.dbtypes

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workspace",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("week_start", sa.SmallInteger(), nullable=False),
        sa.Column("backdate_days", sa.SmallInteger(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("created_at", metrics.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspace")),
        sa.UniqueConstraint("platform", "external_id", name=op.f("uq_workspace_platform_external_id")),
    )
    op.create_table(
        "metric_def",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("unit", sa.String(length=80), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("points_per_unit", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("daily_cap", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name=op.f("fk_metric_def_workspace_id_workspace")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metric_def")),
        sa.UniqueConstraint("workspace_id", "key", name=op.f("uq_metric_def_workspace_id_key")),
    )
    with op.batch_alter_table("metric_def", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_metric_def_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=True),
        sa.Column("manager_rep_id", sa.Integer(), nullable=True),
        sa.Column("created_at", metrics.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name=op.f("fk_team_workspace_id_workspace")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team")),
        sa.UniqueConstraint("workspace_id", "name", name=op.f("uq_team_workspace_id_name")),
    )
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "rep",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", metrics.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_rep_team_id_team")),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name=op.f("fk_rep_workspace_id_workspace")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rep")),
    )
    with op.batch_alter_table("rep", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rep_workspace_id"), ["workspace_id"], unique=False)

    # team and rep point at each other, so the team -> manager link can only be added once rep exists.
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f("fk_team_manager_rep_id_rep"), "rep", ["manager_rep_id"], ["id"])

    op.create_table(
        "chat_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("external_user_id", sa.String(length=64), nullable=False),
        sa.Column("conversation_ref", sa.JSON(), nullable=True),
        sa.Column("created_at", metrics.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["rep_id"], ["rep.id"], name=op.f("fk_chat_identity_rep_id_rep")),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_chat_identity_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_identity")),
        sa.UniqueConstraint(
            "workspace_id",
            "platform",
            "external_user_id",
            name=op.f("uq_chat_identity_workspace_id_platform_external_user_id"),
        ),
    )
    with op.batch_alter_table("chat_identity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chat_identity_rep_id"), ["rep_id"], unique=False)

    op.create_table(
        "entry",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("metric_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("created_at", metrics.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("batch_id", sa.String(length=32), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("reverses_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("tag", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["metric_id"], ["metric_def.id"], name=op.f("fk_entry_metric_id_metric_def")),
        sa.ForeignKeyConstraint(["rep_id"], ["rep.id"], name=op.f("fk_entry_rep_id_rep")),
        sa.ForeignKeyConstraint(["reverses_id"], ["entry.id"], name=op.f("fk_entry_reverses_id_entry")),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name=op.f("fk_entry_workspace_id_workspace")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_entry_reverses_id")),
        sa.UniqueConstraint(
            "workspace_id", "idempotency_key", "metric_id", name=op.f("uq_entry_workspace_id_idempotency_key_metric_id")
        ),
    )
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entry_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index("ix_entry_rep_day", ["workspace_id", "rep_id", "local_day"], unique=False)

    op.create_table(
        "target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("metric_id", sa.Integer(), nullable=False),
        sa.Column("period_kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("set_by_rep_id", sa.Integer(), nullable=True),
        sa.Column("created_at", metrics.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["metric_id"], ["metric_def.id"], name=op.f("fk_target_metric_id_metric_def")),
        sa.ForeignKeyConstraint(["rep_id"], ["rep.id"], name=op.f("fk_target_rep_id_rep")),
        sa.ForeignKeyConstraint(["set_by_rep_id"], ["rep.id"], name=op.f("fk_target_set_by_rep_id_rep")),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_target_team_id_team")),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name=op.f("fk_target_workspace_id_workspace")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target")),
    )
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.create_index("ix_target_subject", ["workspace_id", "rep_id", "metric_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.drop_index("ix_target_subject")

    op.drop_table("target")
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.drop_index("ix_entry_rep_day")
        batch_op.drop_index(batch_op.f("ix_entry_batch_id"))

    op.drop_table("entry")
    with op.batch_alter_table("chat_identity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_identity_rep_id"))

    op.drop_table("chat_identity")
    with op.batch_alter_table("rep", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rep_workspace_id"))

    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_team_manager_rep_id_rep"), type_="foreignkey")

    op.drop_table("rep")
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_workspace_id"))

    op.drop_table("team")
    with op.batch_alter_table("metric_def", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_metric_def_workspace_id"))

    op.drop_table("metric_def")
    op.drop_table("workspace")

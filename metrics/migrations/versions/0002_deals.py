"""Accounts, deals and the history of their chat changes, and subscriptions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import metrics.dbtypes

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", metrics.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name=op.f("fk_account_workspace_id_workspace")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("workspace_id", "name_key", name=op.f("uq_account_workspace_id_name_key")),
    )
    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("mrr", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("arr", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("churned", sa.Boolean(), nullable=False),
        sa.Column("churned_on", sa.Date(), nullable=True),
        sa.Column("created_at", metrics.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", metrics.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name=op.f("fk_subscription_account_id_account")),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_subscription_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription")),
        sa.UniqueConstraint("workspace_id", "external_id", name=op.f("uq_subscription_workspace_id_external_id")),
    )
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subscription_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "deal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("owner_rep_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("product", sa.String(length=100), nullable=True),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("cost", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("contract_months", sa.Integer(), nullable=True),
        sa.Column("contract_ends_on", sa.Date(), nullable=True),
        sa.Column("recurring", sa.Boolean(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", metrics.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", metrics.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("stage IN ('open', 'won', 'lost')", name=op.f("ck_deal_stage")),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name=op.f("fk_deal_account_id_account")),
        sa.ForeignKeyConstraint(["owner_rep_id"], ["rep.id"], name=op.f("fk_deal_owner_rep_id_rep")),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name=op.f("fk_deal_workspace_id_workspace")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal")),
        sa.UniqueConstraint("workspace_id", "external_id", name=op.f("uq_deal_workspace_id_external_id")),
    )
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.create_index("ix_deal_closed", ["workspace_id", "closed_on"], unique=False)
        batch_op.create_index("ix_deal_owner_stage", ["workspace_id", "owner_rep_id", "stage"], unique=False)

    op.create_table(
        "deal_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.String(length=32), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("created_at", metrics.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["deal_id"], ["deal.id"], name=op.f("fk_deal_change_deal_id_deal")),
        sa.ForeignKeyConstraint(["rep_id"], ["rep.id"], name=op.f("fk_deal_change_rep_id_rep")),
        sa.ForeignKeyConstraint(
            ["reverses_id"], ["deal_change.id"], name=op.f("fk_deal_change_reverses_id_deal_change")
        ),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name=op.f("fk_deal_change_workspace_id_workspace")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_change")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_deal_change_reverses_id")),
        sa.UniqueConstraint(
            "workspace_id", "idempotency_key", name=op.f("uq_deal_change_workspace_id_idempotency_key")
        ),
    )
    with op.batch_alter_table("deal_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deal_change_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deal_change_deal_id"), ["deal_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("deal_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deal_change_deal_id"))
        batch_op.drop_index(batch_op.f("ix_deal_change_batch_id"))

    op.drop_table("deal_change")
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_owner_stage")
        batch_op.drop_index("ix_deal_closed")

    op.drop_table("deal")
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subscription_workspace_id"))

    op.drop_table("subscription")
    op.drop_table("account")

"""Deal indexes for reads bounded by a screen's window: by rep and close date, and by rep, stage and contract end.

`ix_deal_owner_stage_ends` replaces `ix_deal_owner_stage` (its first three columns), so a deal write keeps the
same number of indexes plus one.

Revision ID: 0010_dealreads
Revises: 0010_teams_channel_ref
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010_dealreads"
down_revision: str | Sequence[str] | None = "0010_teams_channel_ref"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.create_index("ix_deal_owner_closed", ["workspace_id", "owner_rep_id", "closed_on"], unique=False)
        batch_op.create_index(
            "ix_deal_owner_stage_ends", ["workspace_id", "owner_rep_id", "stage", "contract_ends_on"], unique=False
        )
        batch_op.drop_index("ix_deal_owner_stage")


def downgrade() -> None:
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.create_index("ix_deal_owner_stage", ["workspace_id", "owner_rep_id", "stage"], unique=False)
        batch_op.drop_index("ix_deal_owner_stage_ends")
        batch_op.drop_index("ix_deal_owner_closed")

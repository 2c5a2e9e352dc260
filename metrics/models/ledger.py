"""The metric catalog, the append-only ledger, and targets.

The ledger (`Entry`) is append-only: an undo or correction writes a reversal row pointing at the original;
nothing is updated or deleted.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from metrics.dbtypes import BigIntPK
from metrics.models.base import Base


class MetricDef(Base):
    """One metric of a workspace's catalog."""

    __tablename__ = "metric_def"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(80))
    unit: Mapped[str] = mapped_column(String(80))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    points_per_unit: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    daily_cap: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), default="leading")
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    # "everyone", or "managers": others' numbers of this metric are shown to managers and admins only.
    visibility: Mapped[str] = mapped_column(String(16), default="everyone", server_default="everyone")


class Entry(Base):
    """One ledger row: a rep's quantity of one metric, counted on one local day. Never updated, never deleted.

    A log writes one row per metric, all sharing a `batch_id`; a reversal row carries the negated quantity and
    points at the row it cancels through `reverses_id` (unique, so a row can be reversed only once). The
    idempotency key (Slack's trigger_id, an event id, a CRM row id) is unique per workspace and metric, so a
    repeated request is counted once.
    """

    __tablename__ = "entry"
    __table_args__ = (
        UniqueConstraint("workspace_id", "idempotency_key", "metric_id"),
        Index("ix_entry_rep_day", "workspace_id", "rep_id", "local_day"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("rep.id"))
    metric_id: Mapped[int] = mapped_column(ForeignKey("metric_def.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    local_day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(16))
    batch_id: Mapped[str] = mapped_column(String(32), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    reverses_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("entry.id"), unique=True)
    tag: Mapped[str | None] = mapped_column(String(200))


class Target(Base):
    """A target for a rep, a team or the whole workspace, for one metric and period kind."""

    __tablename__ = "target"
    __table_args__ = (Index("ix_target_subject", "workspace_id", "rep_id", "metric_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    subject_kind: Mapped[str] = mapped_column(String(16))
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("rep.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    metric_id: Mapped[int] = mapped_column(ForeignKey("metric_def.id"))
    period_kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    set_by_rep_id: Mapped[int | None] = mapped_column(ForeignKey("rep.id"))
    # A rep's own goal (`/target me …`): shown beside the target their manager set, never instead of it.
    stretch: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime]

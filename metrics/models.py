"""SQLAlchemy 2.0 typed models: the tables behind the ledger.

Every row belongs to a workspace and every query filters on it. The ledger (`Entry`) is append-only: an undo or
correction writes a reversal row pointing at the original; nothing is updated or deleted.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from metrics.dbtypes import BigIntPK, UTCDateTime

# Named constraints, so Alembic can drop and alter them on SQLite too (batch mode needs names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base holding Tally's one MetaData."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, Any]: JSON}


class Workspace(Base):
    """A tenant: one Slack workspace (or, later, one Teams tenant) and its settings."""

    __tablename__ = "workspace"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    week_start: Mapped[int] = mapped_column(SmallInteger, default=0)
    backdate_days: Mapped[int] = mapped_column(SmallInteger, default=7)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


class Team(Base):
    """A group of reps with a manager and a channel."""

    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    channel_id: Mapped[str | None] = mapped_column(String(64))
    manager_rep_id: Mapped[int | None] = mapped_column(ForeignKey("rep.id", use_alter=True))
    created_at: Mapped[datetime]


class Rep(Base):
    """A person in a workspace: a rep, a manager or an admin."""

    __tablename__ = "rep"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    display_name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16), default="rep")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class ChatIdentity(Base):
    """One chat-platform account of a rep (Teams will also keep its conversation reference here)."""

    __tablename__ = "chat_identity"
    __table_args__ = (UniqueConstraint("workspace_id", "platform", "external_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("rep.id"), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_user_id: Mapped[str] = mapped_column(String(64))
    conversation_ref: Mapped[dict[str, Any] | None] = mapped_column()
    created_at: Mapped[datetime]


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
    created_at: Mapped[datetime]

"""People and where they work: workspaces, teams, reps and their chat identities."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Numeric, SmallInteger, String, Time, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from metrics.models.base import Base


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
    # The work week as weekday digits, 0 = Monday: "01234" is Monday to Friday, "60123" Sunday to Thursday.
    work_days: Mapped[str] = mapped_column(String(7), default="01234", server_default="01234")
    holiday_country: Mapped[str | None] = mapped_column(String(8))
    holiday_subdivision: Mapped[str | None] = mapped_column(String(16))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    uninstalled_at: Mapped[datetime | None]  # Slack said app_uninstalled or tokens_revoked: send nothing more


class Team(Base):
    """A group of reps with a manager and a channel."""

    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    channel_id: Mapped[str | None] = mapped_column(String(255))  # a Slack channel id, a Teams channel's conversation id
    # Teams only: the channel's conversation reference (Teams posts to a channel only through one).
    channel_ref: Mapped[dict[str, Any] | None] = mapped_column()
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
    chat_timezone: Mapped[str | None] = mapped_column(String(64))  # as the chat profile last said; see refresh_profile
    role: Mapped[str] = mapped_column(String(16), default="rep")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Overrides of the workspace calendar (None: the workspace's).
    work_days: Mapped[str | None] = mapped_column(String(7))
    holiday_country: Mapped[str | None] = mapped_column(String(8))
    holiday_subdivision: Mapped[str | None] = mapped_column(String(16))
    mute_until: Mapped[datetime | None] = mapped_column()
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    nudge_time: Mapped[time | None] = mapped_column(Time)
    # A new rep's ramp: every target of theirs counts at ramp_percent until ramp_until (inclusive).
    ramp_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    ramp_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]
    # Set by `/tally forget`: the person's name and accounts are gone; the rep stays, anonymous, for the numbers.
    forgotten_at: Mapped[datetime | None] = mapped_column()


class Pto(Base):
    """Days off of a rep, first and last day included. Cancelling keeps the row (cancelled_at set)."""

    __tablename__ = "pto"
    __table_args__ = (Index("ix_pto_rep", "workspace_id", "rep_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("rep.id"))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None] = mapped_column()


class AuditLog(Base):
    """Who changed a target, a role or a setting, and when. Written in the same transaction as the change."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_when", "workspace_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    actor_rep_id: Mapped[int | None] = mapped_column(ForeignKey("rep.id"))
    action: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(String(400))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
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

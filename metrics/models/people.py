"""People and where they work: workspaces, teams, reps and their chat identities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, SmallInteger, String, UniqueConstraint
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

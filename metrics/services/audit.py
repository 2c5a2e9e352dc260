"""The audit log: who changed a target, a role or a setting, and when. Written in the changing transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from metrics.models import AuditLog, Rep


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One change, as an admin reads it."""

    at: datetime
    actor: str
    action: str
    summary: str


def record(
    session: Session,
    *,
    workspace_id: int,
    actor_rep_id: int | None,
    action: str,
    summary: str,
    now: datetime,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one entry (in the caller's transaction, so a change and its entry stand or fall together)."""
    session.add(
        AuditLog(
            workspace_id=workspace_id,
            actor_rep_id=actor_rep_id,
            action=action,
            summary=summary[:400],
            details=details or {},
            created_at=now,
        )
    )


def recent(session: Session, workspace_id: int, limit: int = 25) -> list[AuditEntry]:
    """The newest entries first."""
    rows = session.execute(
        select(AuditLog.created_at, Rep.display_name, AuditLog.action, AuditLog.summary)
        .outerjoin(Rep, Rep.id == AuditLog.actor_rep_id)
        .where(AuditLog.workspace_id == workspace_id)
        .order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
        .limit(limit)
    )
    return [AuditEntry(at, actor or "Tally", action, summary) for at, actor, action, summary in rows]

"""Reading the outbox's dead ends for `tally jobs failures`: deliveries that gave up, and deliveries skipped for a
reason (someone Tally cannot reach yet, a person who left, a nudge whose day ended); and queueing the failed
ones again once their cause is fixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from metrics.models import Delivery, Workspace
from metrics.outbox import Status


@dataclass(frozen=True, slots=True)
class FailedDelivery:
    """A delivery that gave up (or was skipped), for `tally jobs failures`."""

    id: int
    workspace: str
    kind: str
    key: str
    attempts: int
    error: str
    finished_at: datetime | None
    status: str = Status.FAILED.value


def failures(session: Session, limit: int = 50) -> list[FailedDelivery]:
    """The latest deliveries that gave up, newest first."""
    return _finished(session, Status.FAILED, limit)


def skipped(session: Session, limit: int = 50) -> list[FailedDelivery]:
    """The latest deliveries skipped with a reason (never sent, never retried), newest first."""
    return _finished(session, Status.SKIPPED, limit)


def _finished(session: Session, status: Status, limit: int) -> list[FailedDelivery]:
    rows = session.execute(
        select(Delivery, Workspace.external_id)
        .join(Workspace, Workspace.id == Delivery.workspace_id)
        .where(Delivery.status == status.value)
        .order_by(Delivery.finished_at.desc(), Delivery.id.desc())
        .limit(limit)
    )
    return [
        FailedDelivery(
            d.id, workspace, d.kind, d.dedupe_key, d.attempts, d.last_error or "", d.finished_at, status.value
        )
        for d, workspace in rows
    ]


def retry_failed(session: Session, now: datetime) -> int:
    """Put every failed delivery back in the queue (after the cause is fixed). Returns how many.

    Skipped deliveries stay skipped: what they said is stale by now (a morning's nudge), and the next one planned
    reaches a person who has since become reachable.
    """
    result = session.execute(
        update(Delivery)
        .where(Delivery.status == Status.FAILED.value)
        .values(status=Status.PENDING.value, attempts=0, next_attempt_at=now, finished_at=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)

"""The delivery outbox (ARCHITECTURE.md §4): plan a message once under a key, claim it under a lease, record what
sending did. The sending loop itself is `metrics.dispatch`.

Every step is set-based: planning a fan-out is one INSERT … ON CONFLICT DO NOTHING for all its rows, a claim is
one SELECT (FOR UPDATE SKIP LOCKED on PostgreSQL, so two dispatchers never claim one row) and one UPDATE, and the
outcomes of a batch are one executemany UPDATE.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Table, and_, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from metrics.models import ChatIdentity, Delivery, Rep, Team, Workspace
from metrics.notify import Message


class Status(StrEnum):
    """Where a delivery is in its life."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Planned:
    """A delivery a job wants: to a rep (a DM) or a channel, due at a time, worthless after `expires_at`."""

    workspace_id: int
    kind: str
    key: str
    message: Message
    due_at: datetime
    rep_id: int | None = None
    channel_id: str | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery this dispatcher holds the lease on, with what sending needs to know."""

    id: int
    workspace_id: int
    workspace_external_id: str  # the platform's id for the workspace: whose credentials send the message
    kind: str
    payload: dict[str, Any]
    channel_id: str | None
    user_id: str | None  # the recipient's chat user id, for a DM
    attempts: int
    expires_at: datetime | None
    previous_claim: datetime | None  # the first attempt began then: look for its message (from then) before resending
    workspace_gone: bool
    rep_gone: bool
    platform: str = "slack"  # the workspace's chat platform: which notifier sends it
    # What the platform needs to reach the recipient besides its id (Teams: the person's or the team channel's
    # conversation reference); None if it needs none or Tally has none yet.
    reference: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one claimed delivery."""

    delivery_id: int
    status: Status
    attempts: int
    next_attempt_at: datetime | None = None
    channel_id: str | None = None
    message_id: str | None = None
    error: str | None = None
    workspace_gone: bool = False


@dataclass
class PlanReport:
    """How many deliveries a job planned, and how many it found already planned."""

    planned: int = 0
    already: int = 0
    keys: list[str] = field(default_factory=list)


def plan(session: Session, wanted: Sequence[Planned], now: datetime) -> PlanReport:
    """Insert the deliveries not planned yet (one statement for all; a key already there is left alone)."""
    if not wanted:
        return PlanReport()
    rows = [
        {
            "workspace_id": item.workspace_id,
            "kind": item.kind,
            "dedupe_key": item.key[:200],
            "rep_id": item.rep_id,
            "channel_id": item.channel_id,
            "payload": item.message.to_json(),
            "status": Status.PENDING.value,
            "attempts": 0,
            "due_at": item.due_at,
            "next_attempt_at": item.due_at,
            "expires_at": item.expires_at,
            "created_at": now,
        }
        for item in wanted
    ]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    already = existing_keys(session, {item.workspace_id for item in wanted}, [item.key for item in wanted])
    statement = dialect.insert(Delivery).on_conflict_do_nothing(index_elements=["workspace_id", "dedupe_key"])
    session.execute(statement, rows)
    return PlanReport(planned=len(rows) - len(already), already=len(already), keys=[item.key for item in wanted])


def existing_keys(session: Session, workspace_ids: set[int], keys: Sequence[str]) -> set[str]:
    """Which of `keys` are planned already (a job asks first, so it builds only the messages still to plan)."""
    if not keys:
        return set()
    query = select(Delivery.dedupe_key).where(Delivery.workspace_id.in_(workspace_ids), Delivery.dedupe_key.in_(keys))
    return set(session.scalars(query))


def claim(session: Session, *, owner: str, now: datetime, lease: timedelta, limit: int) -> list[Claimed]:
    """Take up to `limit` due deliveries (pending and due, or sending with a lapsed lease) for `owner`."""
    due = or_(
        and_(Delivery.status == Status.PENDING.value, Delivery.next_attempt_at <= now),
        and_(Delivery.status == Status.SENDING.value, Delivery.lease_until < now),
    )
    query = (
        select(
            Delivery,
            Workspace.external_id,
            Workspace.uninstalled_at,
            Rep.active,
            ChatIdentity.external_user_id,
            Workspace.platform,
            ChatIdentity.conversation_ref,
            _channel_reference(),
        )
        .join(Workspace, Workspace.id == Delivery.workspace_id)
        .outerjoin(Rep, Rep.id == Delivery.rep_id)
        .outerjoin(
            ChatIdentity, and_(ChatIdentity.rep_id == Delivery.rep_id, ChatIdentity.platform == Workspace.platform)
        )
        .where(due)
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Delivery)
    rows = session.execute(query).all()
    if not rows:
        return []
    ids = [delivery.id for delivery, *_ in rows]
    session.execute(
        update(Delivery)
        .where(Delivery.id.in_(ids))
        # claimed_at keeps the FIRST attempt's time: a message that attempt posted is looked for from there.
        .values(
            status=Status.SENDING.value,
            lease_owner=owner,
            lease_until=now + lease,
            claimed_at=func.coalesce(Delivery.claimed_at, now),
        )
        .execution_options(synchronize_session=False)
    )
    return [
        Claimed(
            id=delivery.id,
            workspace_id=delivery.workspace_id,
            workspace_external_id=external_id,
            kind=delivery.kind,
            payload=delivery.payload,
            channel_id=delivery.channel_id,
            user_id=user_id,
            attempts=delivery.attempts,
            expires_at=delivery.expires_at,
            previous_claim=delivery.claimed_at if delivery.attempts or delivery.status == Status.SENDING else None,
            workspace_gone=uninstalled_at is not None,
            rep_gone=delivery.rep_id is not None and not active,
            platform=platform,
            reference=channel_ref if delivery.channel_id else person_ref,
        )
        for delivery, external_id, uninstalled_at, active, user_id, platform, person_ref, channel_ref in rows
    ]


def _channel_reference() -> Any:
    """The conversation reference of the team whose channel a post goes to (a scalar subquery, so a channel
    two teams share still yields one row per delivery)."""
    return (
        select(Team.channel_ref)
        .where(
            Team.workspace_id == Delivery.workspace_id,
            Team.channel_id == Delivery.channel_id,
            Team.channel_ref.is_not(None),
        )
        .order_by(Team.id)
        .limit(1)
        .correlate(Delivery)
        .scalar_subquery()
    )


def record(session: Session, outcomes: Sequence[Outcome], *, owner: str, now: datetime) -> None:
    """Write a batch's outcomes (one executemany), only where `owner` still holds the lease."""
    if not outcomes:
        return
    table: Table = Delivery.__table__  # type: ignore[assignment]  # Core: an UPDATE guarded per row by the lease
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.lease_owner == bindparam("b_owner"))
        .values(
            status=bindparam("b_status"),
            attempts=bindparam("b_attempts"),
            next_attempt_at=func.coalesce(
                bindparam("b_next", type_=table.c.next_attempt_at.type), table.c.next_attempt_at
            ),
            channel_id=func.coalesce(bindparam("b_channel", type_=table.c.channel_id.type), table.c.channel_id),
            message_id=bindparam("b_message"),
            last_error=bindparam("b_error"),
            finished_at=bindparam("b_finished", type_=table.c.finished_at.type),
            lease_owner=None,
            lease_until=None,
        )
    )
    finished = (Status.SENT, Status.FAILED, Status.SKIPPED)
    session.connection().execute(
        statement,
        [
            {
                "b_id": o.delivery_id,
                "b_owner": owner,
                "b_status": o.status.value,
                "b_attempts": o.attempts,
                "b_next": o.next_attempt_at,
                "b_channel": o.channel_id,
                "b_message": o.message_id,
                "b_error": (o.error or "")[:400] or None,
                "b_finished": now if o.status in finished else None,
            }
            for o in outcomes
        ],
    )
    gone = {o.delivery_id for o in outcomes if o.workspace_gone}
    if gone:
        workspaces = select(Delivery.workspace_id).where(Delivery.id.in_(gone)).scalar_subquery()
        session.execute(update(Workspace).where(Workspace.id.in_(workspaces)).values(uninstalled_at=now))


def next_due(session: Session) -> datetime | None:
    """When the earliest pending delivery falls due (None: nothing pending)."""
    pending = Delivery.status.in_([Status.PENDING.value, Status.SENDING.value])
    return session.scalar(
        select(func.min(func.coalesce(Delivery.lease_until, Delivery.next_attempt_at))).where(pending)
    )

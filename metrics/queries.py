"""The set-based reads: one query per screen, never one per rep.

Every function filters on the workspace id it is given, so no caller can read another workspace's rows.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from metrics.models import Account, ChatIdentity, Deal, DealChange, Entry, MetricDef, Rep, Target, Workspace
from metrics.periods import Period
from metrics.records import MetricSpec


def workspace_by_external_id(session: Session, platform: str, external_id: str) -> Workspace | None:
    """The workspace a platform knows as `external_id` (a Slack team id), if Tally has seen it."""
    return session.scalars(
        select(Workspace).where(Workspace.platform == platform, Workspace.external_id == external_id)
    ).one_or_none()


def rep_by_identity(session: Session, workspace_id: int, platform: str, external_user_id: str) -> Rep | None:
    """The rep behind a chat account in one workspace, if Tally has seen them."""
    return session.scalars(
        select(Rep)
        .join(ChatIdentity, ChatIdentity.rep_id == Rep.id)
        .where(
            ChatIdentity.workspace_id == workspace_id,
            ChatIdentity.platform == platform,
            ChatIdentity.external_user_id == external_user_id,
        )
    ).one_or_none()


def metric_catalog(session: Session, workspace_id: int) -> list[tuple[int, MetricSpec]]:
    """The workspace's metrics in display order, each with its row id."""
    rows = session.scalars(
        select(MetricDef).where(MetricDef.workspace_id == workspace_id).order_by(MetricDef.position, MetricDef.id)
    )
    return [(row.id, _spec(row)) for row in rows]


def managers_only_metrics(session: Session, workspace_id: int) -> set[str]:
    """The keys of the metrics whose numbers of others only managers and admins see."""
    return set(
        session.scalars(
            select(MetricDef.key).where(MetricDef.workspace_id == workspace_id, MetricDef.visibility == "managers")
        )
    )


def day_quantities(session: Session, workspace_id: int, rep_id: int, day: date) -> dict[int, int]:
    """Net quantity per metric id a rep has on one local day (reversals included)."""
    rows = session.execute(
        select(Entry.metric_id, func.sum(Entry.quantity))
        .where(Entry.workspace_id == workspace_id, Entry.rep_id == rep_id, Entry.local_day == day)
        .group_by(Entry.metric_id)
    )
    return {metric_id: int(total) for metric_id, total in rows}


def day_and_window_quantities(
    session: Session, workspace_id: int, rep_id: int, day: date, window: Period
) -> dict[int, tuple[int, int]]:
    """Net quantity per metric id on `day` and over `window`, in one pass over the rep's rows."""
    on_day = func.sum(case((Entry.local_day == day, Entry.quantity), else_=0))
    rows = session.execute(
        select(Entry.metric_id, on_day, func.sum(Entry.quantity))
        .where(
            Entry.workspace_id == workspace_id,
            Entry.rep_id == rep_id,
            Entry.local_day >= window.start,
            Entry.local_day < window.end,
        )
        .group_by(Entry.metric_id)
    )
    return {metric_id: (int(today), int(total)) for metric_id, today, total in rows}


def entries_with_key(session: Session, workspace_id: int, idempotency_key: str) -> list[Entry]:
    """Ledger rows written under one idempotency key (a repeated request finds its first answer here)."""
    return list(
        session.scalars(
            select(Entry)
            .where(Entry.workspace_id == workspace_id, Entry.idempotency_key == idempotency_key)
            .order_by(Entry.id)
        )
    )


def batch_entries(session: Session, workspace_id: int, batch_id: str) -> list[tuple[Entry, bool]]:
    """The rows of one log, each with whether it has been reversed already."""
    reversal = aliased(Entry)
    rows = session.execute(
        select(Entry, reversal.id.is_not(None))
        .outerjoin(reversal, reversal.reverses_id == Entry.id)
        .where(Entry.workspace_id == workspace_id, Entry.batch_id == batch_id, Entry.reverses_id.is_(None))
        .order_by(Entry.id)
    )
    return [(entry, bool(reversed_)) for entry, reversed_ in rows]


def latest_open_batch(session: Session, workspace_id: int, rep_id: int) -> tuple[str, datetime] | None:
    """The batch id and time of the rep's most recent log that still has a row not reversed, if any."""
    reversal = aliased(Entry)
    row = session.execute(
        select(Entry.batch_id, Entry.created_at)
        .outerjoin(reversal, reversal.reverses_id == Entry.id)
        .where(
            Entry.workspace_id == workspace_id,
            Entry.rep_id == rep_id,
            Entry.reverses_id.is_(None),
            Entry.source != "import",  # imported numbers are corrected by importing again, not by /log undo
            reversal.id.is_(None),
        )
        .order_by(Entry.created_at.desc(), Entry.id.desc())
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1])


def rep_targets(
    session: Session, workspace_id: int, rep_id: int, period_kinds: tuple[str, ...], on_day: date
) -> dict[tuple[int, str], Decimal]:
    """The rep's own targets in force on `on_day`, keyed by (metric id, period kind); the newest wins."""
    rows = session.execute(
        select(Target.metric_id, Target.period_kind, Target.amount)
        .where(
            Target.workspace_id == workspace_id,
            Target.subject_kind == "rep",
            Target.rep_id == rep_id,
            Target.period_kind.in_(period_kinds),
            Target.starts_on <= on_day,
            or_(Target.ends_on.is_(None), and_(Target.ends_on >= on_day)),
        )
        .order_by(Target.created_at, Target.id)
    )
    return {(metric_id, kind): amount for metric_id, kind, amount in rows}


def _spec(row: MetricDef) -> MetricSpec:
    return MetricSpec(
        key=row.key,
        label=row.label,
        unit=row.unit,
        aliases=tuple(row.aliases),
        points=Decimal(row.points_per_unit),
        daily_cap=row.daily_cap,
        kind=row.kind,
    )


def lock_rep(session: Session, rep_id: int) -> None:
    """Hold the rep's row until the transaction ends, so two logs of one rep are checked one after the other
    (PostgreSQL's FOR UPDATE; SQLite's BEGIN IMMEDIATE already serialises writers)."""
    session.execute(select(Rep.id).where(Rep.id == rep_id).with_for_update())


def later_open_deal_change(session: Session, workspace_id: int, deal_id: int, after_id: int) -> int | None:
    """The id of a change to the deal made after `after_id` that has not been undone, if any."""
    undo = aliased(DealChange)
    return session.scalars(
        select(DealChange.id)
        .outerjoin(undo, undo.reverses_id == DealChange.id)
        .where(
            DealChange.workspace_id == workspace_id,
            DealChange.deal_id == deal_id,
            DealChange.id > after_id,
            DealChange.reverses_id.is_(None),
            undo.id.is_(None),
        )
        .limit(1)
    ).first()


def account_by_key(session: Session, workspace_id: int, name_key: str) -> Account | None:
    """The account whose folded name is `name_key`."""
    return session.scalars(
        select(Account).where(Account.workspace_id == workspace_id, Account.name_key == name_key)
    ).one_or_none()


def account_names(session: Session, workspace_id: int) -> list[str]:
    """Every account name in the workspace (for "did you mean")."""
    return list(session.scalars(select(Account.name).where(Account.workspace_id == workspace_id)))


def latest_open_deal(session: Session, workspace_id: int, rep_id: int, account_id: int) -> Deal | None:
    """The rep's most recently created open deal with one account."""
    return session.scalars(
        select(Deal)
        .where(
            Deal.workspace_id == workspace_id,
            Deal.owner_rep_id == rep_id,
            Deal.account_id == account_id,
            Deal.stage == "open",
            Deal.active.is_(True),
        )
        .order_by(Deal.created_at.desc(), Deal.id.desc())
        .limit(1)
    ).first()


def deal_changes_with_key(session: Session, workspace_id: int, idempotency_key: str) -> list[DealChange]:
    """Deal changes written under one idempotency key."""
    return list(
        session.scalars(
            select(DealChange).where(
                DealChange.workspace_id == workspace_id, DealChange.idempotency_key == idempotency_key
            )
        )
    )


def batch_deal_changes(session: Session, workspace_id: int, batch_id: str) -> list[tuple[DealChange, bool]]:
    """The deal changes one log made, each with whether it has been undone already."""
    undo = aliased(DealChange)
    rows = session.execute(
        select(DealChange, undo.id.is_not(None))
        .outerjoin(undo, undo.reverses_id == DealChange.id)
        .where(
            DealChange.workspace_id == workspace_id,
            DealChange.batch_id == batch_id,
            DealChange.reverses_id.is_(None),
        )
        .order_by(DealChange.id)
    )
    return [(change, bool(undone)) for change, undone in rows]


def latest_open_deal_batch(session: Session, workspace_id: int, rep_id: int) -> tuple[str, datetime] | None:
    """The batch id and time of the rep's most recent deal change not undone yet."""
    undo = aliased(DealChange)
    row = session.execute(
        select(DealChange.batch_id, DealChange.created_at)
        .outerjoin(undo, undo.reverses_id == DealChange.id)
        .where(
            DealChange.workspace_id == workspace_id,
            DealChange.rep_id == rep_id,
            DealChange.reverses_id.is_(None),
            undo.id.is_(None),
        )
        .order_by(DealChange.created_at.desc(), DealChange.id.desc())
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1])

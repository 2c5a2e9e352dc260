"""Set-based reads for many reps at once: window totals, targets in force, the reps themselves.

Each function is one query however many reps it covers (standings for 200 reps cost what they cost for 2).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from metrics.models import Entry, Rep, Target
from metrics.periods import Period, PeriodKind


@dataclass(frozen=True, slots=True)
class RepRow:
    """A rep as standings need them."""

    rep_id: int
    name: str
    team_id: int | None
    hidden: bool
    role: str
    ramp_percent: Decimal | None
    ramp_until: date | None


@dataclass(frozen=True, slots=True)
class TargetRow:
    """A target and the days it was in force, `starts_on` to `ends_on` (included; None: still in force)."""

    rep_id: int | None
    team_id: int | None
    metric_id: int
    period_kind: str
    amount: Decimal
    stretch: bool
    starts_on: date = date.min
    ends_on: date | None = None

    def within(self, window: Period) -> Period | None:
        """The part of `window` this target was in force (None: none of it)."""
        start = max(window.start, self.starts_on)
        end = window.end if self.ends_on is None else min(window.end, self.ends_on + timedelta(days=1))
        return Period(PeriodKind.RANGE, start, end) if start < end else None

    def in_force_on(self, day: date) -> bool:
        """True if the target applied on `day`."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


def reps(
    session: Session, workspace_id: int, *, team_id: int | None = None, rep_ids: Collection[int] | None = None
) -> list[RepRow]:
    """The active reps of the workspace, of one team, or with the given ids."""
    query = select(Rep).where(Rep.workspace_id == workspace_id, Rep.active.is_(True))
    if team_id is not None:
        query = query.where(Rep.team_id == team_id)
    if rep_ids is not None:
        query = query.where(Rep.id.in_(rep_ids))
    return [
        RepRow(rep.id, rep.display_name, rep.team_id, rep.hidden, rep.role, rep.ramp_percent, rep.ramp_until)
        for rep in session.scalars(query.order_by(Rep.display_name, Rep.id))
    ]


def window_quantities(
    session: Session, workspace_id: int, rep_ids: Collection[int], window: Period
) -> dict[tuple[int, int], int]:
    """Net quantity per (rep id, metric id) over the window's local days."""
    rows = session.execute(
        select(Entry.rep_id, Entry.metric_id, func.sum(Entry.quantity))
        .where(
            Entry.workspace_id == workspace_id,
            Entry.rep_id.in_(rep_ids),
            Entry.local_day >= window.start,
            Entry.local_day < window.end,
        )
        .group_by(Entry.rep_id, Entry.metric_id)
    )
    return {(rep_id, metric_id): int(total) for rep_id, metric_id, total in rows}


def day_quantities_by_rep(
    session: Session, workspace_id: int, rep_ids: Collection[int], start: date, end: date, metric_ids: Collection[int]
) -> dict[tuple[int, date], dict[int, int]]:
    """Net quantity per rep and local day, by metric, over [start, end) (for streaks)."""
    rows = session.execute(
        select(Entry.rep_id, Entry.local_day, Entry.metric_id, func.sum(Entry.quantity))
        .where(
            Entry.workspace_id == workspace_id,
            Entry.rep_id.in_(rep_ids),
            Entry.metric_id.in_(metric_ids),
            Entry.local_day >= start,
            Entry.local_day < end,
        )
        .group_by(Entry.rep_id, Entry.local_day, Entry.metric_id)
    )
    days: dict[tuple[int, date], dict[int, int]] = {}
    for rep_id, day, metric_id, total in rows:
        days.setdefault((rep_id, day), {})[metric_id] = int(total)
    return days


def targets_during(
    session: Session,
    workspace_id: int,
    window: Period,
    *,
    rep_ids: Collection[int] = (),
    team_ids: Collection[int] = (),
) -> list[TargetRow]:
    """Every target of the given reps and teams in force on any day of `window`, with the days it was.

    A target changed mid-window appears twice (the old one ending the day before the new one starts), so a
    week's target is 10 a day for the days before the change and 100 a day after, not 100 for all of it.
    """
    rows = session.scalars(
        select(Target)
        .where(
            Target.workspace_id == workspace_id,
            Target.starts_on < window.end,
            or_(Target.ends_on.is_(None), and_(Target.ends_on >= window.start, Target.ends_on >= Target.starts_on)),
            or_(Target.rep_id.in_(rep_ids), and_(Target.team_id.in_(team_ids), Target.rep_id.is_(None))),
        )
        .order_by(Target.starts_on, Target.id)
    )
    return [
        TargetRow(t.rep_id, t.team_id, t.metric_id, t.period_kind, t.amount, t.stretch, t.starts_on, t.ends_on)
        for t in rows
    ]

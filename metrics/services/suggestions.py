"""Suggesting a target from a rep's own history."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from metrics.errors import UsageError
from metrics.models import Entry
from metrics.periods import week_period
from metrics.records import MetricSpec, RepContext
from metrics.services import access
from metrics.services.targets import metric_of

SUGGEST_WEEKS = 12


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A suggested weekly target: the rep's 80th percentile over the last weeks, rounded."""

    rep: str
    metric: MetricSpec
    per_week: int
    weeks: int


def suggest(session: Session, *, asker: RepContext, rep_id: int, metric_key: str, now: datetime) -> Suggestion:
    """The rep's 80th percentile of weekly totals over the last 12 full weeks (one query), rounded.

    Raises:
        UsageError: no activity of that metric in those weeks (nothing to suggest from).
    """
    rep = access.require_view_rep(session, asker, rep_id, "history")
    metric_id, spec = metric_of(session, asker, metric_key)
    this_week = week_period(asker.today(now), asker.week_start)
    start = this_week.start - timedelta(weeks=SUGGEST_WEEKS)
    rows = session.execute(
        select(Entry.local_day, func.sum(Entry.quantity))
        .where(
            Entry.workspace_id == asker.workspace_id,
            Entry.rep_id == rep.id,
            Entry.metric_id == metric_id,
            Entry.local_day >= start,
            Entry.local_day < this_week.start,
        )
        .group_by(Entry.local_day)
    )
    weekly = [0] * SUGGEST_WEEKS
    for day, quantity in rows:
        weekly[(day - start).days // 7] += int(quantity)
    if not any(weekly):
        raise UsageError(
            f"{rep.display_name} logged no {spec.label} in the last {SUGGEST_WEEKS} weeks: nothing to go on."
        )
    p80 = statistics.quantiles(weekly, n=5, method="inclusive")[3]
    return Suggestion(rep.display_name, spec, round(p80), SUGGEST_WEEKS)

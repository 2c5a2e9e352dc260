"""Targets: set, list, clear, suggest, and ramps. A new target of the same subject, metric and period replaces
the old one from today (the old one keeps its history, ending yesterday); every change is audited."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from metrics import queries
from metrics.catalog import LAGGING
from metrics.errors import UsageError
from metrics.models import Entry, Rep, Target, Team
from metrics.periods import PeriodKind, week_period
from metrics.records import MetricSpec, RepContext, Role
from metrics.services import access, audit, teams

PERIODS = (PeriodKind.DAY, PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)
SUGGEST_WEEKS = 12


class Subject(StrEnum):
    """Whom a target is for."""

    REP = "rep"
    TEAM = "team"
    ME = "me"  # a rep's own stretch goal


@dataclass(frozen=True, slots=True)
class TargetView:
    """A target as people read it."""

    target_id: int
    subject: str
    metric: MetricSpec
    period_kind: PeriodKind
    amount: Decimal
    stretch: bool
    starts_on: date
    set_by: str | None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A suggested weekly target: the rep's 80th percentile over the last weeks, rounded."""

    rep: str
    metric: MetricSpec
    per_week: int
    weeks: int


def set_target(
    session: Session,
    *,
    asker: RepContext,
    subject: Subject,
    metric_key: str,
    amount: Decimal,
    period_kind: PeriodKind,
    now: datetime,
    rep_id: int | None = None,
    team_name: str | None = None,
) -> TargetView:
    """Set a rep's target (their manager or an admin), a team's (its manager or an admin) or the asker's own stretch
    goal (anyone, for themselves). Replaces the same subject's target of that metric and period from today.

    Raises:
        UsageError: unknown metric, an amount that is not positive, or an unknown team.
        NotAllowed / UnknownRep: the asker may not set it, or the rep is not in this workspace.
    """
    metric_id, spec = _metric(session, asker, metric_key)
    if amount <= 0 or (spec.kind != LAGGING and amount != amount.to_integral_value()):
        raise UsageError(f"A target is a positive {'amount' if spec.kind == LAGGING else 'whole number'}.")
    owner, team_id, label = _subject(session, asker, subject, rep_id, team_name)
    today = asker.today(now)
    previous = _in_force(
        session, asker.workspace_id, owner, team_id, metric_id, period_kind, subject is Subject.ME, today
    )
    for old in previous:
        old.ends_on = today - timedelta(days=1)
    target = Target(
        workspace_id=asker.workspace_id,
        subject_kind="team" if subject is Subject.TEAM else "rep",
        rep_id=owner,
        team_id=team_id,
        metric_id=metric_id,
        period_kind=period_kind.value,
        amount=amount,
        starts_on=today,
        set_by_rep_id=asker.rep_id,
        stretch=subject is Subject.ME,
        created_at=now,
    )
    session.add(target)
    session.flush()
    view = TargetView(target.id, label, spec, period_kind, amount, subject is Subject.ME, today, asker.display_name)
    audit.record(
        session,
        workspace_id=asker.workspace_id,
        actor_rep_id=asker.rep_id,
        action="target",
        summary=f"{describe(view)} (was {', '.join(str(o.amount) for o in previous) or 'none'})",
        now=now,
    )
    return view


def clear_targets(
    session: Session,
    *,
    asker: RepContext,
    subject: Subject,
    now: datetime,
    metric_key: str | None = None,
    period_kind: PeriodKind | None = None,
    rep_id: int | None = None,
    team_name: str | None = None,
) -> int:
    """End the subject's targets (of one metric, or all; of one period kind, or all) from today. Returns how many."""
    owner, team_id, label = _subject(session, asker, subject, rep_id, team_name)
    metric_id = _metric(session, asker, metric_key)[0] if metric_key else None
    today = asker.today(now)
    ended = _in_force(session, asker.workspace_id, owner, team_id, metric_id, period_kind, subject is Subject.ME, today)
    for target in ended:
        target.ends_on = today - timedelta(days=1)
    if ended:
        audit.record(
            session,
            workspace_id=asker.workspace_id,
            actor_rep_id=asker.rep_id,
            action="target",
            summary=f"cleared {len(ended)} target(s) of {label}",
            now=now,
        )
    return len(ended)


def list_targets(session: Session, *, asker: RepContext, now: datetime, rep_id: int | None = None) -> list[TargetView]:
    """The targets in force today for a rep and their team. With no rep named, a manager gets every target of
    the teams they manage (an admin: of every team), and anyone else their own.
    """
    if rep_id is None and asker.role is not Role.REP:
        rep_ids, team_ids = _managed_scope(session, asker)
    else:
        rep = access.require_view_rep(session, asker, rep_id or asker.rep_id, "targets")
        rep_ids, team_ids = {rep.id}, {rep.team_id} - {None}
    specs = dict(queries.metric_catalog(session, asker.workspace_id))
    owner = aliased(Rep)
    rows = session.execute(
        select(Target, Rep.display_name, Team.name, owner.display_name)
        .outerjoin(Rep, Rep.id == Target.set_by_rep_id)
        .outerjoin(Team, Team.id == Target.team_id)
        .outerjoin(owner, owner.id == Target.rep_id)
        .where(
            Target.workspace_id == asker.workspace_id,
            _in_force_on(asker.today(now)),
            or_(Target.rep_id.in_(rep_ids), Target.team_id.in_(team_ids)),
        )
        .order_by(Target.team_id.is_(None), owner.display_name, Target.metric_id, Target.period_kind)
    )
    return [
        TargetView(
            t.id,
            team or name or "",
            specs[t.metric_id],
            PeriodKind(t.period_kind),
            t.amount,
            t.stretch,
            t.starts_on,
            setter,
        )
        for t, setter, team, name in rows
    ]


def _managed_scope(session: Session, asker: RepContext) -> tuple[set[int], set[int | None]]:
    team_ids: set[int | None] = set(access.managed_team_ids(session, asker))
    members = session.scalars(select(Rep.id).where(Rep.workspace_id == asker.workspace_id, Rep.team_id.in_(team_ids)))
    return {asker.rep_id, *members}, team_ids | ({asker.team_id} - {None})


def set_ramp(session: Session, *, asker: RepContext, rep_id: int, percent: Decimal, until: date, now: datetime) -> str:
    """Count a new rep's targets at `percent` (e.g. 0.5) until `until`, inclusive (their manager or an admin)."""
    rep = access.require_manage_rep(session, asker, rep_id)
    if not Decimal(0) < percent <= 1:
        raise UsageError("A ramp is a percentage from 1 to 100, e.g. `/target @new 50 % ramp until 2027-01-31`.")
    if until < asker.today(now):
        raise UsageError("A ramp ends today or later.")
    rep.ramp_percent, rep.ramp_until = percent, until
    summary = f"{rep.display_name}'s targets count at {percent * 100:.0f} % until {until:%d %b %Y}"
    audit.record(
        session, workspace_id=asker.workspace_id, actor_rep_id=asker.rep_id, action="target", summary=summary, now=now
    )
    return summary + "."


def suggest(session: Session, *, asker: RepContext, rep_id: int, metric_key: str, now: datetime) -> Suggestion:
    """The rep's 80th percentile of weekly totals over the last 12 full weeks (one query), rounded.

    Raises:
        UsageError: no activity of that metric in those weeks (nothing to suggest from).
    """
    rep = access.require_view_rep(session, asker, rep_id, "history")
    metric_id, spec = _metric(session, asker, metric_key)
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


def describe(view: TargetView) -> str:
    """ "Bob: 50 dials a day" — a target in words."""
    per = {"day": "a day", "week": "a week", "month": "a month", "quarter": "a quarter", "year": "a year"}
    amount = f"${view.amount:,.0f}" if view.metric.key == "revenue" else f"{view.amount:,.0f}"
    goal = " (own goal)" if view.stretch else ""
    return f"{view.subject}: {amount} {view.metric.label} {per[view.period_kind.value]}{goal}"


def _subject(
    session: Session, asker: RepContext, subject: Subject, rep_id: int | None, team_name: str | None
) -> tuple[int | None, int | None, str]:
    if subject is Subject.ME:
        return asker.rep_id, None, asker.display_name
    if subject is Subject.REP:
        if rep_id is None:
            raise UsageError("Whose target? Mention them, e.g. `/target @bob 50 dials daily`.")
        rep = access.require_manage_rep(session, asker, rep_id)
        return rep.id, None, rep.display_name
    team = teams.team_for(session, asker, team_name)
    access.require_manage_team(session, asker, team.id)
    return None, team.id, team.name


def _metric(session: Session, asker: RepContext, key: str | None) -> tuple[int, MetricSpec]:
    for metric_id, spec in queries.metric_catalog(session, asker.workspace_id):
        if spec.key == key:
            return metric_id, spec
    raise UsageError(f"There is no metric “{key}”.")


def _in_force(
    session: Session,
    workspace_id: int,
    rep_id: int | None,
    team_id: int | None,
    metric_id: int | None,
    period_kind: PeriodKind | None,
    stretch: bool,
    today: date,
) -> list[Target]:
    query = select(Target).where(
        Target.workspace_id == workspace_id,
        Target.stretch.is_(stretch),
        _in_force_on(today),
        Target.rep_id.is_(None) if rep_id is None else Target.rep_id == rep_id,
        Target.team_id.is_(None) if team_id is None else Target.team_id == team_id,
    )
    if metric_id is not None:
        query = query.where(Target.metric_id == metric_id)
    if period_kind is not None:
        query = query.where(Target.period_kind == period_kind.value)
    return list(session.scalars(query))


def _in_force_on(day: date) -> ColumnElement[bool]:
    return and_(Target.starts_on <= day, or_(Target.ends_on.is_(None), Target.ends_on >= day))

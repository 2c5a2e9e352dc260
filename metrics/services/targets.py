"""Targets: set, list, clear, suggest, and ramps. A new target of the same subject, metric and period replaces
the old one from today (the old one keeps its history, ending yesterday); every change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session, aliased

from metrics import queries
from metrics.catalog import LAGGING
from metrics.errors import UsageError
from metrics.models import Rep, Target, Team
from metrics.periods import PeriodKind
from metrics.records import MetricSpec, RepContext, Role
from metrics.services import access, audit, teams

PERIODS = (PeriodKind.DAY, PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)


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
    metric_id, spec = metric_of(session, asker, metric_key)
    if not amount.is_finite() or amount <= 0 or (spec.kind != LAGGING and amount != amount.to_integral_value()):
        raise UsageError(f"A target is a positive {'amount' if spec.kind == LAGGING else 'whole number'}.")
    largest = largest_target(spec, period_kind, team=subject is Subject.TEAM)
    if amount > largest:
        raise UsageError(
            f"{amount:,} {spec.label} a {period_kind.value} is more than Tally takes (at most {largest:,}); "
            "check the number."
        )
    amount = amount.quantize(Decimal("0.01")) if spec.kind == LAGGING else amount
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
    metric_id = metric_of(session, asker, metric_key)[0] if metric_key else None
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


def metric_of(session: Session, asker: RepContext, key: str | None) -> tuple[int, MetricSpec]:
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


PERIOD_DAYS = {"day": 1, "week": 7, "month": 31, "quarter": 92, "year": 366}
MAX_REVENUE = Decimal(10) ** 12
MAX_DEALS = Decimal(10) ** 6
TEAM_ALLOWANCE = 1_000  # a team target may be this many people's worth


def largest_target(spec: MetricSpec, kind: PeriodKind, *, team: bool) -> Decimal:
    """The biggest target Tally accepts: what one person could log in the period (× a team allowance), or a
    generous money and deal ceiling; beyond it is a typo, and would not fit the database."""
    if spec.key == "revenue":
        return MAX_REVENUE
    if spec.kind == LAGGING:
        return MAX_DEALS
    return Decimal(spec.daily_cap * PERIOD_DAYS.get(kind.value, 366) * (TEAM_ALLOWANCE if team else 1))


def _in_force_on(day: date) -> ColumnElement[bool]:
    return and_(Target.starts_on <= day, or_(Target.ends_on.is_(None), Target.ends_on >= day))

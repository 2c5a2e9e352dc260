"""Working backwards from a revenue target to the deals, opportunities, meetings, conversations and dials it
needs — per rep per remaining working day — from the team's own history (or rates the planner gives)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from metrics import kpis, report_queries, team_queries
from metrics.calendar import working_days_left
from metrics.deal_records import Audience, DealTotals
from metrics.errors import DomainError, UsageError
from metrics.models import Workspace
from metrics.periods import Period, PeriodKind, date_range, period_containing
from metrics.queries import metric_catalog
from metrics.records import RepContext, Role
from metrics.services import access, calendars
from metrics.services.targets import Subject, largest_target, set_target

TRAILING_DAYS = 180
ACTIVITY_STAGES = ("opportunities", "meetings", "conversations", "dials")


@dataclass(frozen=True, slots=True)
class Rate:
    """A rate a plan rests on: its value (None: no data), how many observations, and where it came from."""

    value: Decimal | None
    observations: int
    source: str


@dataclass(frozen=True, slots=True)
class PlanInput:
    """What the planner asked: a revenue target for the current period of a kind, for whom, with any rates given."""

    revenue_target: Decimal
    period_kind: PeriodKind
    audience: Audience = Audience.TEAM
    rep_id: int | None = None
    deal_size: Decimal | None = None
    win_rate: Decimal | None = None
    rates: dict[str, Decimal] | None = (
        None  # "opportunities" (÷ meetings), "meetings" (÷ conversations), "conversations" (÷ dials)
    )


@dataclass(frozen=True, slots=True)
class Plan:
    """The plan and everything it rests on."""

    scope: str
    period: Period
    revenue_target: Decimal
    revenue_won: Decimal
    reps: int
    days_left: int
    deal_size: Rate
    win_rate: Rate
    stage_rates: dict[str, Rate]
    result: kpis.BackwardPlan


def plan(session: Session, *, asker: RepContext, request: PlanInput, now: datetime) -> Plan:
    """Compute the plan, and keep it as the asker's latest (for `/plan apply`).

    Raises:
        DomainError: no average deal size or win rate in the history and none given.
        NotAllowed / UnknownRep: a plan for a rep the asker may not see.
    """
    rep_ids, team_id, scope = _scope(session, asker, request)
    sellers = _sellers(session, asker, rep_ids)
    workspace = session.get_one(Workspace, asker.workspace_id)
    standard = calendars.calendar_of_workspace(workspace)
    today = asker.today(now)
    period = period_containing(request.period_kind, today, week_start=asker.week_start)
    owner = rep_ids[0] if request.audience in (Audience.ME, Audience.REP) else None
    won = _deals(session, asker, period, today, owner, team_id).won_revenue
    history = date_range(today - timedelta(days=TRAILING_DAYS), today)
    past = _deals(session, asker, history, today, owner, team_id)
    deal_size = _given(request.deal_size) or Rate(
        kpis.average_deal_size(past.won_revenue, past.won), past.won, _window()
    )
    win_rate = _given(request.win_rate) or Rate(kpis.win_rate(past.won, past.lost), past.won + past.lost, _window())
    _refuse_without(deal_size, win_rate)
    stage_rates = _stage_rates(session, asker, rep_ids, history, request.rates or {})
    result = kpis.backward_plan(
        request.revenue_target,
        deal_size.value or Decimal(1),
        win_rate.value,
        kpis.StageRates(
            stage_rates["opportunities"].value, stage_rates["meetings"].value, stage_rates["conversations"].value
        ),
        revenue_won=won,
        reps=len(sellers),
        working_days_left=working_days_left(standard, period, today),
    )
    _remember(workspace, asker.rep_id, request.period_kind, sellers, result)
    return Plan(
        scope,
        period,
        request.revenue_target,
        won,
        len(sellers),
        working_days_left(standard, period, today),
        deal_size,
        win_rate,
        stage_rates,
        result,
    )


def apply_latest(session: Session, *, asker: RepContext, now: datetime) -> tuple[int, int]:
    """Turn the asker's latest plan into daily targets for each of its reps. Returns (reps, targets set).

    Raises:
        UsageError: no plan to apply. NotAllowed: a rep the asker does not manage.
    """
    workspace = session.get_one(Workspace, asker.workspace_id)
    latest: dict[str, Any] | None = (workspace.settings or {}).get("plans", {}).get(str(asker.rep_id))
    if not latest:
        raise UsageError("Make a plan first, e.g. `/plan $5M year`, then `/plan apply`.")
    for rep_id in latest["reps"]:
        access.require_manage_rep(session, asker, rep_id)
    _refuse_the_impossible(session, asker, latest["per_day"])
    count = 0
    for rep_id in latest["reps"]:
        for stage in ACTIVITY_STAGES:
            amount = latest["per_day"].get(stage)
            if amount:
                set_target(
                    session,
                    asker=asker,
                    subject=Subject.REP,
                    metric_key=stage,
                    amount=Decimal(amount),
                    period_kind=PeriodKind.DAY,
                    now=now,
                    rep_id=rep_id,
                )
                count += 1
    return len(latest["reps"]), count


def _refuse_the_impossible(session: Session, asker: RepContext, per_day: dict[str, int | None]) -> None:
    """A plan asking more of one person in a day than Tally lets anyone log is a plan to rethink, not to set."""
    specs = {spec.key: spec for _, spec in metric_catalog(session, asker.workspace_id)}
    for stage in ACTIVITY_STAGES:
        amount = per_day.get(stage)
        if amount and stage in specs and amount > largest_target(specs[stage], PeriodKind.DAY, team=False):
            raise UsageError(
                f"The plan asks {amount:,} {specs[stage].label} a day of each rep, more than anyone logs (at most "
                f"{specs[stage].daily_cap:,}). Plan for more reps or a longer period, or give better rates."
            )


def _scope(session: Session, asker: RepContext, request: PlanInput) -> tuple[list[int], int | None, str]:
    if request.audience in (Audience.ME, Audience.REP):
        rep = access.require_view_rep(session, asker, request.rep_id or asker.rep_id, "plan")
        return [rep.id], None, rep.display_name
    if request.audience is Audience.TEAM and asker.team_id is not None:
        reps = team_queries.reps(session, asker.workspace_id, team_id=asker.team_id)
        return [r.rep_id for r in reps], asker.team_id, "your team"
    reps = team_queries.reps(session, asker.workspace_id)
    return [r.rep_id for r in reps] or [asker.rep_id], None, "everyone"


def _sellers(session: Session, asker: RepContext, rep_ids: list[int]) -> list[int]:
    """Who the plan is shared among: the reps, not their managers or admins (whose own numbers still count
    towards the history), unless there is no one else.
    """
    people = team_queries.reps(session, asker.workspace_id, rep_ids=rep_ids)
    return [p.rep_id for p in people if p.role == Role.REP.value] or rep_ids


def _deals(
    session: Session, asker: RepContext, period: Period, as_of: date, owner: int | None, team_id: int | None
) -> DealTotals:
    totals = report_queries.deal_totals(
        session, asker.workspace_id, period, None, as_of, owner_rep_id=owner, team_id=team_id
    )
    return totals.get(report_queries.Group("everyone"), DealTotals())


def _stage_rates(
    session: Session, asker: RepContext, rep_ids: list[int], history: Period, given: dict[str, Decimal]
) -> dict[str, Rate]:
    ids = {spec.key: metric_id for metric_id, spec in metric_catalog(session, asker.workspace_id)}
    quantities = team_queries.window_quantities(session, asker.workspace_id, rep_ids, history)
    totals = {key: sum(q for (_, metric), q in quantities.items() if metric == ids.get(key)) for key in ACTIVITY_STAGES}
    rates = {}
    for later, earlier in itertools.pairwise(ACTIVITY_STAGES):
        if later in given:
            rates[later] = Rate(given[later], 0, "given")
        else:
            rates[later] = Rate(kpis.conversion_rate(totals[later], totals[earlier]), totals[earlier], _window())
    return rates


def _given(value: Decimal | None) -> Rate | None:
    return None if value is None else Rate(value, 0, "given")


def _window() -> str:
    return f"last {TRAILING_DAYS} days"


def _refuse_without(deal_size: Rate, win_rate: Rate) -> None:
    missing = []
    if deal_size.value is None or deal_size.value <= 0:
        missing.append(f"an average deal size (no won deals in the {_window()})")
    if win_rate.value is None or win_rate.value <= 0:
        missing.append(f"a win rate (no won deals among closed ones in the {_window()})")
    if missing:
        raise DomainError(
            "I can't plan without " + " and ".join(missing) + ". Give them: `/plan $5M year deal 100k win 25%`."
        )


def _remember(
    workspace: Workspace, rep_id: int, kind: PeriodKind, rep_ids: list[int], result: kpis.BackwardPlan
) -> None:
    # Reassign the dict: SQLAlchemy notices a new JSON value, not an edit inside the old one.
    settings = dict(workspace.settings or {})
    plans = dict(settings.get("plans", {}))
    plans[str(rep_id)] = {"period": kind.value, "reps": rep_ids, "per_day": dict(result.per_rep_per_day)}
    settings["plans"] = plans
    workspace.settings = settings

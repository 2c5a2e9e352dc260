"""The funnel view: each rep's conversion at every stage against the team median, and where each loses most."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from metrics import kpis, report_queries, team_queries
from metrics.deal_records import GroupBy
from metrics.periods import Period
from metrics.queries import metric_catalog
from metrics.records import RepContext, Role
from metrics.services import access

# (label, later stage, earlier stage): conversion = later ÷ earlier, the article's funnel.
STAGES = (
    ("dials → conversations", "conversations", "dials"),
    ("conversations → meetings", "meetings", "conversations"),
    ("meetings → opportunities", "opportunities", "meetings"),
    ("closed → won", "won", "closed"),
)


@dataclass(frozen=True, slots=True)
class FunnelRow:
    """One rep's counts and conversions, and the stage where they fall furthest below the team median."""

    name: str
    counts: dict[str, int]
    rates: dict[str, Decimal | None]
    weakest: str | None


@dataclass(frozen=True, slots=True)
class Funnel:
    """The funnel of a team (or everyone) over a period."""

    title: str
    period: Period
    medians: dict[str, Decimal | None]
    rows: tuple[FunnelRow, ...]


def funnel(session: Session, *, asker: RepContext, period: Period, now: datetime, rep_id: int | None = None) -> Funnel:
    """Conversions per rep with the team median. A rep sees their own row against the median; a manager sees
    every rep they manage, or one (`rep_id`); an admin everyone.

    Raises:
        NotAllowed / UnknownRep: a rep the asker may not see.
    """
    managed = access.managed_team_ids(session, asker)
    if rep_id is not None:  # the named rep against their own team's median
        team_id = access.require_view_rep(session, asker, rep_id, "funnel").team_id
    else:
        team_id = asker.team_id or (next(iter(managed)) if len(managed) == 1 else None)
    reps = team_queries.reps(session, asker.workspace_id, team_id=team_id)
    ids = [rep.rep_id for rep in reps] or [asker.rep_id]
    counts = _counts(session, asker, ids, period, now)
    # A manager or admin who logs nothing is not a row (nor a zero in the median); a player-coach is.
    sellers = {rep.rep_id for rep in reps if rep.role == Role.REP.value}
    ids = [r for r in ids if r in sellers or any(counts.get(r, {}).values())] or ids
    names = {rep.rep_id: rep.name for rep in reps}
    rates = {rep_id: rates_of(counts.get(rep_id, {})) for rep_id in ids}
    medians = {label: median_of([rates[r][label] for r in ids]) for label, _, _ in STAGES}
    visible = _visible(asker, ids, rep_id, team_id, managed)
    rows = tuple(
        FunnelRow(names.get(r, asker.display_name), counts.get(r, {}), rates[r], weakest_stage(rates[r], medians))
        for r in ids
        if r in visible
    )
    title = (
        "your team" if team_id is not None and team_id == asker.team_id else ("their team" if team_id else "everyone")
    )
    return Funnel(title=title, period=period, medians=medians, rows=rows)


def _counts(
    session: Session, asker: RepContext, ids: list[int], period: Period, now: datetime
) -> dict[int, dict[str, int]]:
    return counts_by_rep(session, asker.workspace_id, ids, period, min(period.last_day, asker.today(now)))


def counts_by_rep(
    session: Session, workspace_id: int, ids: list[int], period: Period, as_of: date
) -> dict[int, dict[str, int]]:
    """Each rep's funnel counts over the period: activity by metric key, and deals won and closed."""
    keys = {metric_id: spec.key for metric_id, spec in metric_catalog(session, workspace_id)}
    counts: dict[int, dict[str, int]] = {}
    for (rep_id, metric_id), quantity in team_queries.window_quantities(session, workspace_id, ids, period).items():
        counts.setdefault(rep_id, {})[keys[metric_id]] = quantity
    deals = report_queries.deal_totals(session, workspace_id, period, GroupBy.REP, as_of, rep_ids=ids)
    for group, totals in deals.items():
        if group.rep_id in ids:
            counts.setdefault(group.rep_id, {}).update(won=totals.won, closed=totals.won + totals.lost)
    return counts


def rates_of(counts: dict[str, int]) -> dict[str, Decimal | None]:
    return {
        label: kpis.conversion_rate(counts.get(later, 0), counts.get(earlier, 0)) for label, later, earlier in STAGES
    }


def median_of(values: list[Decimal | None]) -> Decimal | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def weakest_stage(rates: dict[str, Decimal | None], medians: dict[str, Decimal | None]) -> str | None:
    """The stage with the lowest ratio to the median, if it is below it (a rep at or above the median everywhere
    has no weakest stage to flag)."""
    ratios = {
        label: rate / median
        for label, rate in rates.items()
        if rate is not None and (median := medians.get(label)) is not None and median > 0
    }
    if not ratios:
        return None
    label, ratio = min(ratios.items(), key=lambda item: item[1])
    return label if ratio < 1 else None


def _visible(asker: RepContext, ids: list[int], rep_id: int | None, team_id: int | None, managed: set[int]) -> set[int]:
    if rep_id is not None:
        return {rep_id}
    if asker.role is Role.ADMIN or (team_id is not None and team_id in managed):
        return set(ids)
    return {asker.rep_id}

"""The set-based reads behind KPI reports: one GROUP BY over deals, one over subscriptions.

Sums are computed in SQL; the rates are computed from them by `metrics.kpis`, so every number a report shows has
one definition. Money on SQLite is stored as floating point (SQLite has no decimal type); SQLAlchemy rounds it
back to the column's two places, which is exact at any realistic size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    union,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import Subquery

from metrics.deal_records import DealTotals, GroupBy
from metrics.models import Deal, Rep, Subscription, Team
from metrics.periods import Period

NO_TEAM = "(no team)"


@dataclass(frozen=True, slots=True)
class Group:
    """A report group: its label and, for a rep, the rep's id."""

    label: str
    rep_id: int | None = None


def deal_totals(
    session: Session,
    workspace_id: int,
    period: Period,
    group_by: GroupBy | None,
    as_of: date,
    *,
    owner_rep_id: int | None = None,
    team_id: int | None = None,
    rep_ids: Collection[int] | None = None,
) -> dict[Group, DealTotals]:
    """Deal sums per group (None: one group for everyone), for deals closed in `period` and open at its end.

    ARR counts recurring won deals whose contract is running on `as_of`. `owner_rep_id`, `team_id` or `rep_ids`
    keep only one rep's, one team's or those reps' deals. Only groups with a deal in the period, open at its end
    or under a running contract are returned; a missing group's sums are all zero (`DealTotals()`).
    """
    scope = _scope(owner_rep_id, team_id, rep_ids)
    key = _group_columns(group_by)
    deal = aliased(Deal, _counted(workspace_id, min(period.start, period.end), scope))
    aggregates = _Conditions(period, session.get_bind().dialect.name, deal).aggregates()
    query = (
        select(*key, *aggregates)
        .select_from(deal)
        .join(Rep, Rep.id == deal.owner_rep_id)
        .outerjoin(Team, Team.id == Rep.team_id)
        .group_by(*key)
    )
    totals = {_group(group_by, row[: len(key)]): _totals(row[len(key) :]) for row in session.execute(query)}
    arr = _deal_arr(session, workspace_id, group_by, as_of, scope)
    # A group may have nothing in the window but a contract closed years ago and still running.
    zero = _totals([None] * len(aggregates))
    groups = [*totals, *(group for group in arr if group not in totals)]
    return {group: _with_arr(totals.get(group, zero), arr.get(group)) for group in groups}


def subscription_figures(session: Session, workspace_id: int, period: Period, as_of: date) -> tuple[int, int, Decimal]:
    """Customers active at the period's start, how many of them churned in it, and subscription ARR on `as_of`.

    A customer is an account with a subscription running; it churned if a subscription of its churned within
    the period and none is running at the period's end.
    """
    subscription = aliased(Subscription)
    at_start = _running(Subscription, period.start, before=True)
    started = select(Subscription.account_id).where(Subscription.workspace_id == workspace_id, at_start).distinct()
    churned_in_period = exists().where(
        subscription.workspace_id == workspace_id,
        subscription.account_id == Subscription.account_id,
        subscription.churned.is_(True),
        subscription.churned_on >= period.start,
        subscription.churned_on < period.end,
    )
    running_at_end = exists().where(
        subscription.workspace_id == workspace_id,
        subscription.account_id == Subscription.account_id,
        _running(subscription, period.end, before=True),
    )
    customers = session.scalar(select(func.count()).select_from(started.subquery())) or 0
    churned = session.scalar(
        select(func.count(func.distinct(Subscription.account_id))).where(
            Subscription.workspace_id == workspace_id, at_start, churned_in_period, ~running_at_end
        )
    )
    arr = session.scalar(
        select(func.sum(func.coalesce(Subscription.arr, Subscription.mrr * 12))).where(
            Subscription.workspace_id == workspace_id, _running(Subscription, as_of, before=False)
        )
    )
    return int(customers), int(churned or 0), Decimal(arr or 0).quantize(Decimal("0.01"))


# What the sums read of a deal (with its id, so that the union keeps two equal deals apart).
_COUNTED = (
    Deal.id,
    Deal.owner_rep_id,
    Deal.account_id,
    Deal.amount,
    Deal.cost,
    Deal.stage,
    Deal.created_on,
    Deal.closed_on,
)


def _counted(workspace_id: int, since: date, scope: list[ColumnElement[bool]]) -> Subquery:
    """The deals the sums can count: open, or closed on or after `since` (the period's start).

    Exact, not a heuristic: won and lost need a close in the period; open needs stage open or a close at or
    after the period's end. Reading only these keeps a month's screen from reading every deal of the last ten
    years (bench part 2). Two branches rather than an OR, so each is one index range per rep on either backend,
    with or without planner statistics (SQLite without them reads an OR by rep alone).
    """
    alive = (Deal.workspace_id == workspace_id, Deal.active.is_(True), *scope)
    closed = select(*_COUNTED).where(*alive, Deal.closed_on >= since)
    still_open = select(*_COUNTED).where(*alive, Deal.stage == "open")
    return union(closed, still_open).subquery()  # union, not union all: an open deal may have a close date


class _Conditions:
    def __init__(self, period: Period, dialect: str, deal: type[Deal]) -> None:
        """Conditions on `deal`: the model, or an alias of it over a subquery."""
        in_period = and_(deal.closed_on >= period.start, deal.closed_on < period.end)
        self.won = and_(deal.stage == "won", in_period)
        self.lost = and_(deal.stage == "lost", in_period)
        self.open = and_(
            or_(deal.created_on.is_(None), deal.created_on < period.end),
            or_(deal.stage == "open", deal.closed_on >= period.end),
        )
        self.costed = and_(self.won, deal.cost.is_not(None))
        self.deal = deal
        self.dialect = dialect

    def aggregates(self) -> list[ColumnElement[Any]]:
        amount = func.coalesce(self.deal.amount, 0)
        cycle = self._cycle_days()
        timed = self.deal.created_on.is_not(None)
        return [
            self._count(self.won),
            self._count(self.lost),
            self._count(self.open),
            func.sum(case((self.won, amount), else_=0)),
            func.sum(case((self.lost, amount), else_=0)),
            func.sum(case((self.costed, amount), else_=0)),
            func.sum(case((self.costed, self.deal.cost), else_=0)),
            self._count(self.costed),
            func.sum(case((and_(or_(self.won, self.lost), timed), cycle), else_=0)),
            self._count(and_(or_(self.won, self.lost), timed)),
            func.sum(case((and_(self.won, timed), cycle), else_=0)),
            self._count(and_(self.won, timed)),
            func.count(func.distinct(case((self.won, self.deal.account_id)))),
        ]

    def _count(self, condition: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.sum(case((condition, 1), else_=0))

    def _cycle_days(self) -> ColumnElement[Any]:
        if self.dialect == "sqlite":
            return cast(func.julianday(self.deal.closed_on) - func.julianday(self.deal.created_on), Integer)
        return self.deal.closed_on - self.deal.created_on  # PostgreSQL: date − date is a whole number of days


def _group_columns(group_by: GroupBy | None) -> list[Any]:
    if group_by is GroupBy.REP:
        return [Rep.id, Rep.display_name]
    if group_by is GroupBy.TEAM:
        return [func.coalesce(Team.name, NO_TEAM)]
    return [literal("everyone")]


def _group(group_by: GroupBy | None, values: Any) -> Group:
    if group_by is GroupBy.REP:
        return Group(label=str(values[1]), rep_id=int(values[0]))
    return Group(label=str(values[0]))


def _totals(values: Any) -> DealTotals:
    numbers = [0 if value is None else value for value in values]
    return DealTotals(
        won=int(numbers[0]),
        lost=int(numbers[1]),
        open=int(numbers[2]),
        won_revenue=_money(numbers[3]),
        lost_value=_money(numbers[4]),
        costed_revenue=_money(numbers[5]),
        costed_cost=_money(numbers[6]),
        costed_deals=int(numbers[7]),
        cycle_days_closed=int(numbers[8]),
        cycles_closed=int(numbers[9]),
        cycle_days_won=int(numbers[10]),
        cycles_won=int(numbers[11]),
        accounts_with_won_deals=int(numbers[12]),
    )


def _scope(owner_rep_id: int | None, team_id: int | None, rep_ids: Collection[int] | None) -> list[ColumnElement[bool]]:
    """Conditions on the deal's owner alone, so that each narrows an index range by rep (a team's board or card
    reads its reps' deals, not those of a company of thousands: bench part 2)."""
    scope = []
    if owner_rep_id is not None:
        scope.append(Deal.owner_rep_id == owner_rep_id)
    if team_id is not None:
        scope.append(Deal.owner_rep_id.in_(select(Rep.id).where(Rep.team_id == team_id)))
    if rep_ids is not None:
        scope.append(Deal.owner_rep_id.in_(rep_ids))
    return scope


def _deal_arr(
    session: Session, workspace_id: int, group_by: GroupBy | None, as_of: date, scope: list[ColumnElement[bool]]
) -> dict[Group, Decimal]:
    """ARR of running recurring contracts per group: amounts summed per contract length in SQL, then
    amount × 12 ÷ months exactly in Decimal (SQLite would divide integers)."""
    key = _group_columns(group_by)
    # Found by the contract's end (after `as_of`), so only contracts still running are read, never every deal
    # closed before `as_of`; "signed by `as_of`" is checked in the sums (as a WHERE term it would tempt SQLite,
    # without statistics, into reading every deal closed before `as_of`).
    running = and_(
        Deal.recurring.is_(True), Deal.stage == "won", Deal.contract_months > 0, Deal.contract_ends_on > as_of
    )
    signed = Deal.closed_on <= as_of
    rows = session.execute(
        select(*key, Deal.contract_months, func.sum(case((signed, Deal.amount))))
        .select_from(Deal)
        .join(Rep, Rep.id == Deal.owner_rep_id)
        .outerjoin(Team, Team.id == Rep.team_id)
        .where(Deal.workspace_id == workspace_id, Deal.active.is_(True), running, *scope)
        .group_by(*key, Deal.contract_months)
        .having(func.sum(case((signed, 1), else_=0)) > 0)
    )
    arr: dict[Group, Decimal] = defaultdict(Decimal)
    for row in rows:
        months, amount = row[len(key)], row[len(key) + 1]
        arr[_group(group_by, row[: len(key)])] += _money(amount) * 12 / int(months)
    return arr


def _with_arr(totals: DealTotals, arr: Decimal | None) -> DealTotals:
    fields = {name: getattr(totals, name) for name in DealTotals.__slots__}
    return DealTotals(**(fields | {"arr": arr}))


def _running(model: Any, day: date, *, before: bool) -> ColumnElement[bool]:
    """Running on `day` (before=False), or already running just before `day` starts (before=True)."""
    started = model.starts_on < day if before else model.starts_on <= day
    return and_(started, or_(model.ends_on.is_(None), model.ends_on > day if not before else model.ends_on >= day))


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))

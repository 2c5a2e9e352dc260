"""Frozen records for deals: what a rep asks, what the services answer. Standard library only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Stage(StrEnum):
    """Where a deal stands."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"


class DealAction(StrEnum):
    """What a rep can do to a deal from chat."""

    OPEN = "opp"
    WON = "won"
    LOST = "lost"


@dataclass(frozen=True, slots=True)
class DealSummary:
    """A deal as a rep sees it."""

    deal_id: int
    account: str | None
    stage: Stage
    amount: Decimal | None
    cost: Decimal | None
    created_on: date | None
    closed_on: date | None
    active: bool = True

    @property
    def cycle_days(self) -> int | None:
        """Whole days from creation to close, where both are known."""
        if self.created_on is None or self.closed_on is None:
            return None
        return (self.closed_on - self.created_on).days


@dataclass(frozen=True, slots=True)
class DealRequest:
    """`/log won Acme $12,000 cost 4k yesterday`, read: the action, the account, money and the day."""

    action: DealAction
    account: str
    day: date
    amount: Decimal | None = None
    cost: Decimal | None = None


@dataclass(frozen=True, slots=True)
class DealReceipt:
    """The result of a deal log: the deal after it, whether the log created it, and the batch to undo."""

    batch_id: str
    action: DealAction
    deal: DealSummary
    created: bool
    duplicate: bool = False


class GroupBy(StrEnum):
    """How a KPI report splits its rows."""

    REP = "rep"
    TEAM = "team"
    WORKSPACE = "workspace"


@dataclass(frozen=True, slots=True)
class DealTotals:
    """The raw sums a KPI row is computed from: deals closed in the period, and deals open at its end."""

    won: int = 0
    lost: int = 0
    open: int = 0
    won_revenue: Decimal = Decimal(0)
    lost_value: Decimal = Decimal(0)
    costed_revenue: Decimal = Decimal(0)  # revenue of the won deals whose cost is known
    costed_cost: Decimal = Decimal(0)
    costed_deals: int = 0
    cycle_days_closed: int = 0
    cycles_closed: int = 0
    cycle_days_won: int = 0
    cycles_won: int = 0
    accounts_with_won_deals: int = 0
    arr: Decimal | None = None  # None: no recurring contract running (no data), not $0


@dataclass(frozen=True, slots=True)
class KpiRow:
    """One line of a KPI report: the eight KPIs (and their companions) for a rep, a team or everyone."""

    label: str
    won: int
    lost: int
    open: int
    won_revenue: Decimal
    win_rate: Decimal | None
    value_win_rate: Decimal | None
    avg_deal_size: Decimal | None
    sales_cycle_days: Decimal | None
    sales_cycle_days_won: Decimal | None
    accounts_with_won_deals: int
    arpa: Decimal | None
    profit_margin: Decimal | None
    avg_profit_per_deal: Decimal | None
    arr: Decimal | None
    churn_rate: Decimal | None = None
    subscription_arr: Decimal | None = None


@dataclass(frozen=True, slots=True)
class KpiReport:
    """A KPI report over one period: a row per group and the totals over everyone."""

    period_start: date
    period_end: date
    period_label: str
    group_by: GroupBy
    rows: tuple[KpiRow, ...]
    totals: KpiRow


class Audience(StrEnum):
    """Whose KPIs a card shows."""

    ME = "me"
    REP = "rep"
    TEAM = "team"
    EVERYONE = "everyone"


@dataclass(frozen=True, slots=True)
class KpiCard:
    """The eight KPIs for one rep, team or the whole workspace, over one period."""

    title: str
    audience: Audience
    period_label: str
    row: KpiRow
    note: str = ""

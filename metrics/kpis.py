"""Pure KPI functions, with the names and meanings fixed by METRICS.md.

Standard library only and no clock. Money and ratios are `Decimal` (pass ints or Decimals; floats are refused so
no binary rounding sneaks into money). A rate whose denominator is zero is `None` ("no data"), never 0 and never
an exception. Rates are fractions (0.25), not percents.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from metrics.periods import add_months

Number = int | Decimal

STAGES = ("deals", "opportunities", "meetings", "conversations", "dials")


@dataclass(frozen=True, slots=True)
class Contract:
    """A recurring contract, for portfolio ARR: total value, length, start, and any one-time fees inside it."""

    value: Decimal
    months: int
    starts_on: date
    one_time_fees: Decimal = Decimal(0)
    ends_on: date | None = None  # defaults to starts_on + months; set it for a contract ended early (churned)


@dataclass(frozen=True, slots=True)
class ScoreComponent:
    """One metric's part in an activity score."""

    actual: Number
    target: Number
    weight: Number = 1


@dataclass(frozen=True, slots=True)
class StageRates:
    """Conversion rates between funnel stages, each later ÷ earlier (None where there is no data)."""

    meetings_to_opportunities: Decimal | None = None
    conversations_to_meetings: Decimal | None = None
    dials_to_conversations: Decimal | None = None


@dataclass(frozen=True, slots=True)
class BackwardPlan:
    """What a revenue target needs at each stage, rounded up at every step.

    `totals` maps each stage of STAGES to the count needed (None from the first stage whose rate has no data);
    `per_rep_per_day` gives the same per rep per remaining working day, where reps and days were given.
    """

    revenue_remaining: Decimal
    totals: Mapping[str, int | None]
    per_rep_per_day: Mapping[str, int | None]


def _decimal(value: Number) -> Decimal:
    if isinstance(value, float):
        raise TypeError("KPI functions take int or Decimal, not float")
    return Decimal(value)


def _ratio(numerator: Number, denominator: Number) -> Decimal | None:
    denominator = _decimal(denominator)
    return None if denominator == 0 else _decimal(numerator) / denominator


def arr(contract_value: Number, contract_months: int, one_time_fees: Number = 0) -> Decimal | None:
    """Annual recurring revenue of one contract.

    The recurring part of the contract (its total value less one-time fees) divided by its length in years —
    Zuora's TCV ÷ years. A contract shorter than 12 months counts as MRR × 12, which is the same arithmetic.

    Args:
        contract_value: the total contract value, one-time fees included.
        contract_months: the contract's length in months.
        one_time_fees: set-up, training and other one-off fees inside `contract_value` (excluded from ARR).

    Returns:
        The ARR, or None for a contract with no length.

    Example:
        >>> arr(46_000, 36, one_time_fees=10_000)  # 3 years, $36,000 recurring + $10,000 of services
        Decimal('12000')
    """
    if contract_months <= 0:
        return None
    return (_decimal(contract_value) - _decimal(one_time_fees)) * 12 / contract_months


def portfolio_arr(contracts: Iterable[Contract], as_of: date) -> Decimal:
    """The summed ARR of the contracts active on `as_of` (started, and not yet ended).

    A contract is active from `starts_on` (inclusive) to its end (exclusive): `ends_on` if given, else
    `starts_on` plus `months` calendar months.
    """
    total = Decimal(0)
    for contract in contracts:
        end = contract.ends_on or add_months(contract.starts_on, contract.months)
        value = arr(contract.value, contract.months, contract.one_time_fees)
        if contract.starts_on <= as_of < end and value is not None:
            total += value
    return total


def arpa(total_revenue: Number, accounts_with_deals: int) -> Decimal | None:
    """Average revenue per account: won revenue in the period ÷ distinct accounts with a won deal in it."""
    return _ratio(total_revenue, accounts_with_deals)


def average_deal_size(total_won_value: Number, won_count: int) -> Decimal | None:
    """Total value of the won deals closed in the period ÷ how many there were (lost deals never enter)."""
    return _ratio(total_won_value, won_count)


def average_profit_per_deal(revenue: Number, cost: Number, deals: int) -> Decimal | None:
    """The article's "average profit margin": (total revenue − total fulfilment cost) ÷ number of deals."""
    return _ratio(_decimal(revenue) - _decimal(cost), deals)


def profit_margin(revenue: Number, cost: Number) -> Decimal | None:
    """Margin as a fraction of revenue: (revenue − cost) ÷ revenue."""
    return _ratio(_decimal(revenue) - _decimal(cost), revenue)


def churn_rate(churned: int, customers_at_start: int) -> Decimal | None:
    """Customers who churned during the period ÷ customers active at its start (not ÷ customers acquired)."""
    return _ratio(churned, customers_at_start)


def net_revenue_churn(
    start_mrr: Number, churned_mrr: Number, contraction_mrr: Number, expansion_mrr: Number
) -> Decimal | None:
    """(churned + contraction − expansion MRR) ÷ MRR at the start; below zero is the article's negative churn."""
    lost = _decimal(churned_mrr) + _decimal(contraction_mrr) - _decimal(expansion_mrr)
    return _ratio(lost, start_mrr)


def attainment(actual: Number, target: Number) -> Decimal | None:
    """Quota attainment: achieved ÷ target, for any metric with a target. Not capped (125 % is 1.25).

    Example:
        >>> attainment(45, 50)
        Decimal('0.9')
    """
    if _decimal(target) <= 0:
        return None
    return _decimal(actual) / _decimal(target)


def win_rate(won: int, lost: int) -> Decimal | None:
    """Won ÷ (won + lost), over deals closed in the period; open deals never enter."""
    return _ratio(won, won + lost)


def value_win_rate(won_value: Number, lost_value: Number) -> Decimal | None:
    """Won value ÷ (won + lost value), the value-weighted win rate."""
    return _ratio(won_value, _decimal(won_value) + _decimal(lost_value))


def sales_cycle_days(
    durations_in_days: Iterable[int] = (), *, total_days: int | None = None, deals: int | None = None
) -> Decimal | None:
    """The mean of whole days from creation to close, over whichever deals the caller passes.

    Reports pass closed deals (won and lost, as the article writes it) and, beside it, won deals only. Give
    either the durations, or their sum and count already added up (`total_days`, `deals`) by a database.
    """
    if total_days is not None or deals is not None:
        return _ratio(total_days or 0, deals or 0)
    durations = list(durations_in_days)
    return _ratio(sum(durations), len(durations))


def conversion_rate(later: int, earlier: int) -> Decimal | None:
    """Count at the later stage ÷ count at the earlier stage, over the same window (e.g. meetings ÷ conversations)."""
    return _ratio(later, earlier)


def expected_by_now(target: Number, elapsed_fraction: Number) -> Decimal:
    """Where a rep should be by now: target × the fraction of the period's working time that has passed."""
    return _decimal(target) * _decimal(elapsed_fraction)


def projection(actual: Number, elapsed_fraction: Number) -> Decimal | None:
    """The run-rate projection to the period's end: actual ÷ elapsed fraction (None before any time passed)."""
    return _ratio(actual, elapsed_fraction)


def activity_score(components: Iterable[ScoreComponent], cap: Number = Decimal("1.5")) -> Decimal | None:
    """Σ weight × min(actual ÷ target, cap) ÷ Σ weight × 100, over components with a positive target.

    The cap (default 1.5) keeps one metric from carrying the whole card. None when no component has a target.
    """
    weighted = Decimal(0)
    weights = Decimal(0)
    for component in components:
        share = attainment(component.actual, component.target)
        if share is None:
            continue
        weight = _decimal(component.weight)
        weighted += weight * min(share, _decimal(cap))
        weights += weight
    ratio = _ratio(weighted, weights)
    return None if ratio is None else ratio * 100


def activity_points(quantities: Mapping[str, int], weights: Mapping[str, Decimal]) -> Decimal:
    """Σ quantity × points per unit over the metrics given; metrics without a weight score nothing.

    Quantities are net (an undo's reversal is negative), so undoing a log takes its points away again.

    Example:
        >>> activity_points({"dials": 12, "meetings": 3}, {"dials": Decimal(1), "meetings": Decimal(10)})
        Decimal('42')
    """
    return sum((Decimal(q) * weights.get(key, Decimal(0)) for key, q in quantities.items()), Decimal(0))


def streak(days_met: Iterable[date], working_days: Sequence[date]) -> int:
    """Consecutive working days, counted back from the last of `working_days`, on which the target was met.

    `working_days` are the rep's working days in order (their calendar already removed weekends, holidays and
    PTO), so days off neither break nor extend a streak. Pass them up to the last *finished* working day if today
    should not count while it is still in progress.
    """
    met = set(days_met)
    count = 0
    for day in reversed(working_days):
        if day not in met:
            break
        count += 1
    return count


def backward_plan(
    revenue_target: Number,
    average_deal_size: Number,
    win_rate: Number | None,
    stage_rates: StageRates,
    *,
    revenue_won: Number = 0,
    reps: int | None = None,
    working_days_left: int | None = None,
) -> BackwardPlan:
    """Work back from a revenue target to the deals, opportunities, meetings, conversations and dials it needs.

    Each step divides by its rate and rounds up (ceil), so the plan never under-delivers: deals = ⌈remaining ÷
    average deal⌉, opportunities = ⌈deals ÷ win rate⌉, meetings = ⌈opportunities ÷ (opportunities ÷ meetings)⌉,
    and so on. From the first stage whose rate is missing or zero, the plan says None (no data). Per rep per
    remaining working day, each total is divided and rounded up again.

    Raises:
        ValueError: a non-positive average deal size (there is no plan without one).

    Example:
        >>> plan = backward_plan(5_000_000, 100_000, Decimal("0.25"), StageRates())
        >>> plan.totals["deals"], plan.totals["opportunities"], plan.totals["meetings"]
        (50, 200, None)
    """
    if _decimal(average_deal_size) <= 0:
        raise ValueError("a backward plan needs a positive average deal size")
    remaining = max(_decimal(revenue_target) - _decimal(revenue_won), Decimal(0))
    rates = (
        win_rate,
        stage_rates.meetings_to_opportunities,
        stage_rates.conversations_to_meetings,
        stage_rates.dials_to_conversations,
    )
    totals: dict[str, int | None] = {"deals": _ceil_ratio(remaining, _decimal(average_deal_size))}
    for stage, previous, rate in zip(STAGES[1:], STAGES[:-1], rates, strict=True):
        before = totals[previous]
        no_data = before is None or rate is None or _decimal(rate) <= 0
        totals[stage] = None if no_data else _ceil_ratio(Decimal(before or 0), _decimal(rate or 0))
    per_day = {stage: _per_rep_per_day(total, reps, working_days_left) for stage, total in totals.items()}
    return BackwardPlan(revenue_remaining=remaining, totals=totals, per_rep_per_day=per_day)


def _per_rep_per_day(total: int | None, reps: int | None, days: int | None) -> int | None:
    if total is None or not reps or not days or reps <= 0 or days <= 0:
        return None
    return _ceil_ratio(Decimal(total), Decimal(reps * days))


def _ceil_ratio(numerator: Decimal, denominator: Decimal) -> int:
    # Exact rational arithmetic: a Decimal quotient is rounded to 28 digits, and a quotient that lands a hair
    # above a whole number could round onto it and lose the ceiling's +1 (a plan one short). A rate measured
    # from history arrives already rounded (2/15 as 0.1333…3), so it is taken back to the nearest fraction
    # with a denominator under 10¹² — exactly 2/15 again, since any other such fraction is ≥ 10⁻¹³ away —
    # or 416 ÷ 0.1333…3 would land a hair above 3,120 and ask for 3,121 meetings.
    return math.ceil(Fraction(numerator) / Fraction(denominator).limit_denominator(10**12))

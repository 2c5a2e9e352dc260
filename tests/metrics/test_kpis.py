"""Every KPI function of METRICS.md against published worked examples, plus properties.

Each example cites where its numbers were published. Where a source defines a KPI differently from METRICS.md,
the example is listed under REJECTED below with the reason, and is not used as an expected value.
"""

from __future__ import annotations

import doctest
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics import kpis
from metrics.kpis import (
    Contract,
    ScoreComponent,
    StageRates,
    activity_points,
    activity_score,
    arpa,
    arr,
    attainment,
    average_deal_size,
    average_profit_per_deal,
    backward_plan,
    churn_rate,
    conversion_rate,
    expected_by_now,
    net_revenue_churn,
    portfolio_arr,
    profit_margin,
    projection,
    sales_cycle_days,
    streak,
    value_win_rate,
    win_rate,
)

D = Decimal
ARTICLE_WEIGHTS = {
    "dials": D(1),
    "emails": D(1),
    "conversations": D(3),
    "positive_conversations": D(5),
    "meetings": D(10),
    "opportunities": D(15),
}

# (call, expected, source)
PUBLISHED = [
    # ARR: recurring contract value ÷ years; one-time fees excluded; sub-annual = MRR × 12.
    (
        lambda: arr(46_000, 36, one_time_fees=10_000),
        D(12_000),
        "SaaSOptics SaaSpedia, ARR: 3-year $36,000 subscription plus $10,000 training → $12,000",
    ),
    (lambda: arr(15_000, 15), D(12_000), "SaaSOptics SaaSpedia, ARR: 15-month $15,000 agreement → $12,000"),
    (lambda: arr(4_000, 48), D(1_000), "Zuora, ARR billing topic: 4-year $4,000 contract → $1,000 a year"),
    (
        lambda: arr(4_700, 48, one_time_fees=700),
        D(1_000),
        "WalkMe SaaS Addict: 4-year $4,000 plus $700 one-time support → $1,000 a year",
    ),
    (lambda: arr(1_000, 32), D(375), "Simplicable, 5 examples of ARR: 32-month $1,000 contract → $375"),
    (lambda: arr(25, 1), D(300), "ChartMogul help, ARR: 5 subscribers × $5 a month → $300"),
    (lambda: arr(480, 24), D(240), "CoSchedule glossary: $20/month on a 2-year contract ($480) → $240 a year"),
    # ARPA (ChartMogul's numerator is MRR, not won revenue; the division is the same).
    (lambda: arpa(15, 5), D(3), "ChartMogul help, ARPA: $15 ÷ 5 customers → $3"),
    (lambda: arpa(1_500, 5), D(300), "ChartMogul help, ARPA chart: $1,500 ÷ 5 customers → $300"),
    (lambda: arpa(100_000, 1_000), D(100), "Klipfolio, ARPA: $100,000 ÷ 1,000 accounts → $100"),
    # Average deal size.
    (lambda: average_deal_size(250_000, 10), D(25_000), "Petavue glossary: 10 won deals worth $250,000 → $25,000"),
    (lambda: average_deal_size(750_000, 25), D(30_000), "FirstSales glossary: 25 deals, $750,000 → $30,000"),
    (
        lambda: average_deal_size(6_000 + 5_500 + 3_000 + 2_500 + 4_500, 5),
        D(4_300),
        "Shno.co: deals of $6,000, $5,500, $3,000, $2,500 and $4,500 → $4,300",
    ),
    # Profit.
    (lambda: profit_margin(100_000, 70_000), D("0.3"), "Finanshels glossary: $100,000 revenue, $70,000 COGS → 30 %"),
    (
        lambda: profit_margin(20_000_000, 12_500_000),
        D("0.375"),
        "Oracle NetSuite help, gross margin: $20M revenue, $12.5M COGS (the page prints 27.5 %; 100 − 62.5 is 37.5)",
    ),
    (
        lambda: average_profit_per_deal(5_000, 3_000, 1_000),
        D(2),
        "SmartCapitalMind, average profit: 1,000 units at $5 costing $3 each → $2 each",
    ),
    # Churn: churned ÷ customers at the start.
    (lambda: churn_rate(50, 1_000), D("0.05"), "HubSpot-style guide (ConsultEvo): 50 lost of 1,000 at start → 5 %"),
    (lambda: churn_rate(10, 250), D("0.04"), "10 lost of 250 at the start of the month → 4 %"),
    (lambda: churn_rate(2, 10), D("0.2"), "Treehouse, MRR churn example: 2 of 10 customers → 20 %"),
    (
        lambda: net_revenue_churn(100, 10, 10, 10),
        D("0.1"),
        "ChartMogul help, net MRR churn: $100 start, $10 churn, $10 contraction, $10 expansion → 10 %",
    ),
    (
        lambda: net_revenue_churn(200_000, 10_000, 3_000, 15_000),
        D("-0.01"),
        "The Prime Calculator, net MRR churn: negative churn of −1 %",
    ),
    # Quota attainment, uncapped.
    (lambda: attainment(235_000, 250_000), D("0.94"), "Brainshark: $235,000 booked on a $250,000 quota → 94 %"),
    (lambda: attainment(312_500, 250_000), D("1.25"), "Prowi glossary: $312,500 on $250,000 → 125 %"),
    (lambda: attainment(450_000, 500_000), D("0.9"), "Salesforce Dictionary, % quota: $450K of $500K → 90 %"),
    # Win rate over closed deals.
    (lambda: win_rate(20, 30), D("0.4"), "Pipeline CRM help, win ratio: 20 won, 30 lost → 40 %"),
    (lambda: win_rate(3, 7), D("0.3"), "Varicent Lift, close rate: 3 won, 7 lost → 30 %"),
    (lambda: win_rate(45, 135), D("0.25"), "Context Aware Analytics: 45 won, 135 lost (80 open excluded) → 25 %"),
    (lambda: win_rate(28, 52), D("0.35"), "Futureproof, win rate of closed: 28 ÷ (28 + 52) → 35 %"),
    (
        lambda: value_win_rate(30_000, 70_000),
        D("0.3"),
        "Altify blog: won $20,000 + $10,000, lost $40,000 + $30,000 → value win rate 30 %",
    ),
    (lambda: win_rate(2, 2), D("0.5"), "Altify blog: the same four deals by count → 50 %"),
    # Sales cycle (closed deals; won-only beside it).
    (
        lambda: sales_cycle_days(
            [
                (date(2025, 2, 15) - date(2025, 1, 1)).days,
                (date(2025, 3, 5) - date(2025, 1, 10)).days,
                (date(2025, 2, 28) - date(2025, 1, 20)).days,
            ]
        ),
        D(46),
        "Daymark, sales cycle length: Jan 1→Feb 15, Jan 10→Mar 5, Jan 20→Feb 28 → 46 days",
    ),
    (lambda: sales_cycle_days([20, 40, 60]), D(40), "RevOps Dictionary: won deals of 20, 40 and 60 days → 40"),
    # Funnel conversion.
    (lambda: conversion_rate(15, 50), D("0.3"), "Vozah glossary: 50 meetings → 15 opportunities = 30 %"),
    (lambda: conversion_rate(150, 400), D("0.375"), "CalculatorLib: 400 qualified → 150 opportunities = 37.5 %"),
    # Pace.
    (
        lambda: projection(30_000, D(15) / D(30)),
        D(60_000),
        "Tableau forum: $30,000 by the 15th of a 30-day month → $60,000",
    ),
    (
        lambda: projection(6_000, D(10) / D("30.5")),
        D(18_300),
        "Calculator Academy, projected sales: $6,000 in 10 of 30.5 days → $18,300",
    ),
]

# Published definitions METRICS.md rejects, and why; none of their numbers is used above.
REJECTED = [
    (
        "win rate over all opportunities: Salesforce's WON:SUM / RowCount, PhoneBurner's ÷ leads",
        "METRICS.md: won ÷ (won + lost), open deals excluded",
    ),
    (
        "churn with new customers in the denominator: Angel Investing School, sundancelimited.com",
        "METRICS.md: ÷ customers active at the start of the period",
    ),
    ("SaaSOptics: a month-to-month customer has ARR $0", "METRICS.md: sub-annual terms count as MRR × 12"),
    ("The Sales Blog: 40 deals at a 30 % win rate need 120 opportunities", "40 ÷ 0.3 = 133.3, so 134 (ceil)"),
]


@pytest.mark.parametrize(("call", "expected", "source"), PUBLISHED, ids=[source[:60] for *_, source in PUBLISHED])
def test_published_worked_examples(call: object, expected: Decimal, source: str) -> None:
    assert callable(call)
    result = call()
    assert result is not None
    assert round(result, 10) == expected, source


def test_the_articles_own_backward_plan() -> None:
    plan = backward_plan(5_000_000, 100_000, D("0.25"), StageRates())
    assert (plan.totals["deals"], plan.totals["opportunities"]) == (50, 200)
    assert plan.totals["meetings"] is None  # no meeting rate given: no data, not zero


def test_backward_plan_rounds_up_at_every_step() -> None:
    # MySalesProcess, "Sales Math: Reverse Engineering Your Funnel": 14 deals at 40 % → 35 proposals, at 50 % →
    # 70 second meetings, at 35 % → 200 first meetings, at 10 % → 2,000 calls (their stages, mapped onto ours).
    rates = StageRates(D("0.5"), D("0.35"), D("0.1"))
    plan = backward_plan(14 * 10_000, 10_000, D("0.4"), rates, reps=4, working_days_left=20)
    assert dict(plan.totals) == {"deals": 14, "opportunities": 35, "meetings": 70, "conversations": 200, "dials": 2000}
    assert dict(plan.per_rep_per_day) == {
        "deals": 1,
        "opportunities": 1,
        "meetings": 1,
        "conversations": 3,
        "dials": 25,
    }
    # The Sales Blog's 40 deals at 30 %: ceil gives 134, never the published 120.
    assert backward_plan(4_000_000, 100_000, D("0.3"), StageRates()).totals["opportunities"] == 134


def test_backward_plan_counts_what_is_already_won_and_needs_a_deal_size() -> None:
    plan = backward_plan(1_000_000, 20_000, D("0.25"), StageRates(), revenue_won=1_200_000)
    assert plan.revenue_remaining == 0 and plan.totals["deals"] == 0 and plan.totals["opportunities"] == 0
    with pytest.raises(ValueError):
        backward_plan(1_000_000, 0, D("0.25"), StageRates())
    assert backward_plan(1_000_000, 20_000, D(0), StageRates()).totals["opportunities"] is None


def test_portfolio_arr_counts_contracts_active_on_the_day() -> None:
    contracts = [
        Contract(D(36_000), 36, date(2025, 1, 1)),  # $12,000 a year until 2028-01-01
        Contract(D(1_200), 12, date(2026, 1, 15)),  # $1,200 until 2027-01-15
        Contract(D(6_000), 12, date(2026, 3, 1), ends_on=date(2026, 6, 1)),  # churned early
        Contract(D(5_000), 12, date(2027, 1, 1)),  # not started yet
    ]
    assert portfolio_arr(contracts, date(2026, 5, 31)) == D(12_000 + 1_200 + 6_000)
    assert portfolio_arr(contracts, date(2026, 6, 1)) == D(13_200)
    assert portfolio_arr(contracts, date(2027, 1, 15)) == D(12_000 + 5_000)
    assert portfolio_arr([], date(2026, 1, 1)) == 0


def test_pace_against_a_target() -> None:
    # KPI Frontier, pacing: $320,000 of $500,000 after 20 of 30 days is 64 % of goal against 66.7 % of time.
    elapsed = D(20) / D(30)
    assert round(expected_by_now(500_000, elapsed), 2) == D("333333.33")
    assert round(projection(320_000, elapsed) or 0, 6) == D(480_000)
    assert round((attainment(320_000, 500_000) or 0) / elapsed, 3) == D("0.96")


def test_activity_score_caps_each_metric_and_weights_them() -> None:
    score = activity_score(
        [ScoreComponent(60, 40, weight=1), ScoreComponent(45, 50, weight=1), ScoreComponent(0, 5, weight=2)]
    )
    # dials 150 % (capped at 1.5), emails 90 %, meetings 0 % at double weight: (1.5 + 0.9 + 0) ÷ 4 × 100
    assert score == D(60)
    assert activity_score([ScoreComponent(500, 10)]) == D(150)
    assert activity_score([ScoreComponent(500, 10)], cap=1) == D(100)
    assert activity_score([ScoreComponent(5, 0)]) is None and activity_score([]) is None


def test_activity_points_use_the_articles_weights() -> None:
    logged = {"dials": 12, "conversations": 4, "meetings": 3, "opportunities": 1, "talk_minutes": 45}
    assert activity_points(logged, ARTICLE_WEIGHTS) == D(12 + 12 + 30 + 15)


def test_streak_counts_working_days_only() -> None:
    working = [date(2026, 11, 19), date(2026, 11, 20), date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 26)]
    met = {date(2026, 11, 19), date(2026, 11, 20), date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 26)}
    assert streak(met, working) == 5  # the weekend and Wednesday the 25th (PTO) are not working days
    assert streak(met - {date(2026, 11, 23)}, working) == 2
    assert streak(met - {date(2026, 11, 26)}, working) == 0
    assert streak(set(), []) == 0


@pytest.mark.parametrize(
    "no_data",
    [
        lambda: arpa(100, 0),
        lambda: average_deal_size(0, 0),
        lambda: average_profit_per_deal(1, 1, 0),
        lambda: profit_margin(0, 10),
        lambda: churn_rate(0, 0),
        lambda: net_revenue_churn(0, 1, 0, 0),
        lambda: attainment(5, 0),
        lambda: win_rate(0, 0),
        lambda: value_win_rate(0, 0),
        lambda: sales_cycle_days([]),
        lambda: conversion_rate(3, 0),
        lambda: projection(10, 0),
        lambda: arr(1_000, 0),
    ],
)
def test_rates_with_no_data_are_none_never_zero(no_data: object) -> None:
    assert callable(no_data)
    assert no_data() is None


def test_floats_are_refused_so_money_stays_exact() -> None:
    with pytest.raises(TypeError):
        average_deal_size(0.1, 3)  # type: ignore[arg-type]


def test_the_docstring_examples_hold() -> None:
    assert doctest.testmod(kpis).failed == 0


@given(st.integers(0, 10_000), st.integers(0, 10_000))
def test_win_rate_is_a_fraction(won: int, lost: int) -> None:
    rate = win_rate(won, lost)
    assert (rate is None) == (won + lost == 0)
    assert rate is None or D(0) <= rate <= D(1)


@given(
    target=st.integers(1, 50_000_000),
    deal=st.integers(1, 2_000_000),
    rates=st.lists(st.decimals(min_value=D("0.0001"), max_value=1, places=4), min_size=4, max_size=4),
)
def test_a_backward_plan_never_under_delivers(target: int, deal: int, rates: list[Decimal]) -> None:
    win, *stage = rates
    plan = backward_plan(target, deal, win, StageRates(*stage))
    totals = plan.totals
    assert totals["deals"] is not None and totals["deals"] * deal >= target
    chain = [win, *stage]
    for later, earlier, rate in zip(kpis.STAGES[:-1], kpis.STAGES[1:], chain, strict=True):
        needed, made = totals[later], totals[earlier]
        assert needed is not None and made is not None
        assert made * rate >= needed  # the earlier stage, converted, yields at least the later stage
        assert (made - 1) * rate < needed  # and not one more than it takes


@given(st.integers(1, 120), st.integers(0, 1000))
def test_arr_of_a_year_is_its_value(months: int, value: int) -> None:
    annual = arr(value, months)
    assert annual is not None and round(annual * months / 12, 10) == value

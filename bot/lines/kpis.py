"""KPI wording: the eight KPIs of the sales article, one line each saying what the number means."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from bot import format as fmt
from metrics.deal_records import Audience, KpiCard, KpiRow

NO_DATA = "no data"


def footer_text(card: KpiCard) -> str:
    """The counts behind the KPIs: deals closed in the period, open at its end, revenue won."""
    row = card.row
    return (
        f"Closed in {card.period_label}: {row.won:,} won, {row.lost:,} lost · open at its end: {row.open:,}"
        f" · revenue won {fmt.money(row.won_revenue)}"
    )


def kpis_text(card: KpiCard) -> str:
    """The plain-text fallback: every KPI on one line."""
    lines = kpi_lines(card.row, card.audience)
    return f"KPIs for {card.title}, {card.period_label}: " + "; ".join(f"{n} {m}" for n, m in lines)


def kpi_lines(row: KpiRow, audience: Audience) -> list[tuple[str, str]]:
    """(name, meaning) for each of the eight KPIs, in the article's order."""
    return [
        ("Win rate", _win_rate(row)),
        (
            "Average deal size",
            _or_none(
                row.avg_deal_size, lambda v: f"{fmt.money(v)} across {row.won:,} won deals", f"{NO_DATA}: no deals won"
            ),
        ),
        ("Sales cycle", _cycle(row)),
        ("Quota attainment", f"{NO_DATA}: no revenue target is set"),
        (
            "ARR",
            _or_none(
                row.arr,
                lambda v: f"{fmt.money(v)} from recurring contracts running at the period's end",
                f"{NO_DATA}: no recurring contracts",
            ),
        ),
        (
            "ARPA",
            _or_none(
                row.arpa,
                lambda v: f"{fmt.money(v)} per account with a won deal ({row.accounts_with_won_deals:,} accounts)",
            ),
        ),
        ("Profit margin", _margin(row)),
        ("Churn", _churn(row, audience)),
    ]


def _win_rate(row: KpiRow) -> str:
    if row.win_rate is None:
        return f"{NO_DATA}: no deals closed"
    return f"{fmt.percent(row.win_rate)} of closed deals ({row.won:,} won, {row.lost:,} lost; open deals not counted)"


def _cycle(row: KpiRow) -> str:
    if row.sales_cycle_days is None:
        return f"{NO_DATA}: no closed deal with a start date"
    won = "" if row.sales_cycle_days_won is None else f"; won only {row.sales_cycle_days_won:.0f} days"
    return f"{row.sales_cycle_days:.0f} days from creation to close, over closed deals{won}"


def _margin(row: KpiRow) -> str:
    if row.profit_margin is None:
        return f"{NO_DATA}: no won deal has a cost (log one with `/log won Acme 12k cost 4k`)"
    per_deal = fmt.money(row.avg_profit_per_deal)
    return f"{fmt.percent(row.profit_margin)} of revenue on won deals with a known cost ({per_deal} profit per deal)"


def _churn(row: KpiRow, audience: Audience) -> str:
    if audience is not Audience.EVERYONE:
        return "kept for the whole workspace: see `/kpis everyone`"
    if row.churn_rate is None:
        return f"{NO_DATA}: no customers with subscriptions at the period's start"
    return f"{fmt.percent(row.churn_rate)} of the customers active at the period's start left during it"


def _or_none(value: Decimal | None, describe: Callable[[Decimal], str], missing: str = NO_DATA) -> str:
    return missing if value is None else describe(value)

"""KPI reports as JSON, CSV or a plain-text table (for `tally report kpis`)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

from metrics.deal_records import KpiReport, KpiRow

RATE_PLACES = Decimal("0.000001")
MONEY_PLACES = Decimal("0.01")
DAY_PLACES = Decimal("0.0001")
# (JSON key, KpiRow attribute, rounding)
COLUMNS: tuple[tuple[str, str, Decimal | None], ...] = (
    ("won", "won", None),
    ("lost", "lost", None),
    ("open", "open", None),
    ("win_rate", "win_rate", RATE_PLACES),
    ("value_win_rate", "value_win_rate", RATE_PLACES),
    ("won_revenue", "won_revenue", MONEY_PLACES),
    ("avg_deal_size", "avg_deal_size", MONEY_PLACES),
    ("sales_cycle_days", "sales_cycle_days", DAY_PLACES),
    ("sales_cycle_days_won", "sales_cycle_days_won", DAY_PLACES),
    ("accounts_with_won_deals", "accounts_with_won_deals", None),
    ("arpa", "arpa", MONEY_PLACES),
    ("profit_margin", "profit_margin", RATE_PLACES),
    ("avg_profit_per_deal", "avg_profit_per_deal", MONEY_PLACES),
    ("arr", "arr", MONEY_PLACES),
    ("churn_rate", "churn_rate", RATE_PLACES),
    ("subscription_arr", "subscription_arr", MONEY_PLACES),
)


def report_dict(report: KpiReport) -> dict[str, Any]:
    """The JSON shape: period, one object per row (keyed by the grouping), and the totals."""
    key = report.group_by.value
    return {
        "period": {
            "label": report.period_label,
            "start": report.period_start.isoformat(),
            "end": report.period_end.isoformat(),
        },
        "by": key,
        "rows": [{key: row.label, **_numbers(row)} for row in report.rows],
        "totals": _numbers(report.totals),
    }


def report_json(report: KpiReport) -> str:
    """Numbers as JSON numbers, `null` where there is no data."""
    return json.dumps(report_dict(report), indent=2, default=float)


def report_csv(report: KpiReport) -> str:
    """One line per row and a last line for the totals; empty cells where there is no data."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([report.group_by.value, *(name for name, _, _ in COLUMNS)])
    for label, row in [*((r.label, r) for r in report.rows), ("TOTAL", report.totals)]:
        numbers = _numbers(row)
        writer.writerow([label, *("" if numbers[name] is None else numbers[name] for name, _, _ in COLUMNS)])
    return buffer.getvalue()


def report_table(report: KpiReport) -> str:
    """A plain-text table for a terminal."""
    headings = ["", "won", "lost", "open", "win %", "revenue", "avg deal", "cycle d", "accts", "ARPA", "margin %"]
    lines = [[row.label, *_cells(row)] for row in report.rows] + [["TOTAL", *_cells(report.totals)]]
    widths = [max(len(str(cell)) for cell in column) for column in zip(headings, *lines, strict=True)]
    rendered = [f"KPIs for {report.period_label} ({report.period_start} to {report.period_end}, end excluded)"]
    for cells in [headings, *lines]:
        rendered.append(
            "  ".join(
                str(cell).ljust(w) if i == 0 else str(cell).rjust(w)
                for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
            )
        )
    rendered.append("win % is of closed deals; cycle d is days from creation to close of closed deals.")
    return "\n".join(rendered)


def _numbers(row: KpiRow) -> dict[str, Any]:
    numbers: dict[str, Any] = {}
    for name, attribute, places in COLUMNS:
        value = getattr(row, attribute)
        numbers[name] = value if value is None or places is None else float(value.quantize(places))
    return numbers


def _cells(row: KpiRow) -> list[str]:
    def percent(value: Decimal | None) -> str:
        return "–" if value is None else f"{value * 100:.1f}"

    def money(value: Decimal | None) -> str:
        return "–" if value is None else f"{value:,.0f}"

    cycle = "–" if row.sales_cycle_days is None else f"{row.sales_cycle_days:.1f}"
    return [
        str(row.won),
        str(row.lost),
        str(row.open),
        percent(row.win_rate),
        money(row.won_revenue),
        money(row.avg_deal_size),
        cycle,
        str(row.accounts_with_won_deals),
        money(row.arpa),
        percent(row.profit_margin),
    ]

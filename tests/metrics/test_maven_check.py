"""An independent check: KPIs computed here with the csv module alone must equal `tally report kpis --format json`.

The data is the public Maven Analytics CRM set in ../shared/data/crm-maven (8,800 opportunities). Nothing in this
file's expected numbers goes through Tally's code: it reads the CSV, applies METRICS.md's definitions by hand,
and compares overall, per rep and per quarter.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from bot.__main__ import main
from tests.conftest import SHARED

PIPELINE = SHARED / "data" / "crm-maven" / "sales_pipeline.csv"
MAP = [
    "--map",
    "id=opportunity_id",
    "--map",
    "owner=sales_agent",
    "--map",
    "account=account",
    "--map",
    "amount=close_value",
    "--map",
    "created=engage_date",
    "--map",
    "closed=close_date",
    "--map",
    "stage=deal_stage",
    "--map",
    "product=product",
]
QUARTERS = {
    "2017-Q1": (date(2017, 1, 1), date(2017, 4, 1)),
    "2017-Q2": (date(2017, 4, 1), date(2017, 7, 1)),
    "2017-Q3": (date(2017, 7, 1), date(2017, 10, 1)),
    "2017-Q4": (date(2017, 10, 1), date(2018, 1, 1)),
}
CHECKED = (
    "won",
    "lost",
    "win_rate",
    "avg_deal_size",
    "sales_cycle_days",
    "sales_cycle_days_won",
    "won_revenue",
    "accounts_with_won_deals",
    "arpa",
)


def by_hand(start: date | None, end: date | None) -> dict[str, dict[str, Any]]:
    """KPIs per sales agent and for everyone, straight from the CSV."""
    groups: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"won": 0, "lost": 0, "revenue": Decimal(0), "accounts": set(), "closed_days": [], "won_days": []}
    )
    with PIPELINE.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["deal_stage"] not in ("Won", "Lost"):
                continue
            closed = date.fromisoformat(row["close_date"])
            if start and not (start <= closed < end):  # type: ignore[operator]
                continue
            days = (closed - date.fromisoformat(row["engage_date"])).days
            for name in (row["sales_agent"], "*everyone*"):
                group = groups[name]
                group["closed_days"].append(days)
                if row["deal_stage"] == "Won":
                    group["won"] += 1
                    group["revenue"] += Decimal(row["close_value"])
                    group["accounts"].add(row["account"])
                    group["won_days"].append(days)
                else:
                    group["lost"] += 1
    return {name: _kpis(group) for name, group in groups.items()}


def _kpis(group: dict[str, Any]) -> dict[str, Any]:
    won, lost, revenue, accounts = group["won"], group["lost"], group["revenue"], len(group["accounts"])

    def mean(values: list[int]) -> float | None:
        return sum(values) / len(values) if values else None

    return {
        "won": won,
        "lost": lost,
        "won_revenue": float(revenue),
        "accounts_with_won_deals": accounts,
        "win_rate": won / (won + lost) if won + lost else None,
        "avg_deal_size": float(revenue) / won if won else None,
        "arpa": float(revenue) / accounts if accounts else None,
        "sales_cycle_days": mean(group["closed_days"]),
        "sales_cycle_days_won": mean(group["won_days"]),
    }


@pytest.fixture
def imported(database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[None]:
    if not PIPELINE.exists():
        pytest.skip(f"the Maven CRM data set is in ../shared, which is not beside this checkout ({PIPELINE})")
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["import", "deals", str(PIPELINE), *MAP]) == 0
    assert "8,800 imported" in capsys.readouterr().out
    yield


def report(period: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["report", "kpis", "--period", period, "--by", "rep", "--format", "json"]) == 0
    decoded: dict[str, Any] = json.loads(capsys.readouterr().out)
    return decoded


# The report rounds money to cents, rates to 6 places and days to 4: compare within one unit of that.
TOLERANCE = {
    "avg_deal_size": 0.01,
    "won_revenue": 0.01,
    "arpa": 0.01,
    "win_rate": 1e-6,
    "sales_cycle_days": 1e-4,
    "sales_cycle_days_won": 1e-4,
}


def assert_same(tally: dict[str, Any], expected: dict[str, Any], where: str) -> None:
    for key in CHECKED:
        want, got = expected[key], tally[key]
        if want is None:
            assert got is None, f"{where} {key}"
        else:
            close = pytest.approx(want, abs=TOLERANCE.get(key, 0))
            assert got == close, f"{where} {key}: tally {got}, by hand {want}"


@pytest.mark.slow
@pytest.mark.usefixtures("imported")
def test_report_matches_the_hand_computed_kpis(capsys: pytest.CaptureFixture[str]) -> None:
    # One import, then every period: all time and each quarter of 2017 (the deals close from March to December).
    for period in ["all", *QUARTERS]:
        start, end = QUARTERS.get(period, (None, None))
        expected = by_hand(start, end)
        tally = report(period, capsys)
        assert_same(tally["totals"], expected["*everyone*"], f"{period} totals")
        rows = {row["rep"]: row for row in tally["rows"] if row["won"] or row["lost"]}
        assert set(rows) == set(expected) - {"*everyone*"}
        for rep, row in rows.items():
            assert_same(row, expected[rep], f"{period} {rep}")

"""Block Kit builders: valid against a Block Kit schema, inside Slack's limits, always with a text fallback."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.slack.blocks.forms import build_log_form
from bot.slack.blocks.home import build_home_view
from bot.slack.blocks.kit import escape
from bot.slack.blocks.kpis import build_kpi_card_message
from bot.slack.blocks.ledger import build_logged_message, build_undone_message
from bot.slack.blocks.replies import build_error_message, build_failure_message, build_help_message
from bot.slack.blocks.scorecard import build_scorecard_message
from bot.slack.blocks.settings_form import build_settings_form
from bot.slack.blocks.standings import build_standings_message
from metrics.catalog import DEFAULT_METRICS, LEADING_METRICS
from metrics.deal_records import Audience, KpiCard, KpiRow
from metrics.errors import UsageError
from metrics.pace import next_step, pace
from metrics.periods import week_period
from metrics.records import LogReceipt, MetricTotal, UndoReceipt
from metrics.score_records import MetricLine, Rank, RepNumbers, Scorecard, StandingRow, Standings
from metrics.services.dashboard import Dashboard
from metrics.services.preferences import OwnSettings
from tests.conftest import SHARED

TODAY = date(2026, 11, 26)
DIALS, MEETINGS = DEFAULT_METRICS[0], DEFAULT_METRICS[4]
SCHEMA = SHARED / "schemas" / "block-kit" / "slack-block-kit.schema.json"


@cache
def block_kit_validator() -> Any:
    if not SCHEMA.exists():
        pytest.skip(f"the Block Kit schema is in ../shared, which is not beside this checkout ({SCHEMA})")
    import jsonschema

    return jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))


def total(spec: Any, quantity: int) -> MetricTotal:
    return MetricTotal(spec, quantity, spec.points * quantity)


def receipt(**changes: Any) -> LogReceipt:
    fields: dict[str, Any] = {
        "batch_id": "b" * 32,
        "day": TODAY,
        "items": (total(DIALS, 12), total(MEETINGS, 3)),
        "day_totals": (total(DIALS, 12), total(MEETINGS, 3)),
        "tags": ("newpitch",),
    }
    return LogReceipt(**(fields | changes))


def card(lines: int, goals: bool = False) -> Scorecard:
    specs = (LEADING_METRICS * 2)[:lines]
    elapsed = Decimal("0.6")
    metric_lines = tuple(
        MetricLine(
            spec,
            Decimal(20),
            Decimal(25),
            Decimal(30),
            Decimal("0.8"),
            pace(20, Decimal(25), elapsed),
            spec.points * 20,
        )
        for spec in specs
    )
    revenue = next(spec for spec in DEFAULT_METRICS if spec.key == "revenue")
    goal_lines = (
        (
            MetricLine(
                revenue, Decimal(12_000), Decimal(30_000), None, Decimal("0.4"), pace(12_000, Decimal(30_000), elapsed)
            ),
        )
        if goals
        else ()
    )
    numbers = RepNumbers(
        rep_id=1,
        name="Alice",
        hidden=False,
        lines=metric_lines,
        goals=goal_lines,
        score=Decimal(80) if lines else None,
        points=sum((line.points for line in metric_lines), Decimal(0)),
        deals=kpi_row(),
        next_step=next_step([(m.metric.key, m.actual, m.target or 0, m.metric.points) for m in metric_lines]),
    )
    return Scorecard(
        rep_name="Alice",
        timezone="America/New_York",
        today=TODAY,
        window=week_period(TODAY),
        numbers=numbers,
        today_totals=metric_lines[:2],
        rank=Rank(2, 5),
        streak=4,
    )


def kpi_row(**changes: Any) -> KpiRow:
    fields: dict[str, Any] = {
        "label": "Alice",
        "won": 12,
        "lost": 7,
        "open": 4,
        "won_revenue": Decimal(148_800),
        "win_rate": Decimal(12) / 19,
        "value_win_rate": Decimal("0.7"),
        "avg_deal_size": Decimal(12_400),
        "sales_cycle_days": Decimal("41.2"),
        "sales_cycle_days_won": Decimal(38),
        "accounts_with_won_deals": 10,
        "arpa": Decimal(14_880),
        "profit_margin": Decimal("0.34"),
        "avg_profit_per_deal": Decimal(4_216),
        "arr": Decimal(120_000),
        "churn_rate": Decimal("0.03"),
    }
    return KpiRow(**(fields | changes))


EMPTY_ROW = kpi_row(
    won=0,
    lost=0,
    open=0,
    won_revenue=Decimal(0),
    win_rate=None,
    value_win_rate=None,
    avg_deal_size=None,
    sales_cycle_days=None,
    sales_cycle_days_won=None,
    accounts_with_won_deals=0,
    arpa=None,
    profit_margin=None,
    avg_profit_per_deal=None,
    arr=None,
    churn_rate=None,
)


def board(reps: int) -> Standings:
    rows = tuple(
        StandingRow(
            position=n + 1,
            label=f"Rep number {n:03}",
            value=Decimal(150 - n % 150),
            actual=Decimal(40),
            target=Decimal(50),
            points=Decimal(n),
            is_viewer=n == reps - 1,
        )
        for n in range(reps)
    )
    dials = LEADING_METRICS[0]
    team = (MetricLine(dials, Decimal(400), Decimal(500), attainment=Decimal("0.8")),)
    return Standings(
        title="Inside Sales",
        window=week_period(TODAY),
        ranked_by="score",
        metric=None,
        rows=rows,
        team_lines=team,
        channel_id="C1",
    )


def dashboard(reps: int, manager: bool) -> Dashboard:
    pages = max(1, -(-reps // 25))
    return Dashboard(card=card(8, goals=True), board=board(reps), page=0, pages=pages, manager=manager)


MESSAGES = {
    "logged": build_logged_message(receipt(), TODAY),
    "logged again": build_logged_message(receipt(duplicate=True, day=date(2026, 11, 25)), TODAY),
    "undone": build_undone_message(UndoReceipt("b" * 32, TODAY, (total(DIALS, 12),))),
    "already undone": build_undone_message(UndoReceipt("b" * 32, TODAY, (total(DIALS, 12),), already_undone=True)),
    "scorecard": build_scorecard_message(card(8)),
    "scorecard with goals": build_scorecard_message(card(8, goals=True)),
    "kpis": build_kpi_card_message(KpiCard("Alice", Audience.ME, "2026-Q4", kpi_row())),
    "kpis everyone": build_kpi_card_message(KpiCard("Acme Sales", Audience.EVERYONE, "2026-Q4", kpi_row())),
    "kpis with no data": build_kpi_card_message(KpiCard("Alice", Audience.ME, "all time", EMPTY_ROW, note="x")),
    "empty scorecard": build_scorecard_message(card(0)),
    "standings of 1": build_standings_message(board(1)),
    "standings of 200": build_standings_message(board(200)),
    "help": build_help_message(DEFAULT_METRICS),
    "refusal": build_error_message(UsageError("I couldn't read “<!channel>”.", usage="Try `/log 12 dials`.")),
    "failure": build_failure_message(),
}
VIEWS = {
    "home": build_home_view(dashboard(1, manager=False), datetime(2026, 11, 26, 15, tzinfo=UTC)),
    "home of a manager of 200": build_home_view(dashboard(200, manager=True), datetime(2026, 11, 26, 15, tzinfo=UTC)),
    "home of a rep among 200": build_home_view(dashboard(200, manager=False), datetime(2026, 11, 26, 15, tzinfo=UTC)),
    "settings form": build_settings_form(OwnSettings("Europe/London", time(8, 30), True, "01234")),
    "log form": build_log_form(DEFAULT_METRICS, TODAY, 7),
}


@pytest.mark.parametrize("name", MESSAGES)
def test_messages_have_a_fallback_and_fit_slacks_limits(name: str) -> None:
    message = MESSAGES[name]
    assert message["text"].strip()
    assert 1 <= len(message["blocks"]) <= 50
    for block in message["blocks"]:
        Block.parse(block).validate_json()  # slack_sdk's own model checks (lengths, counts)
    assert len(json.dumps(message)) < 40_000


@pytest.mark.parametrize("name", MESSAGES)
def test_messages_match_the_block_kit_schema(name: str) -> None:
    errors = [error.message for error in block_kit_validator().iter_errors(MESSAGES[name]["blocks"])]
    assert errors == []


@pytest.mark.parametrize("name", VIEWS)
def test_views_fit_slacks_limits_and_schema(name: str) -> None:
    view = VIEWS[name]
    assert 1 <= len(view["blocks"]) <= 100 and len(json.dumps(view)) < 250_000
    for block in view["blocks"]:
        Block.parse(block).validate_json()
    assert [error.message for error in block_kit_validator().iter_errors(view["blocks"])] == []
    if view["type"] == "modal":
        assert all(len(view[key]["text"]) <= 24 for key in ("title", "submit", "close"))


def test_the_log_confirmation_carries_the_batch_to_undo() -> None:
    actions = [block for block in MESSAGES["logged"]["blocks"] if block["type"] == "actions"]
    assert actions[0]["elements"][0]["value"] == "b" * 32
    assert "Already logged" in MESSAGES["logged again"]["text"]
    assert "yesterday (Wed 25 Nov)" in MESSAGES["logged again"]["text"]


def test_user_text_cannot_become_a_mention_anywhere_in_a_refusal() -> None:
    raw = json.dumps(MESSAGES["refusal"])
    assert "<!channel>" not in raw and "&lt;!channel&gt;" in raw


def test_escape_handles_slacks_three_control_characters() -> None:
    assert escape("<@U1> & <!here>") == "&lt;@U1&gt; &amp; &lt;!here&gt;"


def test_the_form_bounds_each_metric_by_its_cap() -> None:
    inputs = [block for block in VIEWS["log form"]["blocks"] if block.get("block_id", "").startswith("metric:")]
    assert [block["element"]["max_value"] for block in inputs] == [str(spec.daily_cap) for spec in LEADING_METRICS]
    assert all(block["optional"] and block["element"]["min_value"] == "1" for block in inputs)


def test_the_schema_check_can_fail() -> None:
    broken = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}, {"type": "sektion"}]
    assert len(list(block_kit_validator().iter_errors(broken))) >= 2


def test_a_kpi_card_says_what_each_number_means() -> None:
    text = MESSAGES["kpis"]["text"]
    for name in (
        "Win rate",
        "Average deal size",
        "Sales cycle",
        "Quota attainment",
        "ARR",
        "ARPA",
        "Profit margin",
        "Churn",
    ):
        assert name in text
    assert "63 % of closed deals (12 won, 7 lost" in text
    assert "41 days from creation to close, over closed deals; won only 38 days" in text
    assert "kept for the whole workspace" in text and "3 % of the customers active" in MESSAGES["kpis everyone"]["text"]
    assert MESSAGES["kpis with no data"]["text"].count("no data") == 7  # churn is the workspace's, not a rep's


def test_two_hundred_reps_fit_in_a_message_and_a_home_tab() -> None:
    standings = MESSAGES["standings of 200"]
    assert len(standings["blocks"]) <= 50 and "Rep number 199" in json.dumps(standings)
    manager_home = VIEWS["home of a manager of 200"]
    assert len(manager_home["blocks"]) <= 100
    assert "Rep number 024" in json.dumps(manager_home) and "Rep number 025" not in json.dumps(manager_home)
    assert any(
        e["action_id"] == "home_page_next"
        for b in manager_home["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    )
    rep_home = json.dumps(VIEWS["home of a rep among 200"])
    assert "Rep number 009" in rep_home and "Rep number 010" not in rep_home and "Rep number 199* (you)" in rep_home

"""Block Kit builders: valid against a Block Kit schema, inside Slack's limits, always with a text fallback."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.slack.blocks.forms import build_log_form
from bot.slack.blocks.home import build_home_view
from bot.slack.blocks.kit import escape
from bot.slack.blocks.ledger import build_logged_message, build_undone_message
from bot.slack.blocks.replies import build_error_message, build_failure_message, build_help_message
from bot.slack.blocks.scorecard import build_scorecard_message
from metrics.catalog import DEFAULT_METRICS
from metrics.errors import UsageError
from metrics.records import LogReceipt, MetricTotal, Scorecard, ScorecardLine, UndoReceipt
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


def card(lines: int) -> Scorecard:
    specs = (DEFAULT_METRICS * 2)[:lines]
    return Scorecard(
        rep_name="Alice",
        timezone="America/New_York",
        today=TODAY,
        week_start=date(2026, 11, 23),
        week_end=date(2026, 11, 29),
        lines=tuple(
            ScorecardLine(spec, 5, 20, spec.points * 5, spec.points * 20, Decimal(10), None, Decimal("0.5"), None)
            for spec in specs
        ),
    )


MESSAGES = {
    "logged": build_logged_message(receipt(), TODAY),
    "logged again": build_logged_message(receipt(duplicate=True, day=date(2026, 11, 25)), TODAY),
    "undone": build_undone_message(UndoReceipt("b" * 32, TODAY, (total(DIALS, 12),))),
    "already undone": build_undone_message(UndoReceipt("b" * 32, TODAY, (total(DIALS, 12),), already_undone=True)),
    "scorecard": build_scorecard_message(card(8)),
    "empty scorecard": build_scorecard_message(card(0)),
    "help": build_help_message(DEFAULT_METRICS),
    "refusal": build_error_message(UsageError("I couldn't read “<!channel>”.", usage="Try `/log 12 dials`.")),
    "failure": build_failure_message(),
}
VIEWS = {
    "home": build_home_view(card(8), datetime(2026, 11, 26, 15, tzinfo=UTC)),
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
    assert [block["element"]["max_value"] for block in inputs] == [str(spec.daily_cap) for spec in DEFAULT_METRICS]
    assert all(block["optional"] and block["element"]["min_value"] == "1" for block in inputs)


def test_the_schema_check_can_fail() -> None:
    broken = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}, {"type": "sektion"}]
    assert len(list(block_kit_validator().iter_errors(broken))) >= 2

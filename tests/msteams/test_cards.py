"""The Adaptive Card builders: every card keeps to schema 1.5's element set and Teams' size, says the same
numbers as the Slack reply built from the same record, and shows typed text literally.

There is no official Adaptive Card JSON schema in a package this project can install (npm `adaptivecards`
ships none), so `check_card` is a structural checker: card type and version, only 1.5 element and action types,
ids on inputs, facts with title and value, and the size budget.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.msteams.cards.forms import build_log_form, task_continue
from bot.msteams.cards.kit import CARD_BUDGET, card, check_card, md, size_of, text
from bot.msteams.cards.ledger import build_logged_reply, build_undone_reply
from bot.msteams.cards.plans import build_kpis_reply
from bot.msteams.cards.replies import (
    Reply,
    build_error_reply,
    build_failure_reply,
    build_help_reply,
    from_core,
    plain,
)
from bot.msteams.cards.scorecard import build_scorecard_reply, build_standings_reply
from bot.slack.blocks.kpis import build_kpi_card_message
from bot.slack.blocks.ledger import build_logged_message
from bot.slack.blocks.scorecard import build_scorecard_message
from bot.slack.blocks.standings import build_standings_message
from bot.slack.text import unescape
from metrics.catalog import DEFAULT_METRICS
from metrics.deal_records import Audience, KpiCard
from metrics.errors import UsageError
from metrics.records import UndoReceipt
from tests.bot.test_blocks import DIALS, TODAY, board, kpi_row, receipt, total
from tests.bot.test_blocks import card as scorecard

REPLIES = {
    "logged": build_logged_reply(receipt(), TODAY),
    "undone": build_undone_reply(UndoReceipt("b" * 32, TODAY, (total(DIALS, 12),))),
    "scorecard": build_scorecard_reply(scorecard(8, goals=True)),
    "empty scorecard": build_scorecard_reply(scorecard(0)),
    "standings of 1": build_standings_reply(board(1)),
    "standings of 2000": build_standings_reply(board(2000)),
    "kpis": build_kpis_reply(KpiCard("Alice", Audience.EVERYONE, "2026-Q4", kpi_row())),
    "help": build_help_reply(DEFAULT_METRICS),
    "refusal": build_error_reply(UsageError("I couldn't read “*x*”.", usage="Try `/log 12 dials`.")),
    "form": Reply("Log activity", build_log_form(DEFAULT_METRICS, date(2026, 11, 26), 7, problem="Pick a day.")),
}


@pytest.mark.parametrize("name", REPLIES)
def test_every_card_keeps_to_adaptive_cards_1_5_and_the_teams_budget(name: str) -> None:
    reply = REPLIES[name]
    assert reply.text
    if reply.card is not None:
        assert check_card(reply.card) == [] and reply.card["fallbackText"] == reply.text


def test_a_big_board_leaves_rows_out_and_says_how_many_rather_than_breaking_the_message() -> None:
    built = REPLIES["standings of 2000"].card
    assert built is not None and size_of(built) <= CARD_BUDGET
    assert "more" in built["body"][-1]["text"].rsplit("\n", 1)[-1]


def test_the_checker_names_what_teams_would_refuse() -> None:
    assert check_card({"type": "AdaptiveCard", "version": "1.6", "body": []}) == ["not an AdaptiveCard of version 1.5"]
    newer = card([{"type": "Carousel", "pages": []}], fallback="x")
    assert check_card(newer) == ["element 'Carousel' is not in 1.5"]
    unnamed = card([{"type": "Input.Number"}], fallback="x", actions=[{"type": "Action.Popover"}])
    assert check_card(unnamed) == ["Input.Number without an id", "action 'Action.Popover' is not in 1.5"]
    huge = card([text("x" * CARD_BUDGET)], fallback="x")
    assert check_card(huge)[0].endswith(f"over the {CARD_BUDGET} budget")


@pytest.mark.parametrize(
    ("teams", "slack"),
    [
        (build_scorecard_reply(scorecard(8, goals=True)), build_scorecard_message(scorecard(8, goals=True))),
        (build_standings_reply(board(30)), build_standings_message(board(30))),
        (build_logged_reply(receipt(), TODAY), build_logged_message(receipt(), TODAY)),
        (
            build_kpis_reply(KpiCard("Alice", Audience.ME, "2026-Q4", kpi_row())),
            build_kpi_card_message(KpiCard("Alice", Audience.ME, "2026-Q4", kpi_row())),
        ),
    ],
)
def test_teams_and_slack_say_the_same_thing_from_the_same_record(teams: Reply, slack: dict[str, Any]) -> None:
    assert teams.text == plain(unescape(slack["text"]))  # Slack's words, less its slashes and backticks


def test_core_messages_lose_their_slash_and_keep_typed_text_literal() -> None:
    assert from_core("Try `/log 12 dials` or /scorecard.") == "Try **log 12 dials** or scorecard."
    assert from_core("I don't know “*dails* [x](y)”") == "I don't know “\\*dails\\* \\[x\\](y)”"
    assert md("a_b*c") == "a\\_b\\*c"
    assert from_core("https://example.com/log") == "https://example.com/log"


def test_an_unexpected_failure_says_nothing_of_its_cause() -> None:
    failure = build_failure_reply()
    assert failure.card is None and "nothing was saved" in failure.text


def test_the_log_form_asks_for_each_loggable_metric_within_its_cap_and_the_backdate_window() -> None:
    form = build_log_form(DEFAULT_METRICS, date(2026, 11, 26), 7)
    inputs = {element["id"]: element for element in form["body"] if element["type"].startswith("Input.")}
    assert inputs["metric:dials"]["max"] == 500 and inputs["day"]["min"] == "2026-11-19"
    assert task_continue(form)["task"]["value"]["card"]["content"] is form

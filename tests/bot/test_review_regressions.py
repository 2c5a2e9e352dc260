"""Regressions for front-end defects found in review: each test failed before its fix."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from bot import format as fmt
from bot.config import Settings
from bot.playground.session import Playground
from bot.slack.blocks import ids
from bot.slack.text import read_command_text
from tests.factories import entry_count
from tests.harness import SlackHarness


@pytest.fixture
def alice(slack: SlackHarness) -> str:
    slack.add_user("UALICE", "Alice", "America/New_York")
    return "UALICE"


def test_slack_entities_are_decoded(slack: SlackHarness, alice: str) -> None:
    assert "Logged 12 dials and 3 meetings" in slack.command("/log", "12 dials &amp; 3 meetings").text
    first = slack.command("/log", "won AT&amp;T $5k")
    assert "Won AT&T — $5,000" in first.text and "AT&amp;T" in first.message["text"]  # stored plain, sent escaped
    assert "Won AT&T — $7,000" in slack.command("/log", "won at&amp;t $7k").text  # the same account
    assert read_command_text("won <@U1|bob> &lt;x&gt; <#C9|floor>").text.split() == ["won", "<x>"]


def test_a_home_tab_that_cannot_be_reached_does_not_spoil_a_log(slack: SlackHarness, alice: str) -> None:
    slack.fake.drop_next("views.publish", times=3)  # the connection fails, then fails again on retry
    assert "Logged 12 dials" in slack.command("/log", "12 dials").text
    slack.settle()  # the log's listener (and its Home-tab retries) has finished
    assert len(slack.fake.calls("response_url")) == 1 and entry_count(slack.sessions) == 1


def test_a_form_that_fails_unexpectedly_stays_open_and_says_so(slack: SlackHarness, alice: str) -> None:
    slack.command("/scorecard", "")
    with slack.sessions.begin() as session:
        session.execute(text("ALTER TABLE entry RENAME TO entry_away"))
    try:
        values = {
            "metric:dials": {"quantity": {"type": "number_input", "value": "5"}},
            "day": {"day_picker": {"type": "datepicker", "selected_date": "2026-11-26"}},
        }
        answer = slack.submit(ids.LOG_FORM, values).json()
    finally:
        with slack.sessions.begin() as session:
            session.execute(text("ALTER TABLE entry_away RENAME TO entry"))
    assert answer["response_action"] == "errors" and "nothing was saved" in answer["errors"]["day"]


def test_an_endless_range_is_refused_kindly(slack: SlackHarness, alice: str) -> None:
    assert "isn't a period I can use" in slack.command("/kpis", "2017-01-01..9999-12-31").text


def test_other_currencies_are_refused_not_relabelled(slack: SlackHarness, alice: str) -> None:
    assert "one currency" in slack.command("/log", "won Acme €12k").text
    assert entry_count(slack.sessions) == 0


def test_an_opportunity_names_its_day(slack: SlackHarness, alice: str) -> None:
    assert "Counted as 1 opportunity on Wed 25 Nov" in slack.command("/log", "opp Zeta $1k yesterday").text


def test_percentages_round_half_up() -> None:
    assert fmt.percent(Decimal(5) / 8) == "63 %" and fmt.percent(Decimal("0.125")) == "13 %"


def test_the_slack_api_url_gets_its_final_slash() -> None:
    assert Settings.from_env({"SLACK_API_URL": "http://127.0.0.1:9/api"}).slack_api_url == "http://127.0.0.1:9/api/"


def test_the_playground_shows_form_errors_and_keeps_the_form(sessions: sessionmaker[Session]) -> None:
    with Playground(sessions=sessions) as playground:
        playground.run_line("@carol /log")
        refused = "\n".join(playground.run_line("@carol submit meetings=41"))
        assert "the form stays open for carol" in refused and "at most 40" in refused
        assert "Logged 4 meetings" in "\n".join(playground.run_line("@carol submit meetings=4"))

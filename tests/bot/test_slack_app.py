"""End to end: signed HTTP requests into the real Bolt app, replies read back from the fake Slack."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from bot.playground import slack_requests as requests
from bot.playground.render import render_blocks
from bot.slack.blocks import ids
from bot.slack.listeners.commands import COMMANDS
from tests.factories import FakeClock, entry_count
from tests.harness import SlackHarness


@pytest.fixture
def alice(slack: SlackHarness) -> str:
    slack.add_user("UALICE", "Alice", "America/New_York")
    return "UALICE"


def test_log_is_stored_answered_and_shown_on_the_home_tab(slack: SlackHarness, alice: str) -> None:
    reply = slack.command("/log", "12 dials 3 meetings")
    assert reply.http.status == 200 and reply.http.body == ""  # acked at once, answered via response_url
    assert reply.message is not None and reply.message["response_type"] == "ephemeral"
    assert "Logged 12 dials and 3 meetings for today (Thu 26 Nov)." in reply.text
    assert "Today so far: 12 dials · 3 meetings · 42 pts" in reply.text
    assert list(reply.buttons) == ["Undo"]
    assert entry_count(slack.sessions) == 2
    home = slack.wait_for("views.publish")[0]
    assert home.params["user_id"] == alice
    assert "Dials — 12 · 12 pts" in "\n".join(render_blocks(home.params["view"]["blocks"]))


def test_scorecard_is_what_was_logged_minus_what_was_undone(slack: SlackHarness, alice: str) -> None:
    slack.command("/log", "12 dials 3 meetings")
    mistake = slack.command("/log", "20 dials")
    undo = slack.click(ids.UNDO_LOG, mistake.buttons["Undo"])
    assert "Undone: 20 dials on Thu 26 Nov" in undo.text and undo.message["replace_original"] is True
    slack.command("/log", "5 emails yesterday")
    card = slack.command("/scorecard", "")
    assert "Dials — 12 · 12 pts" in card.text
    assert "Meetings — 3 · 30 pts" in card.text
    assert "Emails — 5 · 5 pts" in card.text
    assert "Score: no targets in this window · 47 pts" in card.text and "Today: 12 dials · 3 meetings" in card.text


def test_a_log_at_2330_in_los_angeles_counts_for_that_local_day(slack: SlackHarness, clock: FakeClock) -> None:
    slack.add_user("UCAROL", "Carol", "America/Los_Angeles")
    clock.set(datetime(2026, 11, 20, 7, 30, tzinfo=UTC))  # Thu 19 Nov, 23:30 in Los Angeles
    reply = slack.command("/log", "9 dials", user="UCAROL")
    assert "for today (Thu 19 Nov)" in reply.text
    clock.set(datetime(2026, 11, 20, 16, 0, tzinfo=UTC))  # Fri 20 Nov, 08:00 in Los Angeles
    today = slack.command("/scorecard", "today", user="UCAROL")
    assert "Fri 20 Nov" in today.text and "Nothing logged in this window yet" in today.text
    week = slack.command("/scorecard", "", user="UCAROL")
    assert "Dials — 9 · 9 pts" in week.text and "America/Los_Angeles" in week.text


BAD_LOGS = [
    ("twelve dials", "Write quantities as digits"),
    ("-5 dials", "whole numbers of 1 or more"),
    ("0 dials", "whole numbers of 1 or more"),
    ("99999999 dials", "at most 500"),
    ("12 unicorns", "I don't know the metric"),
    ("12 dails", "Did you mean “dials”?"),
    ("12 dials next week", "future"),
    ("🦄🦄 12 dials", "I couldn't read"),
    ("x" * 4000, "too long for one log"),
    ("12 dials'); DELETE FROM entry; --", "I don't know the metric “dials')”"),
    ("12 dials <!channel> <@U0BOSS> <https://evil.example|click>", "I couldn't read"),
]


@pytest.mark.parametrize(("text", "says"), BAD_LOGS, ids=[text[:20] for text, _ in BAD_LOGS])
def test_bad_input_gets_a_friendly_refusal_and_writes_nothing(
    slack: SlackHarness, alice: str, text: str, says: str
) -> None:
    reply = slack.command("/log", text)
    assert reply.http.status == 200
    assert says in reply.text
    assert "Traceback" not in reply.text
    assert entry_count(slack.sessions) == 0
    raw = json.dumps(reply.message)
    for live in ("<!channel>", "<@U0BOSS>", "<https://"):
        assert live not in raw  # what a user typed is never sent back as a live mention or link


def test_the_usage_line_comes_with_a_refusal(slack: SlackHarness, alice: str) -> None:
    reply = slack.command("/log", "12 unicorns")
    assert "Try `/log 12 dials 3 meetings`" in reply.text


def _signed_log(slack: SlackHarness) -> str:
    return requests.slash_command(
        "/log", "12 dials", user_id="UALICE", team_id=slack.team_id, response_url=slack.fake.new_response_url()
    )


@pytest.mark.parametrize("forgery", ["bad signature", "stale", "future", "tampered", "unsigned"])
def test_forged_or_stale_requests_get_401_and_write_nothing(slack: SlackHarness, alice: str, forgery: str) -> None:
    body = _signed_log(slack)
    now = int(time.time())
    if forgery == "bad signature":
        reply = slack.poster.post(body, requests.FORM, signature="v0=" + "0" * 64)
    elif forgery == "stale":
        reply = slack.poster.post(body, requests.FORM, timestamp=now - 310)  # Slack's window is 5 minutes
    elif forgery == "future":
        reply = slack.poster.post(body, requests.FORM, timestamp=now + 310)
    elif forgery == "tampered":
        signature = requests.sign(slack.signing_secret, now, body)
        reply = slack.poster.post(
            body.replace("12+dials", "99+dials"), requests.FORM, timestamp=now, signature=signature
        )
    else:
        reply = requests.SignedPoster(slack.url, "someone-elses-secret").post(body, requests.FORM)
    assert reply.status == 401
    slack.settle()  # a forged request wrongly accepted would have written and answered by now
    assert entry_count(slack.sessions) == 0
    assert slack.fake.calls("response_url") == []


def test_a_request_just_inside_the_window_is_accepted(slack: SlackHarness, alice: str) -> None:
    assert slack.command("/log", "1 dial", timestamp=int(time.time()) - 290).http.status == 200
    assert entry_count(slack.sessions) == 1


def test_undo_pressed_twice_reverses_once(slack: SlackHarness, alice: str) -> None:
    logged = slack.command("/log", "20 dials")
    first = slack.click(ids.UNDO_LOG, logged.buttons["Undo"])
    second = slack.click(ids.UNDO_LOG, logged.buttons["Undo"])
    assert "Undone" in first.text and "already undone; nothing changed" in second.text
    assert entry_count(slack.sessions) == 2
    assert "Nothing logged in this window yet" in slack.command("/scorecard", "").text


def test_log_undo_command_reverses_the_last_log(slack: SlackHarness, alice: str) -> None:
    slack.command("/log", "3 dials")
    slack.command("/log", "4 emails")
    assert "Undone: 4 emails" in slack.command("/log", "undo").text
    assert "Dials — 3 · 3 pts" in slack.command("/scorecard", "").text


def test_the_same_trigger_id_is_counted_once(slack: SlackHarness, alice: str) -> None:
    first = slack.command("/log", "12 dials", trigger_id="111.222.aaa")
    again = slack.command("/log", "12 dials", trigger_id="111.222.aaa")
    assert "Logged 12 dials" in first.text and "Already logged 12 dials" in again.text
    assert entry_count(slack.sessions) == 1


def test_a_new_user_is_registered_with_their_slack_name_and_zone(slack: SlackHarness) -> None:
    slack.add_user("UDAVE", "Dave", "Asia/Tokyo")
    card = slack.command("/scorecard", "", user="UDAVE")
    assert "Scorecard · Dave" in card.text and "Asia/Tokyo" in card.text
    assert "Mon 23 Nov – Sun 29 Nov" in slack.command("/scorecard", "", user="UDAVE").text
    assert "Fri 27 Nov" in slack.command("/scorecard", "today", user="UDAVE").text  # 15:00 UTC Thu is Fri in Tokyo
    slack.command("/log", "1 dial", user="UDAVE")
    assert len(slack.fake.calls("users.info")) == 1  # looked up once, then known


def test_when_users_info_fails_the_rep_gets_defaults(slack: SlackHarness) -> None:
    slack.fake.fail_next("users.info", status=500)
    reply = slack.command("/log", "2 dials", user="UNOPROFILE")
    assert "Logged 2 dials" in reply.text
    assert "Scorecard · UNOPROFILE" in slack.command("/scorecard", "", user="UNOPROFILE").text


def test_a_home_tab_that_cannot_be_refreshed_does_not_spoil_a_log(slack: SlackHarness, alice: str) -> None:
    slack.fake.fail_next("views.publish", status=500)
    reply = slack.command("/log", "12 dials")
    assert "Logged 12 dials" in reply.text
    slack.wait_for("views.publish", count=0)
    slack.settle()  # the log's listener has finished: any error message would have been sent
    assert len(slack.fake.calls("response_url")) == 1  # no error message followed the confirmation


def test_a_database_failure_says_try_again_and_claims_nothing(slack: SlackHarness, alice: str) -> None:
    slack.command("/scorecard", "")  # registers Alice
    with slack.sessions.begin() as session:
        session.execute(text("ALTER TABLE entry RENAME TO entry_away"))
    try:
        reply = slack.command("/log", "12 dials")
    finally:
        with slack.sessions.begin() as session:
            session.execute(text("ALTER TABLE entry_away RENAME TO entry"))
    assert "nothing was saved. Please try again" in reply.text
    assert "Logged" not in reply.text and "Traceback" not in reply.text
    assert entry_count(slack.sessions) == 0


def test_log_with_no_text_opens_the_form_and_the_form_logs(slack: SlackHarness, alice: str) -> None:
    command = slack.poster.post(
        requests.slash_command(
            "/log",
            "",
            user_id=alice,
            team_id=slack.team_id,
            response_url=slack.fake.new_response_url(),
            trigger_id="9.9.form",
        ),
        requests.FORM,
    )
    assert command.status == 200
    opened = slack.wait_for("views.open")[0]
    assert opened.params["trigger_id"] == "9.9.form" and opened.params["view"]["callback_id"] == ids.LOG_FORM
    values = _form(dials="7", meetings="1", day="2026-11-25", tags="#webinar")
    assert slack.submit(ids.LOG_FORM, values, view_id="V123").body == ""
    assert slack.submit(ids.LOG_FORM, values, view_id="V123").body == ""  # a double submit counts once
    dm = slack.wait_for("chat.postMessage")[0]
    assert dm.params["channel"] == alice and "Logged 7 dials and 1 meeting for yesterday" in dm.params["text"]
    assert entry_count(slack.sessions) == 2


@pytest.mark.parametrize(
    ("fields", "block", "says"),
    [
        ({"day": "2026-11-26"}, "metric:dials", "Fill in at least one number"),
        ({"meetings": "41", "day": "2026-11-26"}, "metric:meetings", "at most 40"),
        ({"dials": "5", "day": "2026-10-01"}, "day", "up to 7 days back"),
        ({"dials": "5", "day": "2026-12-25"}, "day", "future day"),
        ({"dials": "2.5", "day": "2026-11-26"}, "metric:dials", "whole number"),
    ],
)
def test_a_bad_form_shows_the_error_under_its_field(
    slack: SlackHarness, alice: str, fields: dict[str, str], block: str, says: str
) -> None:
    reply = slack.submit(ids.LOG_FORM, _form(**fields))
    answer = reply.json()
    assert answer["response_action"] == "errors" and says in answer["errors"][block]
    assert entry_count(slack.sessions) == 0


def test_opening_the_home_tab_publishes_the_scorecard(slack: SlackHarness, alice: str) -> None:
    assert slack.event({"type": "app_home_opened", "user": alice, "tab": "home", "channel": "DALICE"}).status == 200
    view = slack.wait_for("views.publish")[0].params["view"]
    assert view["type"] == "home"
    assert any(block.get("type") == "actions" for block in view["blocks"])


def test_tally_help_lists_every_command(slack: SlackHarness, alice: str) -> None:
    reply = slack.command("/tally", "help")
    for command in COMMANDS:
        assert command in reply.text
    assert "I don't know `/tally frobnicate`" in slack.command("/tally", "frobnicate").text


def test_scorecard_refuses_windows_it_does_not_have(slack: SlackHarness, alice: str) -> None:
    assert "isn't a window I know" in slack.command("/scorecard", "fortnight").text
    assert "this quarter" in slack.command("/scorecard", "quarter").text


def _form(**fields: str) -> dict[str, dict[str, dict[str, str]]]:
    values: dict[str, dict[str, dict[str, str]]] = {}
    for key, value in fields.items():
        if key == "day":
            values[ids.DAY_BLOCK] = {ids.DAY_INPUT: {"type": "datepicker", "selected_date": value}}
        elif key == "tags":
            values[ids.TAGS_BLOCK] = {ids.TAGS_INPUT: {"type": "plain_text_input", "value": value}}
        else:
            values[f"{ids.METRIC_BLOCK_PREFIX}{key}"] = {ids.METRIC_INPUT: {"type": "number_input", "value": value}}
    return values


def test_deals_are_logged_answered_and_undone_through_slack(slack: SlackHarness, alice: str) -> None:
    opened = slack.command("/log", "opp Acme Corp $30k")
    assert "New opportunity Acme Corp — $30,000, today (Thu 26 Nov)." in opened.text
    won = slack.command("/log", "won acme corp cost 9k")
    assert "Won Acme Corp — $30,000, cost $9,000" in won.text and list(won.buttons) == ["Undo"]
    undone = slack.click(ids.UNDO_LOG, won.buttons["Undo"])
    assert "Undone: Acme Corp is open again ($30,000)." in undone.text
    assert "Which account?" in slack.command("/log", "won $5k").text
    assert "Opportunities — 1 · 15 pts" in slack.command("/scorecard", "").text


def test_kpis_for_me_for_everyone_and_refused_for_another_rep(slack: SlackHarness, alice: str) -> None:
    slack.add_user("UBOB", "Bob", "Europe/London")
    slack.command("/log", "won Acme $10,000 cost 4k")
    slack.command("/log", "won Globex $2,000", user="UBOB")
    mine = slack.command("/kpis", "")
    assert "KPIs · Alice · 2026-Q4" in mine.text
    assert "Win rate — 100 % of closed deals (1 won, 0 lost; open deals not counted)" in mine.text
    assert "Profit margin — 60 % of revenue on won deals with a known cost ($6,000 profit per deal)" in mine.text
    everyone = slack.command("/kpis", "everyone all")
    assert "Average deal size — $6,000 across 2 won deals" in everyone.text
    refused = slack.command("/kpis", "<@UBOB|bob> month")
    assert "Only Bob's manager or an admin can see their KPIs" in refused.text
    assert "haven't used Tally" in slack.command("/kpis", "<@UNOBODY>").text
    assert "isn't a period I know" in slack.command("/kpis", "someday").text


def test_the_scorecard_has_a_goals_section(slack: SlackHarness, alice: str) -> None:
    slack.command("/log", "12 dials")
    slack.command("/log", "won Acme $10,000")
    card = slack.command("/scorecard", "month").text
    assert "Activity" in card and "Goals" in card
    assert "Deals — revenue won $10,000 · 1 won, 0 lost · win rate 100 % of closed deals · 0 open" in card

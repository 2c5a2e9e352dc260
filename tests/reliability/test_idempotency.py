"""Issue 8, item 3: Slack delivers the same request again (a retry, a double tap); Tally does the work once.

A slash command redelivered keeps its trigger_id, a button press its trigger_id, a modal its view id, and an event
its event_id with an `X-Slack-Retry-Num` header. Each is delivered once and its effect recorded (every table's
rows, and what Tally posted to Slack), then delivered again, one after another or all at once; the database and
Slack must look exactly as after the first delivery.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.playground import slack_requests as requests
from bot.slack.blocks import ids
from metrics.records import RepContext
from tests.factories import log, make_office
from tests.harness import SlackHarness
from tests.reliability.state import changed_tables, database_state, settle

BOB = "<@UBOB|bob>"
# (who, command, text): every slash command that writes, as the person allowed to run it.
COMMANDS = [
    ("UBOB", "/log", "12 dials 3 meetings"),
    ("UBOB", "/log", "won Acme $12,000"),
    ("UBOB", "/log", "opp Beta $30k"),
    ("UBOB", "/log", "undo"),
    ("UDEE", "/target", f"{BOB} 50 dials daily"),
    ("UDEE", "/target", f"clear {BOB} dials"),
    ("UDEE", "/target", f"{BOB} 50 % ramp until 2027-01-31"),
    ("UBOB", "/target", "me 60 dials daily"),
    ("UDEE", "/standings", "post"),
    ("UDEE", "/plan", "apply"),
    ("UANN", "/tally", "team create North #north"),
    ("UANN", "/tally", f"team add {BOB} to West"),
    ("UANN", "/tally", f"role {BOB} manager of East"),
    ("UANN", "/tally", "weights meetings=12"),
    ("UANN", "/tally", "settings workweek sun-thu"),
    ("UANN", "/tally", "schedule standings 17:00"),
    ("UANN", "/tally", "export entries"),
    ("UBOB", "/tally", "pto 2026-12-24..2026-12-31"),
    ("UBOB", "/tally", "mute until monday"),
    ("UBOB", "/tally", "privacy hide"),
    ("UBOB", "/tally", "me timezone Europe/London"),
]
TIMES = [2, 5]
Deliver = Callable[[], object]


@pytest.fixture
def office(slack: SlackHarness) -> dict[str, RepContext]:
    """The office of tests/factories.py in the harness's workspace; Bob has a log to undo and a plan to apply."""
    people = make_office(slack.sessions, team=slack.team_id)
    for name in people:
        slack.add_user(f"U{name.upper()}", name, "America/New_York")
    log(slack.sessions, people["Bob"], {"dials": 40, "meetings": 2})
    assert "Deals —" in slack.command("/plan", "$1M year deal 10k win 20%", user="UDEE").text
    return people


def slack_effects(slack: SlackHarness) -> list[tuple[str, str]]:
    """What Tally did in Slack apart from answering: posts, uploads, published views (method and target)."""
    kept = ("chat.postMessage", "files.completeUploadExternal", "views.open")  # views.publish only refreshes
    return [
        (call.method, str(call.params.get("channel") or call.params.get("user_id") or ""))
        for call in slack.fake.calls()
        if call.method in kept
    ]


def once_then_again(slack: SlackHarness, deliver: Deliver, times: int, at_once: bool) -> None:
    """Deliver once, record the effect, deliver `times - 1` more; assert nothing more happened."""
    deliver()
    settle(slack)
    state, effects = database_state(slack.sessions), slack_effects(slack)
    if at_once:
        with ThreadPoolExecutor(max_workers=times - 1) as pool:
            list(pool.map(lambda _: deliver(), range(times - 1)))
    else:
        for _ in range(times - 1):
            deliver()
    settle(slack)
    assert changed_tables(state, database_state(slack.sessions)) == []
    assert slack_effects(slack) == effects


# Every command: /log through the ledger's own trigger_id keys, the rest through the redelivery guard
# (bot/slack/redelivery.py; before it, 16 of them wrote a second audit row, target version, PTO or post).
CASES = [
    pytest.param(user, command, text, times, id=f"{command} {text}"[:40] + f"-{times}")
    for user, command, text in COMMANDS
    for times in TIMES
]


@pytest.mark.parametrize(("user", "command", "text", "times"), CASES)
def test_a_redelivered_command_counts_once(
    slack: SlackHarness, office: dict[str, RepContext], user: str, command: str, text: str, times: int
) -> None:
    before = database_state(slack.sessions)
    trigger = requests.new_trigger_id()
    first = slack.command(command, text, user=user, trigger_id=trigger)
    assert first.http.status == 200 and not first.text.startswith(("⚠️", "❌")), first.text
    settle(slack)
    assert changed_tables(before, database_state(slack.sessions)) or slack_effects(slack), "the first did nothing"
    once_then_again(slack, lambda: slack.command(command, text, user=user, trigger_id=trigger), times, times == 5)


@pytest.mark.parametrize("times", TIMES)
def test_a_redelivered_quick_log_counts_once(slack: SlackHarness, office: dict[str, RepContext], times: int) -> None:
    trigger = requests.new_trigger_id()

    def press() -> int:
        url = slack.fake.new_response_url()
        body = requests.block_action(
            ids.QUICK_LOG, "dials:10", user_id="UBOB", team_id=slack.team_id, response_url=url, trigger_id=trigger
        )
        return slack.poster.post(body, requests.FORM).status

    once_then_again(slack, press, times, times == 5)


@pytest.mark.parametrize("times", TIMES)
def test_a_redelivered_undo_counts_once(slack: SlackHarness, office: dict[str, RepContext], times: int) -> None:
    batch, trigger = log(slack.sessions, office["Bob"], {"dials": 9}).batch_id, requests.new_trigger_id()

    def press() -> int:  # the same press redelivered: same trigger_id (a second press would get a new one)
        url = slack.fake.new_response_url()
        body = requests.block_action(
            ids.UNDO_LOG, batch, user_id="UBOB", team_id=slack.team_id, response_url=url, trigger_id=trigger
        )
        return slack.poster.post(body, requests.FORM).status

    once_then_again(slack, press, times, times == 5)


@pytest.mark.parametrize("times", TIMES)
def test_a_redelivered_log_form_counts_once(slack: SlackHarness, office: dict[str, RepContext], times: int) -> None:
    values = {
        f"{ids.METRIC_BLOCK_PREFIX}dials": {ids.METRIC_INPUT: {"type": "number_input", "value": "7"}},
        ids.DAY_BLOCK: {ids.DAY_INPUT: {"type": "datepicker", "selected_date": "2026-11-26"}},
    }
    once_then_again(slack, lambda: slack.submit(ids.LOG_FORM, values, user="UBOB", view_id="VFORM1"), times, times == 5)


EVENTS = {
    "user_change": {
        "type": "user_change",
        "user": {"id": "UBOB", "tz": "Asia/Tokyo", "profile": {"display_name": "B"}},
    },
    "app_home_opened": {"type": "app_home_opened", "user": "UBOB", "tab": "home", "channel": "DBOB"},
}


@pytest.mark.parametrize("times", TIMES)
@pytest.mark.parametrize("name", list(EVENTS))
def test_a_retried_event_counts_once(slack: SlackHarness, office: dict[str, RepContext], name: str, times: int) -> None:
    """Slack retries an event with the same event_id and X-Slack-Retry-Num 1, 2, …"""
    body = requests.event_callback(EVENTS[name], team_id=slack.team_id, event_id="Ev0RETRIED")
    retries = iter(range(times))

    def deliver() -> int:
        number = next(retries)
        headers = {"X-Slack-Retry-Num": str(number), "X-Slack-Retry-Reason": "http_timeout"} if number else {}
        return slack.poster.post(body, requests.JSON, extra_headers=headers).status

    once_then_again(slack, deliver, times, at_once=False)

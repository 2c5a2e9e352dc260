"""Issue 8, item 1: only requests Slack signed, within five minutes, exactly as signed, are obeyed.

Each kind of request Slack sends (a slash command, a button press, a modal submission, an event) is first sent
genuinely — it must be obeyed and change the database, so the refusals below cannot pass by accident — and then
forged nine ways. Every forgery must get 401, write no row of any table and make no call to Slack.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from bot.playground import slack_requests as requests
from bot.slack.blocks import ids
from tests.factories import log, make_rep
from tests.harness import SlackHarness
from tests.reliability.state import changed_tables, database_state, settle


@dataclass(frozen=True)
class Kind:
    """One kind of request: how to build a genuine body, its content type, and the table it would change."""

    build: Callable[[SlackHarness, str], str]
    content_type: str
    writes: str


def _command(slack: SlackHarness, batch: str) -> str:
    url = slack.fake.new_response_url()
    return requests.slash_command("/log", "12 dials", user_id="UALICE", team_id=slack.team_id, response_url=url)


def _button(slack: SlackHarness, batch: str) -> str:
    url = slack.fake.new_response_url()
    return requests.block_action(ids.UNDO_LOG, batch, user_id="UALICE", team_id=slack.team_id, response_url=url)


def _modal(slack: SlackHarness, batch: str) -> str:
    values = {
        f"{ids.METRIC_BLOCK_PREFIX}dials": {ids.METRIC_INPUT: {"type": "number_input", "value": "7"}},
        ids.DAY_BLOCK: {ids.DAY_INPUT: {"type": "datepicker", "selected_date": "2026-11-26"}},
    }
    return requests.view_submission(ids.LOG_FORM, values, user_id="UALICE", team_id=slack.team_id)


def _event(slack: SlackHarness, batch: str) -> str:
    user = {"id": "UALICE", "team_id": slack.team_id, "tz": "Asia/Tokyo", "profile": {"display_name": "Mallory"}}
    return requests.event_callback({"type": "user_change", "user": user}, team_id=slack.team_id)


KINDS = {
    "command": Kind(_command, requests.FORM, "entry"),
    "button": Kind(_button, requests.FORM, "entry"),
    "modal": Kind(_modal, requests.FORM, "entry"),
    "event": Kind(_event, requests.JSON, "rep"),
}
FIVE_MINUTES = 300


def post_raw(url: str, body: str, headers: dict[str, str]) -> int:
    """POST exactly these headers (SignedPoster always adds both of Slack's); return the status."""
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def forge(slack: SlackHarness, how: str, body: str, content_type: str) -> int:
    """Send `body` forged in the way named `how`; return the HTTP status."""
    now = int(time.time())
    signed = {
        "X-Slack-Request-Timestamp": str(now),
        "X-Slack-Signature": requests.sign(slack.signing_secret, now, body),
    }
    headers = {"Content-Type": content_type} | signed
    if how == "bad signature":
        headers["X-Slack-Signature"] = "v0=" + "0" * 64
    elif how.startswith("no "):
        for name in {
            "no timestamp": ["Timestamp"],
            "no signature": ["Signature"],
            "no headers": ["Timestamp", "Signature"],
        }[how]:
            headers.pop(next(key for key in headers if key.endswith(name)))
    elif how in ("stale", "future"):
        # 10 s past the window either way: a whole second may tick between signing and checking
        stamp = now - FIVE_MINUTES - 10 if how == "stale" else now + FIVE_MINUTES + 10
        headers |= {
            "X-Slack-Request-Timestamp": str(stamp),
            "X-Slack-Signature": requests.sign(slack.signing_secret, stamp, body),
        }
    elif how == "replayed":  # captured six minutes ago; the attacker puts a fresh timestamp on the old signature
        headers["X-Slack-Signature"] = requests.sign(slack.signing_secret, now - FIVE_MINUTES - 60, body)
    elif how == "tampered":
        body = body.replace("UALICE", "UBOB0")
    elif how == "wrong secret":
        headers["X-Slack-Signature"] = requests.sign("someone-elses-secret", now, body)
    return post_raw(slack.url, body, headers)


FORGERIES = [
    "bad signature",
    "no timestamp",
    "no signature",
    "no headers",
    "stale",
    "future",
    "replayed",
    "tampered",
    "wrong secret",
]


@pytest.fixture
def batch(slack: SlackHarness) -> str:
    """Alice exists and has one log, so an obeyed Undo, log or profile change would each change a table."""
    slack.add_user("UALICE", "Alice", "America/New_York")
    slack.add_user("UBOB0", "Bob", "America/New_York")
    alice = make_rep(slack.sessions, team=slack.team_id)
    return log(slack.sessions, alice, {"dials": 5}).batch_id


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_genuine_request_is_obeyed(slack: SlackHarness, batch: str, kind: str) -> None:
    """The control: without it, a broken request builder would make every refusal below pass."""
    before = database_state(slack.sessions)
    body = KINDS[kind].build(slack, batch)
    assert slack.poster.post(body, KINDS[kind].content_type).status == 200
    settle(slack)
    assert KINDS[kind].writes in changed_tables(before, database_state(slack.sessions))


@pytest.mark.parametrize("kind", list(KINDS))
def test_forged_requests_get_401_and_change_nothing(slack: SlackHarness, batch: str, kind: str) -> None:
    """All nine forgeries of one kind, then one wait for any work they might have wrongly started."""
    before = database_state(slack.sessions)
    slack.fake.clear()
    statuses = {how: forge(slack, how, KINDS[kind].build(slack, batch), KINDS[kind].content_type) for how in FORGERIES}
    assert statuses == dict.fromkeys(FORGERIES, 401)
    settle(slack)
    assert changed_tables(before, database_state(slack.sessions)) == []
    assert slack.fake.calls() == [], "a forged request reached Slack"

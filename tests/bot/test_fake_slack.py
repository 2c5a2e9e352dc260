"""The fake Slack Web API itself: it answers like Slack, records every call, and misbehaves on request."""

from __future__ import annotations

import time

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.playground.fake_slack import FakeSlack


def client(fake: FakeSlack, **kwargs: object) -> WebClient:
    return WebClient(token=fake.bot_token, base_url=fake.base_url, **kwargs)  # type: ignore[arg-type]


def test_it_answers_and_records_with_bodies(fake_slack: FakeSlack) -> None:
    fake_slack.add_user("UALICE", "Alice", "Europe/London")
    web = client(fake_slack)
    assert web.auth_test()["team_id"] == fake_slack.team_id
    assert web.users_info(user="UALICE")["user"]["tz"] == "Europe/London"
    posted = web.chat_postMessage(channel="UALICE", text="hi", blocks=[{"type": "divider"}])
    assert posted["channel"] == "DALICE" and posted["ts"]
    call = fake_slack.calls("chat.postMessage")[0]
    assert call.params["text"] == "hi" and call.json_param("blocks") == [{"type": "divider"}]
    assert [c.method for c in fake_slack.calls()] == ["auth.test", "users.info", "chat.postMessage"]


def test_a_wrong_token_is_refused_as_slack_does(fake_slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError, match="invalid_auth"):
        WebClient(token="xoxb-wrong", base_url=fake_slack.base_url).auth_test()


def test_429_carries_retry_after_and_the_sdk_honours_it(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)
    web = client(fake_slack, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])
    started = time.monotonic()
    assert web.chat_postMessage(channel="C1", text="x")["ok"]
    assert time.monotonic() - started >= 1.0
    assert [call.status for call in fake_slack.calls("chat.postMessage")] == [429, 200]


def test_server_errors_surface_as_errors(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("*", status=503, times=2)
    with pytest.raises(SlackApiError) as caught:
        client(fake_slack).auth_test()
    assert caught.value.response.status_code == 503


def test_a_hang_trips_the_client_timeout(fake_slack: FakeSlack) -> None:
    fake_slack.hang_next("chat.postMessage", seconds=1.5)
    with pytest.raises(TimeoutError):
        client(fake_slack, timeout=0.3).chat_postMessage(channel="C1", text="x")


def test_wait_for_times_out_with_a_summary(fake_slack: FakeSlack) -> None:
    with pytest.raises(TimeoutError, match="calls: none"):
        fake_slack.wait_for(lambda calls: bool(calls), timeout=0.1)

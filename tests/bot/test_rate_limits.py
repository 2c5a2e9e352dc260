"""Slack's posting limits in the fake Slack (per channel with a burst, a workspace-wide ceiling, 429 +
Retry-After), and a fan-out at that ceiling: every message goes out in one run, without a storm of 429s."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from bot.playground.fake_slack import FakeSlack
from bot.playground.fake_slack_limits import Limiter, RateLimits
from bot.slack.notifier import SlackNotifier, notifier_client
from metrics.dispatch import Dispatcher
from tests.bot.test_outbox_faults import deliveries, nudge, plan, posted_ids, register_people, utc_now

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


class Ticks:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_channel_takes_its_burst_then_one_a_second() -> None:
    clock = Ticks()
    limiter = Limiter(RateLimits(per_channel=1, channel_burst=3, per_workspace=100, workspace_burst=100), clock)
    assert [limiter.admit("C1") for _ in range(3)] == [0, 0, 0]
    assert limiter.admit("C1") == pytest.approx(1.0)  # the fourth waits a second
    assert limiter.admit("C2") == 0  # another channel is not held up
    clock.now = 1.0
    assert limiter.admit("C1") == 0


def test_the_workspace_ceiling_holds_across_channels() -> None:
    clock = Ticks()
    limiter = Limiter(RateLimits(per_workspace=5, workspace_burst=2), clock)
    assert [limiter.admit(f"D{n}") for n in range(2)] == [0, 0]
    assert limiter.admit("D9") == pytest.approx(0.2)
    clock.now = 0.2
    assert limiter.admit("D9") == 0


def test_the_floor_is_the_tighter_of_the_two_limits_at_the_given_speed() -> None:
    limits = RateLimits(per_channel=1, channel_burst=3, per_workspace=5, workspace_burst=20, speedup=20)
    assert limits.floor([1] * 1000) == pytest.approx((1000 - 20) / 5 / 20)
    assert limits.floor([13]) == pytest.approx(10 / 1 / 20)
    assert (limits.retry_after(0.0123), RateLimits().retry_after(0.2)) == ("0.013", "1")


def test_the_fake_answers_429_with_retry_after_beyond_the_limit(fake_slack: FakeSlack) -> None:
    fake_slack.limit_rates(RateLimits(per_channel=1, channel_burst=2, speedup=1))
    web = WebClient(token=fake_slack.bot_token, base_url=fake_slack.base_url, retry_handlers=[])
    web.chat_postMessage(channel="C1", text="one")
    web.chat_postMessage(channel="C1", text="two")
    with pytest.raises(SlackApiError) as refused:
        web.chat_postMessage(channel="C1", text="three")
    assert refused.value.response.status_code == 429 and refused.value.response.headers["Retry-After"] == "1"
    assert len(fake_slack.messages["C1"]) == 2
    fake_slack.limit_rates(None)
    assert web.chat_postMessage(channel="C1", text="three")["ok"]


@SQLITE_ONLY
def test_a_fan_out_at_the_ceiling_sends_everything_in_one_run(
    sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    # 200 DMs against a ceiling of 5 a second with a burst of 5, 50× faster: about 4 s of Slack's patience.
    # Four workers racing used to draw three 429s per message and give up on one in five (retried minutes later).
    workspace_id, people = register_people(sessions, fake_slack, 200)
    plan(sessions, [nudge(workspace_id, person, utc_now()) for person in people])
    fake_slack.limit_rates(RateLimits(per_workspace=5, workspace_burst=5, speedup=50))
    notifier = SlackNotifier(notifier_client(fake_slack.bot_token, fake_slack.base_url))
    report = Dispatcher(sessions, notifier, clock=utc_now, owner="t").run()
    assert report.sent == 200 and report.retrying == report.failed == 0, report
    assert {row.status for row in deliveries(sessions).values()} == {"sent"}
    assert set(posted_ids(fake_slack).values()) == {1}
    assert report.rate_limited < 2 * 200, "the workers kept racing into the ceiling"

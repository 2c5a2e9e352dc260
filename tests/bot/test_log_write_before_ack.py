"""An acknowledged /log is a stored /log: the ack waits for the write (within a budget), not the lazy listener.

The listener executor here never runs anything, as if the server were killed right after its ack: before the
write moved into the ack, the entry below was never stored although Slack had been told the command arrived.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.ops.routes import ops_routes
from bot.playground import slack_requests as requests
from bot.playground.fake_slack import FakeSlack
from bot.slack.app import build_app
from bot.slack.runtime import Runtime
from bot.slack.server import make_http_server, serve_in_background
from bot.slack.write_before_ack import WRITES
from metrics.records import WorkspaceDefaults
from tests.factories import FakeClock, entry_count
from tests.harness import TEAM

pytestmark = pytest.mark.db
SECRET = "test-signing-secret"


class NeverRuns(Executor):
    """A listener executor whose work never starts: the process 'dies' between the ack and the lazy listener."""

    def __init__(self) -> None:
        self.held: list[Callable[..., Any]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.held.append(fn)
        return Future()


@pytest.fixture
def crashed_after_ack(
    sessions: sessionmaker[Session], clock: FakeClock, fake_slack: FakeSlack
) -> Iterator[tuple[requests.SignedPoster, NeverRuns]]:
    executor = NeverRuns()
    runtime = Runtime(sessions=sessions, defaults=WorkspaceDefaults(timezone="UTC"), clock=clock)
    app = build_app(
        runtime=runtime,
        bot_token=fake_slack.bot_token,
        signing_secret=SECRET,
        slack_api_url=fake_slack.base_url,
        listener_executor=executor,
    )
    server = make_http_server(app, "127.0.0.1", 0, routes=ops_routes(sessions, clock))
    serve_in_background(server)
    yield requests.SignedPoster(f"http://127.0.0.1:{server.server_port}/slack/events", SECRET), executor
    server.shutdown()
    server.server_close()


def _log(poster: requests.SignedPoster, fake: FakeSlack, text: str, trigger: str) -> requests.HttpReply:
    body = requests.slash_command(
        "/log", text, user_id="UALICE", team_id=TEAM, response_url=fake.new_response_url(), trigger_id=trigger
    )
    return poster.post(body, requests.FORM)


def test_the_log_is_stored_before_slack_gets_its_ack(
    crashed_after_ack: tuple[requests.SignedPoster, NeverRuns], fake_slack: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    poster, executor = crashed_after_ack
    fake_slack.add_user("UALICE", "Alice", "UTC")

    reply = _log(poster, fake_slack, "12 dials 3 meetings", "trigger-1")

    assert reply.status == 200
    assert entry_count(sessions) == 2  # written before the ack, though no lazy listener ran
    assert len(executor.held) == 1  # the reply is still the lazy listener's job
    assert WRITES.collect(f"{TEAM}/trigger-1") is not None  # handed over to it, keyed by the request


def test_refused_input_is_acknowledged_and_writes_nothing(
    crashed_after_ack: tuple[requests.SignedPoster, NeverRuns], fake_slack: FakeSlack, sessions: sessionmaker[Session]
) -> None:
    poster, _ = crashed_after_ack
    fake_slack.add_user("UALICE", "Alice", "UTC")

    reply = _log(poster, fake_slack, "twelve dials", "trigger-2")

    assert reply.status == 200
    assert entry_count(sessions) == 0
    failed = WRITES.collect(f"{TEAM}/trigger-2")
    assert failed is not None and failed.exception() is not None  # the lazy listener turns it into the refusal

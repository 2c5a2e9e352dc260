"""Issue 8, item 7: PostgreSQL stopped and started under a steady load of /log through the real app.

A request during the outage is still acknowledged (HTTP 200: Bolt acks before the listener touches the database)
and then answered "…nothing was saved. Please try again in a moment." — never "✅ Logged". Once the server is
back the app recovers by itself (pool_pre_ping replaces the dead connections), and every log it confirmed is in
the database exactly once, and every one it said was not saved is not.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from bot.playground import slack_requests as requests
from bot.playground.fake_slack import FakeSlack
from bot.slack.app import build_app
from bot.slack.blocks.replies import SOMETHING_WENT_WRONG
from bot.slack.runtime import Runtime
from bot.slack.server import make_http_server, serve_in_background
from metrics import db
from metrics.models import Entry
from metrics.records import WorkspaceDefaults
from tests.reliability.postgres_server import PostgresServer

SECRET = "restart-secret"
CLIENTS = 4
OUTAGE = 3.0  # seconds the server stays down


@dataclass
class App:
    """The real Bolt app behind the real HTTP server, acking first, on the test's own PostgreSQL server."""

    url: str
    fake: FakeSlack
    engine: Engine
    executor: ThreadPoolExecutor
    sent: dict[str, str] = field(default_factory=dict)  # trigger id → response_url
    statuses: Counter[int] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def log(self, user: str, text: str = "1 dial") -> str:
        """Send `/log TEXT` as `user`; return its trigger id."""
        trigger, response_url = requests.new_trigger_id(), self.fake.new_response_url()
        body = requests.slash_command(
            "/log", text, user_id=user, team_id=self.fake.team_id, response_url=response_url, trigger_id=trigger
        )
        with self.lock:
            self.sent[trigger] = response_url
        status = requests.SignedPoster(self.url, SECRET).post(body, requests.FORM).status
        with self.lock:
            self.statuses[status] += 1
        return trigger

    def wait_for_reply(self, trigger: str) -> None:
        path = self.sent[trigger].removeprefix(self.fake.root_url)
        self.fake.wait_for(lambda calls: any(call.path == path for call in calls), timeout=30)

    def replies(self) -> dict[str, list[str]]:
        """Trigger id → the texts sent to its response_url, in order."""
        by_path = {url.removeprefix(self.fake.root_url): trigger for trigger, url in self.sent.items()}
        found: dict[str, list[str]] = {trigger: [] for trigger in self.sent}
        for call in self.fake.calls("response_url"):
            if call.path in by_path:
                found[by_path[call.path]].append(str(call.params.get("text", "")))
        return found

    def stored(self) -> Counter[str]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(Entry.idempotency_key, func.count()).group_by(Entry.idempotency_key))
            return Counter({str(key): int(count) for key, count in rows if key is not None})


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    # Not under pytest's tmp_path: as root the cluster belongs to the postgres user, who cannot enter root's 0700
    # directories.
    directory = Path(tempfile.mkdtemp(prefix="tally-restart-pg-"))
    try:
        server = PostgresServer.start_new(directory)
        yield server
        server.remove()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def app(postgres: PostgresServer, fake_slack: FakeSlack) -> Iterator[App]:
    engine = db.make_engine(postgres.url)
    db.upgrade(engine)
    executor = ThreadPoolExecutor(max_workers=5)
    runtime = Runtime(sessions=db.make_sessionmaker(engine), defaults=WorkspaceDefaults(timezone="UTC"))
    bolt = build_app(
        runtime=runtime,
        bot_token=fake_slack.bot_token,
        signing_secret=SECRET,
        slack_api_url=fake_slack.base_url,
        listener_executor=executor,
    )
    server = make_http_server(bolt, "127.0.0.1", 0)
    serve_in_background(server)
    for index in range(CLIENTS):
        fake_slack.add_user(f"UPG{index}", f"Rep {index}", "UTC")
    yield App(f"http://127.0.0.1:{server.server_port}/slack/events", fake_slack, engine, executor)
    server.shutdown()
    server.server_close()
    executor.shutdown(wait=True)
    engine.dispose()


def steady_load(app: App, stop: threading.Event) -> list[threading.Thread]:
    """CLIENTS clients, each logging one dial every 20 ms until `stop`."""

    def client(user: str) -> None:
        while not stop.is_set():
            app.log(user)
            time.sleep(0.02)

    threads = [threading.Thread(target=client, args=(f"UPG{index}",)) for index in range(CLIENTS)]
    for thread in threads:
        thread.start()
    return threads


@pytest.mark.slow
def test_a_database_restart_under_load_never_claims_a_log_it_did_not_save(app: App, postgres: PostgresServer) -> None:
    for index in range(CLIENTS):  # everyone exists before the outage
        app.wait_for_reply(app.log(f"UPG{index}"))
    stop = threading.Event()
    clients = steady_load(app, stop)
    time.sleep(1.0)
    before = len(app.sent)
    postgres.stop()
    stopped = len(app.sent)
    time.sleep(OUTAGE)
    during = len(app.sent) - stopped
    postgres.start()
    restarted = len(app.sent)
    recovered = lambda: sum(bool(texts) and "Logged" in texts[0] for t, texts in app.replies().items() if t in after)  # noqa: E731
    after: set[str] = set()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # until 20 logs sent after the restart were confirmed: it healed itself
        after = set(list(app.sent)[restarted:])
        if recovered() >= 20:
            break
        time.sleep(0.05)
    stop.set()
    for thread in clients:
        thread.join(timeout=30)
    app.executor.shutdown(wait=True)  # every listener has answered

    replies, stored = app.replies(), app.stored()
    confirmed = {trigger for trigger, texts in replies.items() if texts and "Logged" in texts[0]}
    refused = {trigger for trigger, texts in replies.items() if texts and SOMETHING_WENT_WRONG in texts[0]}
    print(
        f"\n/log sent {len(app.sent)} ({before} before the stop, {during} during the {OUTAGE:.0f} s outage, "
        f"{len(app.sent) - restarted} after the start); HTTP {dict(app.statuses)}; confirmed {len(confirmed)}, "
        f"'try again' {len(refused)}, stored {len(stored)}; duplicates {sum(n - 1 for n in stored.values())}"
    )
    assert app.statuses == {200: len(app.sent)}
    assert all(len(texts) == 1 for texts in replies.values()), {t: x for t, x in replies.items() if len(x) != 1}
    assert confirmed | refused == set(app.sent), "a reply that is neither a confirmation nor 'try again'"
    assert refused, "no request met the outage"
    assert recovered() >= 20, "the app did not recover after the database came back"
    assert confirmed <= set(stored), f"confirmed but not saved: {sorted(confirmed - set(stored))}"
    assert not refused & set(stored), f"'nothing was saved', but saved: {sorted(refused & set(stored))}"
    assert set(stored.values()) == {1}


def test_a_log_saved_just_before_the_database_goes_down_is_not_reported_as_failed(
    app: App, postgres: PostgresServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Regression: the Home tab refresh after "✅ Logged" read the database outside its guard, so an outage in
    between added "…nothing was saved. Please try again" to a log that was saved: a retry would count it twice."""
    app.wait_for_reply(app.log("UPG0"))  # UPG0 exists
    app.fake.hang_next("response_url", seconds=5)  # the confirmation is on its way while the database stops
    trigger = app.log("UPG0", "7 dials")
    deadline = time.monotonic() + 30
    while trigger not in app.stored():
        assert time.monotonic() < deadline, "the log was never written"
        time.sleep(0.01)
    with caplog.at_level(logging.WARNING, logger="bot.slack.home"):
        postgres.stop()
        try:
            app.executor.shutdown(wait=True)  # its listener has finished
        finally:
            postgres.start()

    assert app.replies()[trigger] == [app.replies()[trigger][0]] and "Logged 7 dials" in app.replies()[trigger][0]
    assert any("Home tab" in record.getMessage() for record in caplog.records), "the database was back too soon"
    assert app.stored()[trigger] == 1

"""`tally run --http` under gunicorn: 20 concurrent clients, a SIGTERM in the middle of their load, and an ack
that does not wait for a locked database.

A log is acknowledged when its request got HTTP 200. Bolt acks before the listener writes, so the guarantee
under test is that a graceful stop finishes every acknowledged request's work: each one is in the database
exactly once after the server has exited.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.playground import slack_requests as requests
from bot.playground.fake_slack import FakeSlack
from metrics import db
from metrics.models import Entry
from tests.harness import SlackHarness

ROOT = Path(__file__).resolve().parents[2]
SECRET = "gunicorn-secret"
CLIENTS = 20


@dataclass
class Load:
    """What the clients sent and what the server answered, shared by the client threads."""

    url: str
    fake: FakeSlack
    acked: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def log(self, user: str) -> bool:
        """Send `/log 3 dials` as `user`; record the outcome; False once the server stops answering."""
        trigger = requests.new_trigger_id()
        body = requests.slash_command(
            "/log", "3 dials", user_id=user, team_id=self.fake.team_id,
            response_url=self.fake.new_response_url(), trigger_id=trigger,
        )  # fmt: skip
        try:
            reply = requests.SignedPoster(self.url, SECRET).post(body, requests.FORM, timeout=30)
        except OSError:
            with self.lock:
                self.refused += 1
            return False
        with self.lock:
            self.statuses[reply.status] += 1
            if reply.status == 200:
                self.acked.append(trigger)
        return True


@pytest.fixture
def gunicorn_tally(database_url: str, fake_slack: FakeSlack) -> Iterator[tuple[subprocess.Popen[str], Load]]:
    env = os.environ | {
        "SLACK_BOT_TOKEN": fake_slack.bot_token,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake_slack.base_url,
        "DATABASE_URL": database_url,
        "TALLY_LOG_LEVEL": "WARNING",
    }
    argv = ["run", "--http", "--host", "127.0.0.1", "--port", "0", "--workers", "2", "--threads", "8"]
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", *argv, "--no-scheduler"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    match = re.search(r"http://\S+/slack/events", process.stdout.readline())
    assert match, "gunicorn did not announce its address"
    for index in range(CLIENTS):
        fake_slack.add_user(f"ULOAD{index:02d}", f"Rep {index}", "Europe/Berlin")
    yield process, Load(match.group(0), fake_slack)
    if process.poll() is None:
        process.kill()
        process.wait()


def run_clients(load: Load, per_client: int | None, stop: threading.Event | None = None) -> None:
    """CLIENTS threads, each logging `per_client` times (or until the server stops answering)."""

    def client(user: str) -> None:
        sent = 0
        while per_client is None or sent < per_client:
            if not load.log(user) or (stop is not None and stop.is_set()):
                return
            sent += 1

    threads = [threading.Thread(target=client, args=(f"ULOAD{i:02d}",)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)


def stored_keys(database_url: str) -> Counter[str]:
    engine = db.make_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(Entry.idempotency_key, func.count()).group_by(Entry.idempotency_key)).all()
    finally:
        engine.dispose()
    return Counter({str(key): int(count) for key, count in rows if key is not None})


@pytest.mark.slow
def test_twenty_concurrent_clients_get_no_errors(
    gunicorn_tally: tuple[subprocess.Popen[str], Load], database_url: str
) -> None:
    process, load = gunicorn_tally
    run_clients(load, per_client=10)
    assert load.statuses == Counter({200: CLIENTS * 10}) and load.refused == 0
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    stored = stored_keys(database_url)
    assert sorted(stored) == sorted(load.acked) and set(stored.values()) == {1}


@pytest.mark.slow
def test_sigterm_under_load_loses_no_acknowledged_log(
    gunicorn_tally: tuple[subprocess.Popen[str], Load], database_url: str
) -> None:
    process, load = gunicorn_tally
    clients = threading.Thread(target=run_clients, args=(load, None))
    clients.start()
    deadline = time.monotonic() + 60
    while len(load.acked) < 60 and time.monotonic() < deadline:  # well into the load before the signal
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    clients.join(timeout=120)
    assert process.wait(timeout=60) == 0
    assert set(load.statuses) == {200}, f"only acks or refusals expected, got {load.statuses}"
    assert load.refused > 0, "the clients never saw the server stop"
    stored = stored_keys(database_url)
    missing = set(load.acked) - set(stored)
    assert not missing, f"{len(missing)} acknowledged logs lost of {len(load.acked)}"
    assert set(stored.values()) == {1} and len(stored) >= len(load.acked)


def test_requests_are_acknowledged_while_the_database_is_locked(
    slack: SlackHarness, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    """Ack first: a /log is answered 200 while another transaction holds the database, and written once it lets go."""
    slack.add_user("UALICE", "Alice", "UTC")
    assert "Logged" in slack.command("/log", "1 dial").text  # Alice and her workspace exist
    with engine.connect() as blocker:
        blocker.begin()  # SQLite: BEGIN IMMEDIATE (metrics/db.py), which every Tally transaction must wait for
        if engine.dialect.name == "postgresql":
            blocker.exec_driver_sql("LOCK TABLE rep, entry IN ACCESS EXCLUSIVE MODE")  # readers wait too
        response_url = slack.fake.new_response_url()
        body = requests.slash_command(
            "/log", "4 dials", user_id="UALICE", team_id=slack.team_id, response_url=response_url
        )
        assert slack.poster.post(body, requests.FORM).status == 200  # answered while the lock is held
        assert not [call for call in slack.fake.calls() if call.path.endswith(response_url.rsplit("/", 1)[1])]
        blocker.rollback()
    path = response_url.removeprefix(slack.fake.root_url)
    slack.fake.wait_for(lambda calls: any(call.path == path for call in calls), timeout=30)
    with sessions() as session:
        assert session.scalar(select(func.sum(Entry.quantity))) == 5

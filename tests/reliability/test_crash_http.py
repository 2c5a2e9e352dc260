"""Issue 8, item 5 (logs): `tally run --http` (gunicorn: the master and its workers) SIGKILLed KILLS times (3 in CI, 5
with TALLY_RELIABILITY_KILLS=5), each at a seeded point of a burst of /log requests from 8 clients — early, in the
middle and late in the burst — and started again on the same database; on SQLite and on PostgreSQL.

A log is *received* when its request got HTTP 200 and *acknowledged* (confirmed) when Tally told the person
"✅ Logged" at the request's response_url, which it does only after the write committed. Every confirmed log must
be in the database exactly once after the restarts. /log writes before it acks, waiting for the write up to
ACK_BUDGET (bot/slack/write_before_ack.py), so a log whose 200 came back sooner than that was written before its
ack and must survive too. Only a 200 that took longer than the budget (a write still running when Slack had to be
answered) may be lost by a SIGKILL; the test counts those and prints them.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.playground import slack_requests as requests
from bot.playground.fake_slack import FakeSlack
from bot.slack.write_before_ack import ACK_BUDGET
from tests.bot.test_http_server import stored_keys
from tests.reliability.sizes import KILLS, kill_points

ROOT = Path(__file__).resolve().parents[2]
SECRET = "crash-secret"
CLIENTS = 8
SEED = 5


@dataclass
class Burst:
    """Every /log sent (trigger id → response_url) and every one the server received, across all runs."""

    fake: FakeSlack
    sent: dict[str, str] = field(default_factory=dict)
    received: list[str] = field(default_factory=list)
    other_statuses: list[int] = field(default_factory=list)
    within_budget: set[str] = field(default_factory=set)  # 200s that came back before the ack budget ran out
    lock: threading.Lock = field(default_factory=threading.Lock)

    def log(self, url: str, user: str) -> bool:
        """Send `/log 2 dials` as `user`; False once the server does not answer."""
        trigger, response_url = requests.new_trigger_id(), self.fake.new_response_url()
        body = requests.slash_command(
            "/log", "2 dials", user_id=user, team_id=self.fake.team_id, response_url=response_url, trigger_id=trigger
        )
        with self.lock:
            self.sent[trigger] = response_url
        started = time.monotonic()
        try:
            reply = requests.SignedPoster(url, SECRET).post(body, requests.FORM, timeout=30)
        except OSError:
            return False
        with self.lock:
            (self.received.append(trigger) if reply.status == 200 else self.other_statuses.append(reply.status))
            if reply.status == 200 and time.monotonic() - started < ACK_BUDGET:
                self.within_budget.add(trigger)  # the server waited for nothing but the write to finish
        return True

    def confirmed(self) -> set[str]:
        """Trigger ids whose response_url was told "Logged"."""
        paths = {response_url.removeprefix(self.fake.root_url): trigger for trigger, response_url in self.sent.items()}
        return {
            paths[call.path]
            for call in self.fake.calls("response_url")
            if call.path in paths and "Logged" in str(call.params.get("text", ""))
        }


@contextmanager
def tally_http(
    database_url: str, fake: FakeSlack, tmp_path: Path, run: int
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`tally run --http` in a session of its own (so one killpg reaches the master and every worker)."""
    env = os.environ | {
        "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.base_url,
        "DATABASE_URL": database_url,
        "TALLY_LOG_LEVEL": "WARNING",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
    }
    (tmp_path / "prometheus").mkdir(exist_ok=True)
    argv = ["run", "--http", "--host", "127.0.0.1", "--port", "0", "--workers", "2", "--threads", "4", "--no-scheduler"]
    with (tmp_path / f"server-{run}.err").open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", *argv], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr,
            text=True, start_new_session=True,
        )  # fmt: skip
    try:
        assert process.stdout is not None
        match = re.search(r"http://\S+/slack/events", process.stdout.readline())
        assert match, f"gunicorn did not announce its address: {(tmp_path / f'server-{run}.err').read_text()}"
        yield process, match.group(0)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def kill_during_burst(burst: Burst, url: str, process: subprocess.Popen[str], after: int) -> None:
    """Have CLIENTS clients log until the server is gone; SIGKILL its process group once `after` more were received."""
    users = [f"UCRASH{index:02d}" for index in range(CLIENTS)]
    threads = [threading.Thread(target=lambda user=user: _log_until_gone(burst, url, user)) for user in users]
    target = len(burst.received) + after
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(burst.received) < target and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.002)
    os.killpg(process.pid, signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL
    for thread in threads:
        thread.join(timeout=60)
    assert len(burst.received) >= target, "the burst did not reach its kill point"


def _log_until_gone(burst: Burst, url: str, user: str) -> None:
    while burst.log(url, user):
        pass


@pytest.mark.slow
def test_sigkill_of_the_http_server_during_bursts_of_logs_loses_no_acknowledged_log(
    database_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    rng = random.Random(f"{SEED}:{database_url.partition(':')[0]}")  # each backend its own kill points
    for index in range(CLIENTS):
        fake_slack.add_user(f"UCRASH{index:02d}", f"Rep {index}", "Europe/Berlin")
    burst = Burst(fake_slack)
    # After 1 to 80 more logs received, one point from each slice of that range (sizes.kill_points).
    for run, after in enumerate(kill_points(rng, KILLS, 1, 80), start=1):
        with tally_http(database_url, fake_slack, tmp_path, run) as (process, url):
            kill_during_burst(burst, url, process, after=after)
    time.sleep(0.5)  # a response_url message already on its way lands now
    confirmed_before_restart = burst.confirmed()
    with tally_http(database_url, fake_slack, tmp_path, KILLS + 1) as (process, url):
        assert burst.log(url, "UCRASH00")  # after the crashes, it serves as before
        fake_slack.wait_for(lambda _calls: len(burst.confirmed()) == len(confirmed_before_restart) + 1, timeout=30)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0

    stored = stored_keys(database_url)
    received, confirmed = set(burst.received), burst.confirmed()
    lost = received - set(stored)
    unanswered = set(stored) - received  # written, though the kill cut the client off before it read the 200
    print(
        f"\n{KILLS} SIGKILLs: {len(burst.sent)} /log sent, {len(received)} received (HTTP 200), "
        f"{len(confirmed)} confirmed, {len(stored)} stored; received but lost: {len(lost)} "
        f"({len(burst.within_budget)} acked within the {ACK_BUDGET:g} s write budget, none of them lost); "
        f"stored without a 200: {len(unanswered)}; stored but not confirmed: {len(set(stored) - confirmed)}; "
        f"duplicates: {sum(n - 1 for n in stored.values())}"
    )
    assert not burst.other_statuses, f"answers other than 200: {burst.other_statuses}"
    assert confirmed <= set(stored), f"confirmed logs lost: {sorted(confirmed - set(stored))}"
    written_then_lost = burst.within_budget - set(stored)
    assert not written_then_lost, f"acked after their write, then lost: {sorted(written_then_lost)}"
    assert set(stored.values()) == {1}, "a log was written twice"
    assert set(stored) <= set(burst.sent), "a log nobody sent was stored"

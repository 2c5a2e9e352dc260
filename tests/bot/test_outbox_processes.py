"""The delivery outbox across real processes: two schedulers on one PostgreSQL database share a fan-out without
posting anything twice. (A dispatcher SIGKILLed mid-fan-out, again and again: tests/reliability/test_crash_dispatch.py,
which also uses the helpers here.)"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.playground.fake_slack import FakeSlack
from metrics.models import Delivery
from metrics.notify import Message
from metrics.outbox import Planned
from tests.bot.test_outbox_faults import deliveries, plan, posted_ids, register_people, utc_now, where_posted

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Child:
    """A `python -m bot …` process, its output going to files (a pipe nobody reads would block it)."""

    name: str
    process: subprocess.Popen[bytes]
    out: Path
    err: Path

    def output(self) -> str:
        return (
            f"--- {self.name} (pid {self.process.pid}, exit {self.process.poll()}) stdout:\n"
            f"{self.out.read_text(errors='replace')}\n--- {self.name} stderr:\n{self.err.read_text(errors='replace')}"
        )

    @property
    def owner(self) -> str:
        """Its name in delivery leases (bot.scheduler.owner_name)."""
        return f"{socket.gethostname()}:{self.process.pid}"


@contextmanager
def children(tmp_path: Path, env: dict[str, str]) -> Iterator[Callable[[str, list[str]], Child]]:
    """Start `python -m bot ARGS` processes; on the way out kill any still running, and print every child's output
    if the test failed."""
    started: list[Child] = []

    def start(name: str, args: list[str]) -> Child:
        out, err = tmp_path / f"{name}.out", tmp_path / f"{name}.err"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, stdout=stdout, stderr=stderr
            )
        child = Child(name, process, out, err)
        started.append(child)
        return child

    try:
        yield start
    except BaseException:
        for child in started:
            print(child.output())
        raise
    finally:
        for child in started:
            if child.process.poll() is None:
                child.process.kill()
                child.process.wait(timeout=10)


def child_env(database_url: str, fake: FakeSlack) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_API_URL": fake.base_url,
        "TALLY_LOG_LEVEL": "WARNING",
    }


def wait_until(condition: Callable[[], bool], timeout: float, what: str, *alive: Child, every: float = 0.01) -> None:
    """Poll `condition` until it holds; fail after `timeout` s, or as soon as one of `alive` has exited."""
    deadline = time.monotonic() + timeout
    while not condition():
        for child in alive:
            if child.process.poll() is not None:
                pytest.fail(f"{child.name} exited ({child.process.returncode}) before {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout} s: {what}")
        time.sleep(every)


def statuses(sessions: sessionmaker[Session]) -> Counter[str]:
    with sessions.begin() as session:
        return Counter(session.scalars(select(Delivery.status)))


@pytest.mark.slow
@pytest.mark.parametrize("database_url", [pytest.param("postgresql", marks=pytest.mark.postgresql)], indirect=True)
def test_two_schedulers_on_one_postgresql_share_a_fan_out_and_post_each_message_once(
    database_url: str, sessions: sessionmaker[Session], fake_slack: FakeSlack, tmp_path: Path
) -> None:
    # (Skipped, by the database_url fixture, unless TALLY_TEST_POSTGRES_URL names a PostgreSQL server.)
    count, wave = 400, 50
    workspace_id, _ = register_people(sessions, fake_slack, 1)
    # A post takes 0.1 s: a scheduler's 4 senders need over a second for a wave of 50, so while one is busy the
    # other's next once-a-second dispatch takes the next wave, and both send.
    fake_slack.latency = {"chat.postMessage": 0.1}

    with children(tmp_path, child_env(database_url, fake_slack)) as start:
        schedulers = [start(name, ["scheduler", "--dispatch-every", "1"]) for name in ("scheduler A", "scheduler B")]
        for child in schedulers:
            wait_until(
                lambda child=child: "scheduler is running" in child.out.read_text(), 60, "it started", *schedulers
            )
        now = utc_now()
        planned = plan(
            sessions,
            [
                Planned(
                    workspace_id=workspace_id,
                    kind="celebration",
                    key=f"celebration:test:{number}",
                    channel_id=f"CWINS{number:04d}",
                    message=Message(kind="celebration", title="A win", text=f"Win number {number}"),
                    due_at=now + timedelta(seconds=number // wave),  # a wave falls due every second
                )
                for number in range(count)
            ],
        )
        ours = set(planned.values())
        owners: dict[int, str] = {}  # delivery id → the scheduler seen holding its lease

        def all_sent() -> bool:
            with sessions.begin() as session:
                rows = session.execute(select(Delivery.id, Delivery.status, Delivery.lease_owner)).all()
            owners.update({i: owner for i, status, owner in rows if status == "sending" and owner and i in ours})
            return sum(1 for i, status, _ in rows if i in ours and status == "sent") == count

        wait_until(all_sent, 90, f"all {count} deliveries were sent", *schedulers, every=0.05)
        for child in schedulers:
            child.process.send_signal(signal.SIGTERM)
        for child in schedulers:
            assert child.process.wait(timeout=30) == 0, f"{child.name} did not stop cleanly on SIGTERM"

    posted = posted_ids(fake_slack)
    twice = {delivery_id: n for delivery_id, n in posted.items() if n != 1}
    assert not twice, f"posted more than once: {twice}"
    assert ours <= set(posted)
    landed = where_posted(fake_slack)
    rows = deliveries(sessions)
    assert all(landed[i] == (rows[i].channel_id, rows[i].message_id) and rows[i].status == "sent" for i in ours)
    # Leases name the process that holds them: both schedulers held (and so sent) part of the fan-out.
    by_owner = Counter(owners.values())
    assert set(by_owner) <= {child.owner for child in schedulers}, by_owner
    assert all(by_owner[child.owner] > 0 for child in schedulers), f"one scheduler sent everything: {by_owner}"

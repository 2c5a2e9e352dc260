"""Issue 8, item 9: 50 concurrent clients of mixed commands against `tally run --http` (gunicorn), then a count.

Each client loops over a mix — `/log N dials` (a write, with its own trigger_id), `/scorecard`, `/standings`,
`/kpis` and `/target me 60 dials daily` — for TALLY_RELIABILITY_LOAD_SECONDS (default 20 s in CI; the report
gives a 60 s run). Then gunicorn gets SIGTERM (it finishes every acknowledged request's work) and the test counts:
every request answered 200, every reply a real answer (never "something went wrong"), and every log that got its
200 is in the database exactly once.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest

from bot.playground import slack_requests as requests
from bot.playground.fake_slack import FakeSlack
from bot.slack.blocks.replies import SOMETHING_WENT_WRONG
from tests.bot.test_http_server import SECRET, Load, gunicorn_tally, stored_keys

__all__ = ["gunicorn_tally"]  # a fixture, used by name

CLIENTS = 50
SECONDS = float(os.environ.get("TALLY_RELIABILITY_LOAD_SECONDS", "20"))
MIX = [("/log", "{n} dials"), ("/scorecard", ""), ("/log", "{n} emails"), ("/standings", ""), ("/kpis", ""),
       ("/log", "{n} meetings"), ("/target", "me 60 dials daily")]  # fmt: skip


@dataclass
class Tally:
    """What the clients sent and got, shared by their threads."""

    statuses: Counter[int] = field(default_factory=Counter)
    logs: list[str] = field(default_factory=list)  # trigger ids of logs answered 200
    sent: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def client(load: Load, user: str, stop: threading.Event, tally: Tally) -> None:
    for n, (command, text) in enumerate(itertools.cycle(MIX), start=1):
        if stop.is_set():
            return
        trigger = requests.new_trigger_id()
        body = requests.slash_command(
            command, text.format(n=n % 9 + 1), user_id=user, team_id=load.fake.team_id,
            response_url=load.fake.new_response_url(), trigger_id=trigger,
        )  # fmt: skip
        try:
            status = requests.SignedPoster(load.url, SECRET).post(body, requests.FORM, timeout=30).status
        except OSError as error:
            status, _ = 0, tally.errors.append(f"{command}: {error}")
        with tally.lock:
            tally.statuses[status] += 1
            tally.sent[command] += 1
            if status == 200 and command == "/log":
                tally.logs.append(trigger)


def replies(fake: FakeSlack) -> list[str]:
    return [str(call.params.get("text", "")) for call in fake.calls() if call.method == "response_url"]


@pytest.mark.slow
def test_fifty_clients_of_mixed_commands_lose_nothing(
    gunicorn_tally: tuple[subprocess.Popen[str], Load], database_url: str
) -> None:
    process, load = gunicorn_tally
    users = [f"UMIX{index:02d}" for index in range(CLIENTS)]
    for user in users:
        load.fake.add_user(user, user.title(), "Europe/Berlin")
    stop, tally = threading.Event(), Tally()
    threads = [threading.Thread(target=client, args=(load, user, stop, tally)) for user in users]
    for thread in threads:
        thread.start()
    time.sleep(SECONDS)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    process.send_signal(signal.SIGTERM)  # graceful: every acknowledged request's work is finished first
    assert process.wait(timeout=90) == 0
    answered = replies(load.fake)
    print(f"\nload: {sum(tally.sent.values())} requests in {SECONDS:.0f} s by {CLIENTS} clients: {dict(tally.sent)}; "
          f"statuses {dict(tally.statuses)}; {len(answered)} replies; {len(tally.logs)} logs acknowledged")  # fmt: skip
    assert tally.errors == [] and set(tally.statuses) == {200}
    assert len(answered) == sum(tally.sent.values())
    assert not [text for text in answered if SOMETHING_WENT_WRONG in text or text.startswith("⚠")]
    stored = stored_keys(database_url)
    assert sorted(stored) == sorted(tally.logs) and set(stored.values()) == {1}  # each log names one metric

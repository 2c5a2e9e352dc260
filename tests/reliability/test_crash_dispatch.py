"""Issue 8, item 5 (fan-out): one fan-out whose dispatcher is SIGKILLed KILLS times in a row (3 in CI, 5 with
TALLY_RELIABILITY_KILLS=5), each time at a seeded point of its work — while it posts, and while it looks for the
dead one's earlier attempts — and restarted each time; on SQLite and on PostgreSQL.

Every delivery is sent exactly once: what a killed dispatcher posted but never recorded is found in the
conversation by the next one (every message carries its delivery id) and not posted again.
"""

from __future__ import annotations

import random
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.playground.fake_slack import FakeSlack
from tests.bot.test_outbox_faults import deliveries, nudge, plan, posted_ids, register_people, utc_now, where_posted
from tests.bot.test_outbox_processes import child_env, children, statuses, wait_until
from tests.reliability.sizes import KILLS, kill_points

COUNT = 300
LEASE = 1.0  # seconds: short, so the next dispatcher may take the dead one's rows over soon
SEED = 8


@dataclass(frozen=True, slots=True)
class Kill:
    """The state of the fan-out just after one SIGKILL."""

    at_call: int  # Web API calls received by the fake Slack when the signal was sent
    posted: int  # deliveries in Slack
    recorded: int  # deliveries the database knows were sent


@pytest.mark.slow
def test_a_fan_out_whose_dispatcher_is_killed_repeatedly_sends_every_message_exactly_once(
    database_url: str, sessions: sessionmaker[Session], fake_slack: FakeSlack, tmp_path: Path
) -> None:
    rng = random.Random(f"{SEED}:{database_url.partition(':')[0]}")  # each backend its own kill points
    workspace_id, people = register_people(sessions, fake_slack, COUNT)
    planned = plan(sessions, [nudge(workspace_id, person, utc_now()) for person in people])
    fake_slack.latency = {"chat.postMessage": 0.02}  # slow enough to be killed mid-fan-out
    kills: list[Kill] = []
    # After 1 to 150 more calls of each dispatcher (the first is a look or a post), one point from each slice of that
    # range: first one from the middle, so many posts are left unrecorded; then the earliest, which lands while the
    # next dispatcher is still looking for them in Slack; then later and later ones.
    points = kill_points(rng, KILLS, 1, 150)
    points.insert(0, points.pop(len(points) // 2))

    with children(tmp_path, child_env(database_url, fake_slack)) as start:
        for run, after in enumerate(points, start=1):
            at_call = len(fake_slack.calls()) + after
            child = start(f"dispatch {run}", ["jobs", "run", "dispatch", "--lease", str(LEASE), "--wait", "5"])
            wait_until(lambda at=at_call: len(fake_slack.calls()) >= at, 60, f"call {at_call} (run {run})", child)
            child.process.send_signal(signal.SIGKILL)
            assert child.process.wait(timeout=10) == -signal.SIGKILL
            time.sleep(0.2)  # requests already on their way land now
            kills.append(Kill(len(fake_slack.calls()), len(posted_ids(fake_slack)), statuses(sessions)["sent"]))
            assert kills[-1].posted < COUNT, f"run {run} finished the fan-out before it was killed: kill earlier"
            # The next one starts at once: with --wait it waits for the dead one's leases to lapse, then looks first.
        last = start("last dispatch", ["jobs", "run", "dispatch", "--lease", str(LEASE), "--wait", "10"])
        assert last.process.wait(timeout=120) == 0

    print(f"\n{KILLS} kills (calls, posted, recorded as sent): {[(k.at_call, k.posted, k.recorded) for k in kills]}")
    posts = len(fake_slack.calls("chat.postMessage"))
    print(f"Web API calls in all: {len(fake_slack.calls())}; chat.postMessage: {posts}")
    assert statuses(sessions) == {"sent": COUNT}
    posted = posted_ids(fake_slack)
    twice = {delivery_id: n for delivery_id, n in posted.items() if n != 1}
    assert not twice, f"posted more than once: {twice}"
    assert set(posted) == set(planned.values())
    assert posts == COUNT  # no post was ever repeated, not even one that failed
    # The scenario really left messages posted but not recorded, for a later dispatcher to find.
    assert any(kill.recorded < kill.posted for kill in kills), kills
    landed = where_posted(fake_slack)
    assert all(landed[row.id][1] == row.message_id for row in deliveries(sessions).values())

"""The delivery outbox against a misbehaving Slack, in process: fan-outs (200 DMs in CI, 1,000 at full size; and 100/150
of 429s) with 30 % of Web API calls answered 429, 500 or by a hang past the client's timeout land every message
exactly once and honour Retry-After; a delivery that keeps failing gives up and is listed;
deliveries that are pointless (person gone, workspace gone, too late) are skipped, never posted.

The two tests at the end pin down ways a dispatcher once posted a message twice. (tests/bot/test_outbox_processes.py
and tests/reliability/ reuse the helpers here.)"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.__main__ import main
from bot.playground.fake_slack import FakeSlack
from bot.slack.notifier import METADATA_EVENT, SlackNotifier, notifier_client
from metrics import outbox, outbox_review
from metrics.dispatch import Dispatcher, RetryPolicy
from metrics.models import Delivery, Rep, Workspace
from metrics.notify import Message, Recipient, Sent
from metrics.outbox import Planned
from metrics.records import Platform, WorkspaceDefaults
from metrics.services import identity

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
# DMs in the large fault fan-out: 200 in CI (about 500 Web API calls at 30 % faults); the full 1,000 (and 150 in the
# 429-heavy case) with TALLY_RELIABILITY_FAN_OUT=1000. Its time is mostly 429 holds (1 s for all 16 senders each),
# which grow with the number of calls, not a property that needs 1,000 DMs to show (docs/RELIABILITY.md, item 4).
FAN_OUT = int(os.environ.get("TALLY_RELIABILITY_FAN_OUT", "200"))
RETRY_AFTER = 1  # seconds, as the fake's 429s say
# After a 429 answered at t, requests that passed the rate gate before the dispatcher read the 429 may still arrive
# (up to one per sender). When a hold ends, all 16 senders wake at once and the one that is answered 429 again may
# wait its turn for the GIL while the others go: such arrivals were seen up to 0.083 s after t (under 0.025 s
# otherwise). A dispatcher that ignored Retry-After would be sending all through (t + 0.25, t + 0.95).
IN_FLIGHT = 0.25  # seconds
CLOCKS = 0.05  # seconds of slack at the end of the wait


@dataclass(frozen=True, slots=True)
class Person:
    rep_id: int
    user_id: str  # the chat user id ("U…"); their DM with the app is "D…"

    @property
    def dm(self) -> str:
        return "D" + self.user_id[1:]


def utc_now() -> datetime:
    return datetime.now(UTC)


def register_people(
    sessions: sessionmaker[Session], fake: FakeSlack, count: int, *, team: str | None = None, prefix: str = "U"
) -> tuple[int, list[Person]]:
    """`count` reps in one workspace (one transaction), each known to the fake Slack. Returns (workspace id, them)."""
    people = []
    workspace_id = 0
    with sessions.begin() as session:
        for number in range(count):
            user_id = f"{prefix}{number:05d}"
            rep = identity.register_rep(
                session,
                platform=Platform.SLACK,
                workspace_external_id=team or fake.team_id,
                user_external_id=user_id,
                display_name=f"Rep {number}",
                timezone="America/New_York",
                defaults=WorkspaceDefaults(),
                now=utc_now(),
            )
            workspace_id = rep.workspace_id
            people.append(Person(rep.rep_id, user_id))
            fake.add_user(user_id, f"Rep {number}", "America/New_York")
    return workspace_id, people


def nudge(workspace_id: int, person: Person, due_at: datetime, *, expires_at: datetime | None = None) -> Planned:
    return Planned(
        workspace_id=workspace_id,
        kind="nudge",
        key=f"nudge:{person.rep_id}:2026-12-01",
        rep_id=person.rep_id,
        message=Message(kind="nudge", title="Time to log", text=f"Rep {person.rep_id}: nothing logged today yet"),
        due_at=due_at,
        expires_at=expires_at,
    )


def plan(sessions: sessionmaker[Session], wanted: Sequence[Planned]) -> dict[str, int]:
    """Plan `wanted`; return each key's delivery id."""
    with sessions.begin() as session:
        report = outbox.plan(session, wanted, utc_now())
        assert report.planned == len(wanted)
        rows = session.execute(select(Delivery.dedupe_key, Delivery.id)).all()
    return {str(key): int(delivery_id) for key, delivery_id in rows}


def posted_ids(fake: FakeSlack) -> Counter[int]:
    """How many times each delivery id was posted, over every conversation the fake keeps."""
    seen: Counter[int] = Counter()
    for messages in list(fake.messages.values()):
        for message in list(messages):
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == METADATA_EVENT:
                seen[int(metadata["event_payload"]["delivery_id"])] += 1
    return seen


def where_posted(fake: FakeSlack) -> dict[int, tuple[str, str]]:
    """Delivery id → (conversation, ts) of the message carrying it."""
    found = {}
    for channel, messages in list(fake.messages.items()):
        for message in list(messages):
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == METADATA_EVENT:
                found[int(metadata["event_payload"]["delivery_id"])] = (channel, str(message["ts"]))
    return found


def deliveries(sessions: sessionmaker[Session]) -> dict[int, Delivery]:
    with sessions.begin() as session:
        return {row.id: row for row in session.scalars(select(Delivery))}


def dispatcher(sessions: sessionmaker[Session], fake: FakeSlack, policy: RetryPolicy) -> Dispatcher:
    notifier = SlackNotifier(notifier_client(fake.bot_token, fake.base_url, timeout=5))
    return Dispatcher(sessions, notifier, clock=utc_now, owner="test-dispatcher", policy=policy)


class WatchingNotifier(SlackNotifier):
    """The real notifier, counting the messages it found already posted (so it did not post them again)."""

    def __init__(self, fake: FakeSlack, timeout: int) -> None:
        super().__init__(notifier_client(fake.bot_token, fake.base_url, timeout=timeout))
        self.found: list[int] = []

    def find_sent(self, recipient: Recipient, delivery_id: int, since: float) -> Sent | None:
        sent = super().find_sent(recipient, delivery_id, since)
        if sent is not None:
            self.found.append(delivery_id)
        return sent


@dataclass(frozen=True, slots=True)
class FaultMix:
    """A fan-out and the share of Web API calls answered 429 (with Retry-After), 500, or by a hang past the
    client's timeout. Issue 8 asks for 30 % of calls to fail, one way or another."""

    people: int
    rate_limited: float
    server_error: float
    hang: float
    seed: int
    batch_size: int = 500

    @property
    def faulty(self) -> float:
        return self.rate_limited + self.server_error + self.hang


FAULT_MIXES = [
    # Mostly 500s and hangs over FAN_OUT DMs. Seed 1 draws 429s early, while the first attempts (two batches,
    # i.e. chat.postMessage) are going out, so the rate gate is tested on the busiest path.
    pytest.param(
        FaultMix(FAN_OUT, rate_limited=0.01, server_error=0.22, hang=0.07, seed=1, batch_size=FAN_OUT // 2),
        id=f"{FAN_OUT}-dms",
    ),
    # A third each: 429s are so frequent that the workspace spends most of the run on hold (every 429 stops all
    # 16 senders for Retry-After), so the fan-out is smaller: 150 at full size, 100 in CI (about 200 calls: fewer
    # would leave the fault share too far from 30 % to check).
    pytest.param(
        FaultMix(min(150, FAN_OUT // 2), rate_limited=0.10, server_error=0.10, hang=0.10, seed=2), id="thirds"
    ),
]


@SQLITE_ONLY
@pytest.mark.parametrize("mix", FAULT_MIXES)
def test_a_fan_out_with_30_percent_of_calls_failing_lands_each_message_exactly_once(
    sessions: sessionmaker[Session], fake_slack: FakeSlack, mix: FaultMix
) -> None:
    fake = fake_slack
    workspace_id, people = register_people(sessions, fake, mix.people)
    by_id = {person.rep_id: person for person in people}
    planned = plan(sessions, [nudge(workspace_id, person, utc_now()) for person in people])
    # Every Web API call the dispatcher makes draws a fault. A hang holds the call past the client's 1 s timeout
    # and then posts anyway (the client never learns the message exists); it lands 1.1 s after it arrived, before
    # a retry can look for it (timeout 1 s + the shortest backoff, 0.8 × 0.3 s): a post that landed later than the
    # look would be sent twice by any dispatcher that cannot see the future.
    fake.misbehave(
        {"chat.postMessage", "conversations.history", "conversations.open"},
        rate_limited=mix.rate_limited,
        server_error=mix.server_error,
        hang=mix.hang,
        hang_seconds=1.1,
        retry_after=RETRY_AFTER,
        seed=mix.seed,
    )
    assert mix.faulty == pytest.approx(0.30)
    notifier = WatchingNotifier(fake, timeout=1)
    policy = RetryPolicy(
        max_attempts=40, base=timedelta(seconds=0.3), cap=timedelta(seconds=0.6), unsure_wait=timedelta(seconds=2)
    )
    sender = Dispatcher(
        sessions, notifier, clock=utc_now, owner="fan-out", policy=policy, batch_size=mix.batch_size, workers=16
    )
    wait = 90.0

    started = time.monotonic()
    report = sender.run(wait=timedelta(seconds=wait))
    elapsed = time.monotonic() - started
    drawn = fake.behave()
    time.sleep(1.2)  # a request still hanging would post now: a late duplicate must show too
    # On a loaded machine the faulty run can reach its wait with a few retries still due; the next dispatch
    # (here, one without faults) finishes them, looking first for what may have landed. Each lands once either way.
    finish = sender.run(wait=timedelta(seconds=30))
    calls = sum(drawn.values())
    print(f"{mix}: {calls} calls in {elapsed:.1f} s, faults drawn {dict(drawn)}, report {report}, then {finish}")
    assert all(drawn[kind] > 0 for kind in ("429", "500", "hang")), drawn
    assert (calls - drawn["none"]) / calls == pytest.approx(mix.faulty, abs=0.04), drawn

    rows = deliveries(sessions)
    assert Counter(row.status for row in rows.values()) == {"sent": mix.people}, (report, finish)
    assert report.sent + finish.sent == mix.people and report.failed == report.skipped == finish.failed == 0
    assert report.rate_limited > 0, "no 429 reached the dispatcher: the fault mix no longer tests the rate gate"
    assert report.retrying > 0 and any("HTTP 500" in error for error in report.errors)
    assert notifier.found, "no timed-out post was recognised in the conversation: the look-first path is untested"

    posted = posted_ids(fake)
    twice = {delivery_id: n for delivery_id, n in posted.items() if n != 1}
    assert not twice, f"posted more than once: {twice}"
    assert set(posted) == set(planned.values())

    landed = where_posted(fake)
    for row in rows.values():
        person = by_id[row.rep_id]
        assert landed[row.id] == (person.dm, row.message_id), f"delivery {row.id} recorded a message it did not post"
        assert row.channel_id == person.dm and row.finished_at is not None and row.lease_owner is None

    # Retry-After holds the whole workspace: after a 429 no message may be posted to it until it has passed.
    limited = [call.at for call in fake.calls("chat.postMessage") if call.status == 429]
    assert limited, "chat.postMessage was never rate limited"
    posts = [call.arrived for call in fake.calls("chat.postMessage")]  # when sent, before any hang
    early = sorted(
        round(at - answered, 3)
        for answered in limited
        for at in posts
        if answered + IN_FLIGHT < at < answered + RETRY_AFTER - CLOCKS
    )
    assert not early, f"chat.postMessage calls arrived this long (s) after a 429 with Retry-After 1: {early}"


def test_a_delivery_that_keeps_failing_gives_up_and_is_listed(
    sessions: sessionmaker[Session],
    fake_slack: FakeSlack,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    workspace_id, (failing,) = register_people(sessions, fake_slack, 1)
    planned = plan(sessions, [nudge(workspace_id, failing, utc_now())])
    fake_slack.fail_next("chat.postMessage", status=500, times=3)  # every attempt the policy allows, and no more
    policy = RetryPolicy(max_attempts=3, base=timedelta(seconds=0.05), cap=timedelta(seconds=0.2))

    report = dispatcher(sessions, fake_slack, policy).run(wait=timedelta(seconds=10))

    delivery_id = planned[f"nudge:{failing.rep_id}:2026-12-01"]
    row = deliveries(sessions)[delivery_id]
    assert (row.status, row.attempts, report.failed, report.sent) == ("failed", 3, 1, 0)
    assert row.finished_at is not None and row.message_id is None
    assert [call.status for call in fake_slack.calls("chat.postMessage")] == [500, 500, 500]
    assert not posted_ids(fake_slack)
    # Each retry looked for an earlier attempt's message before sending again.
    assert len(fake_slack.calls("conversations.history")) == 2

    with sessions.begin() as session:
        failed = outbox_review.failures(session)
    assert [(f.id, f.kind, f.key, f.attempts, f.workspace) for f in failed] == [
        (delivery_id, "nudge", f"nudge:{failing.rep_id}:2026-12-01", 3, fake_slack.team_id)
    ]
    assert "gave up after 3 attempts" in failed[0].error and "HTTP 500" in failed[0].error

    monkeypatch.setenv("DATABASE_URL", database_url)
    capsys.readouterr()
    assert main(["jobs", "failures"]) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) == 1, printed
    assert printed[0].startswith(f"#{delivery_id} ")
    assert f"{fake_slack.team_id} nudge nudge:{failing.rep_id}:2026-12-01: gave up after 3 attempts" in printed[0]

    # Once the cause is gone, the same delivery goes out when queued again — once.
    with sessions.begin() as session:
        assert outbox_review.retry_failed(session, utc_now()) == 1
    assert dispatcher(sessions, fake_slack, policy).run().sent == 1
    assert posted_ids(fake_slack) == {delivery_id: 1}


def test_pointless_deliveries_are_skipped_with_a_reason_and_never_posted(
    sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    workspace_id, (kept, deactivated, late) = register_people(sessions, fake_slack, 3)
    gone_workspace_id, (uninstalled,) = register_people(sessions, fake_slack, 1, team="T0GONE", prefix="UG")
    now = utc_now()
    with sessions.begin() as session:
        session.execute(update(Rep).where(Rep.id == deactivated.rep_id).values(active=False))
        session.execute(update(Workspace).where(Workspace.id == gone_workspace_id).values(uninstalled_at=now))
    planned = plan(
        sessions,
        [
            nudge(workspace_id, kept, now, expires_at=now + timedelta(hours=1)),
            nudge(workspace_id, deactivated, now),
            nudge(workspace_id, late, now - timedelta(hours=2), expires_at=now - timedelta(minutes=1)),
            nudge(gone_workspace_id, uninstalled, now),
        ],
    )
    ids = {person.user_id: planned[f"nudge:{person.rep_id}:2026-12-01"] for person in (kept, deactivated, late)}
    ids[uninstalled.user_id] = planned[f"nudge:{uninstalled.rep_id}:2026-12-01"]

    report = dispatcher(sessions, fake_slack, RetryPolicy()).run()

    rows = deliveries(sessions)
    assert (report.sent, report.skipped, report.failed, report.retrying) == (1, 3, 0, 0)
    assert rows[ids[kept.user_id]].status == "sent"
    reasons = {user: (rows[i].status, rows[i].last_error or "") for user, i in ids.items() if user != kept.user_id}
    assert reasons[deactivated.user_id][0] == "skipped" and "deactivated" in reasons[deactivated.user_id][1]
    assert reasons[late.user_id][0] == "skipped" and "too late" in reasons[late.user_id][1]
    assert reasons[uninstalled.user_id][0] == "skipped" and "uninstalled" in reasons[uninstalled.user_id][1]
    assert all(rows[i].finished_at is not None for i in ids.values())
    assert all(rows[i].message_id is None for user, i in ids.items() if user != kept.user_id)
    assert [call.params.get("channel") for call in fake_slack.calls("chat.postMessage")] == [kept.user_id]
    assert posted_ids(fake_slack) == {ids[kept.user_id]: 1}
    with sessions.begin() as session:
        assert outbox_review.failures(session) == []


class ShiftedClock:
    """Real time plus a shift the test moves forward: retries fall due without waiting minutes. Slack's timestamps
    stay real, so a message posted "before the shift" looks as old to the dispatcher as the shift says."""

    def __init__(self) -> None:
        self.shift = 0.0

    def __call__(self) -> datetime:
        return utc_now() + timedelta(seconds=self.shift)

    def move_past(self, instant: datetime) -> None:
        self.shift += max(0.0, (instant - self()).total_seconds()) + 1


def test_a_message_from_an_attempt_minutes_before_the_last_one_is_found_not_posted_again(
    sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    workspace_id, (person,) = register_people(sessions, fake_slack, 1)
    planned = plan(sessions, [nudge(workspace_id, person, utc_now())])
    (delivery_id,) = planned.values()
    clock = ShiftedClock()
    notifier = SlackNotifier(notifier_client(fake_slack.bot_token, fake_slack.base_url, timeout=1))
    sender = Dispatcher(sessions, notifier, clock=clock, owner="slow-incident", policy=RetryPolicy())  # 15 s, 30 s, …

    # Attempt 1: the post outlasts the client's timeout, and lands.
    fake_slack.hang_next("chat.postMessage", seconds=1.3)
    assert sender.run().retrying == 1
    fake_slack.wait_for(lambda calls: any(c.method == "chat.postMessage" and c.status == 200 for c in calls))
    assert posted_ids(fake_slack) == {delivery_id: 1}
    # Attempts 2–4, over the next minutes of the same Slack incident: each looks for it, and cannot ask.
    for attempt in (2, 3, 4):
        clock.move_past(deliveries(sessions)[delivery_id].next_attempt_at)
        fake_slack.fail_next("conversations.open", status=500)
        assert sender.run().retrying == 1, f"attempt {attempt}"
    # Attempt 5: Slack answers again; the message from attempt 1 is in the DM.
    clock.move_past(deliveries(sessions)[delivery_id].next_attempt_at)
    assert sender.run().sent == 1

    assert posted_ids(fake_slack) == {delivery_id: 1}, "the message of attempt 1 was posted again"


def test_a_batch_that_outlives_its_lease_is_not_posted_by_both_dispatchers(
    sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    workspace_id, people = register_people(sessions, fake_slack, 60)
    planned = plan(sessions, [nudge(workspace_id, person, utc_now()) for person in people])
    fake_slack.latency = {"chat.postMessage": 0.1}  # 60 posts by 2 senders: 3 s, three times the lease

    def sender(owner: str) -> Dispatcher:
        notifier = SlackNotifier(notifier_client(fake_slack.bot_token, fake_slack.base_url))
        return Dispatcher(sessions, notifier, clock=utc_now, owner=owner, lease=timedelta(seconds=1), workers=2)

    with ThreadPoolExecutor(max_workers=1) as background:
        slow = background.submit(sender("slow").run)
        fake_slack.wait_for(lambda calls: len(calls) >= 10, timeout=10)  # it claimed all 60 and is sending
        time.sleep(0.8)  # its lease has lapsed; most of its batch is still to send
        # Each stops sending when its lease runs short and leaves the rest to the next claim, so the second keeps
        # going (with `wait`) until every row is done.
        sender("next").run(wait=timedelta(seconds=30))
        slow.result(timeout=30)

    assert Counter(row.status for row in deliveries(sessions).values()) == {"sent": 60}
    twice = {delivery_id: n for delivery_id, n in posted_ids(fake_slack).items() if n != 1}
    assert not twice, f"posted by both dispatchers: {sorted(twice)}"
    assert set(posted_ids(fake_slack)) == set(planned.values())

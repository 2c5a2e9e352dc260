"""Sending what the outbox holds: claim a batch, send it through the Notifier, record the outcomes; repeat.

Never twice: a row is claimed under a lease (SKIP LOCKED on PostgreSQL), and a delivery that was tried before —
a crash mid-send, a timeout after the request went out — is first looked for in the conversation (every message
carries its delivery id) and only sent if it is not there. Never lost: a transient failure is retried with
exponential backoff up to a cap, then marked failed for `tally jobs failures`; a rate limit makes the whole
workspace wait out Slack's Retry-After.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

from metrics import outbox
from metrics.notify import DeliveryFailed, Message, Notifier, Recipient, Sent
from metrics.outbox import Claimed, Outcome, Status
from metrics.records import Platform

logger = logging.getLogger(__name__)
T = TypeVar("T")
Clock = Callable[[], datetime]
# Slack's Retry-Afters on one call, added up, before the call counts as a failed attempt: a 429 is Slack saying
# "later", not "no", so it is honoured for a while however many come.
RATE_LIMIT_PATIENCE = timedelta(minutes=2)
SERIAL_AFTER_429 = 1.0  # seconds after a rate limit's hold during which a workspace's calls go one at a time
LEASE_MARGIN = 0.2  # stop sending a batch when this share of its lease is left: a send in flight must finish first
# Teams lets a bot message someone only in a conversation that person (or a channel's member) started with it:
# until Tally holds its conversation reference, there is nothing to send to. Not retried: the next message
# planned for them goes out once they have written to Tally.
NOT_REACHABLE_PERSON = "not reachable in Teams yet: they have not messaged Tally (one message to Tally is enough)"
NOT_REACHABLE_CHANNEL = (
    "not reachable in Teams yet: Tally does not know the team's channel (a manager says `@Tally team channel` in it)"
)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently to retry: `base` × 2^(attempt − 1), capped, with ±20 % jitter."""

    max_attempts: int = 8
    base: timedelta = timedelta(seconds=15)
    cap: timedelta = timedelta(minutes=15)
    # After a timeout the message may still land: wait this long before looking for it, or it may land after
    # the look and be sent again.
    unsure_wait: timedelta = timedelta(minutes=1)

    def backoff(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failed attempt."""
        delay = min(self.cap, self.base * 2 ** max(0, attempts - 1))
        return timedelta(
            seconds=delay.total_seconds() * random.uniform(0.8, 1.2)
        )  # jitter, so retries of one fan-out do not land together


@dataclass
class DispatchReport:
    """What one dispatch run did."""

    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retrying: int = 0
    rate_limited: int = 0
    abandoned: int = 0  # claimed but not tried before the lease ran short; taken up by the next claim
    batches: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    def add(self, outcomes: list[Outcome]) -> None:
        """Count a batch's outcomes."""
        self.batches += 1
        for outcome in outcomes:
            if outcome.status is Status.SENT:
                self.sent += 1
            elif outcome.status is Status.SKIPPED:
                self.skipped += 1
            elif outcome.status is Status.FAILED:
                self.failed += 1
            else:
                self.retrying += 1
            if outcome.error:
                self.errors[outcome.error] = self.errors.get(outcome.error, 0) + 1


class RateGate:
    """Per workspace, the moment before which nothing may be sent (Slack's Retry-After), shared by all workers.

    After a 429 the workspace's calls go one at a time until SERIAL_AFTER_429 passes without another, so the
    workers do not all wake together at the end of each hold and earn another round of 429s: at Slack's posting
    ceiling, four workers racing drew three 429s per message sent and ran out of patience on one message in five
    (bench part 3). One call in flight still outpaces the ceiling (a few hundred a minute is one per 200 ms).
    """

    def __init__(self, sleep: Callable[[float], None] = time.sleep) -> None:
        self._not_before: dict[int, float] = {}
        self._serial_until: dict[int, float] = {}
        self._turns: dict[int, threading.Lock] = {}
        self._lock = threading.Lock()
        self._sleep = sleep
        self.hits = 0

    def wait(self, workspace_id: int) -> None:
        """Block until the workspace may be called again."""
        while (delay := self._not_before.get(workspace_id, 0.0) - time.monotonic()) > 0:
            self._sleep(delay)

    def hold(self, workspace_id: int, seconds: float) -> None:
        """Nothing more to this workspace for `seconds`, then one call at a time for a while."""
        with self._lock:
            self.hits += 1
            until = time.monotonic() + seconds
            self._not_before[workspace_id] = max(self._not_before.get(workspace_id, 0.0), until)
            self._serial_until[workspace_id] = until + SERIAL_AFTER_429
            self._turns.setdefault(workspace_id, threading.Lock())

    def call(self, workspace_id: int, attempt: Callable[[], T]) -> T:
        """Run `attempt`, waiting out rate limits while Slack's Retry-Afters add up to no more than
        RATE_LIMIT_PATIENCE."""
        waited = 0.0
        while True:
            with self._turn(workspace_id):
                self.wait(workspace_id)  # inside the turn: the call before may have just been told to wait
                try:
                    return attempt()
                except DeliveryFailed as failure:
                    if failure.retry_after is None:
                        raise
                    waited += failure.retry_after
                    if waited > RATE_LIMIT_PATIENCE.total_seconds():
                        raise DeliveryFailed("ratelimited") from failure
                    self.hold(workspace_id, failure.retry_after)

    def _turn(self, workspace_id: int) -> contextlib.AbstractContextManager[object]:
        if time.monotonic() < self._serial_until.get(workspace_id, 0.0):
            return self._turns[workspace_id]
        return contextlib.nullcontext()


@dataclass(frozen=True, slots=True)
class Dispatcher:
    """Sends the outbox through one notifier.

    Attributes:
        sessions: opens the short transactions that claim and record.
        notifier: the chat platform.
        clock: the current instant.
        owner: this process's name in leases (two dispatchers need two names).
        policy: retries and backoff.
        lease: how long a claim is held before another dispatcher may take the row over (and look first).
        batch_size: how many rows one claim takes.
        workers: how many messages are in flight at once.
    """

    sessions: sessionmaker[Session]
    notifier: Notifier
    clock: Clock
    owner: str
    policy: RetryPolicy = RetryPolicy()
    lease: timedelta = timedelta(minutes=5)
    batch_size: int = 500
    workers: int = 4

    def run(self, *, wait: timedelta = timedelta(0), sleep: Callable[[float], None] = time.sleep) -> DispatchReport:
        """Send everything due; with `wait`, keep going while retries fall due within that time."""
        report, gate = DispatchReport(), RateGate(sleep)
        give_up = time.monotonic() + wait.total_seconds()
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="dispatch") as pool:
            while True:
                with self.sessions.begin() as session:
                    claimed = outbox.claim(
                        session, owner=self.owner, now=self.clock(), lease=self.lease, limit=self.batch_size
                    )
                if not claimed:
                    if not self._pause_for_retries(give_up, sleep):
                        break
                    continue
                # Nothing is sent once the lease is nearly over: another dispatcher may take the rows over then.
                deadline = time.monotonic() + (self.lease * (1 - LEASE_MARGIN)).total_seconds()
                results = list(pool.map(lambda item, by=deadline: self._deliver(item, gate, by), claimed))
                outcomes = [outcome for outcome in results if outcome is not None]
                with self.sessions.begin() as session:
                    outbox.record(session, outcomes, owner=self.owner, now=self.clock())
                report.add(outcomes)
                report.abandoned += len(results) - len(outcomes)
        report.rate_limited = gate.hits
        return report

    def _pause_for_retries(self, give_up: float, sleep: Callable[[float], None]) -> bool:
        with self.sessions.begin() as session:
            due = outbox.next_due(session)
        if due is None:
            return False
        delay = max(0.05, (due - self.clock()).total_seconds())
        if time.monotonic() + delay > give_up:
            return False
        sleep(delay)
        return True

    def _deliver(self, item: Claimed, gate: RateGate, deadline: float) -> Outcome | None:
        if time.monotonic() > deadline:
            return None  # left for whoever claims it next (they look before they send)
        reason = _pointless(item, self.clock())
        if reason:
            return Outcome(item.id, Status.SKIPPED, item.attempts, error=reason)
        recipient = Recipient(
            "channel" if item.channel_id else "user",
            item.channel_id or item.user_id or "",
            item.workspace_external_id,
            platform=item.platform,
            reference=item.reference,
        )
        try:
            sent = self._look_then_send(item, recipient, gate)
        except DeliveryFailed as failure:
            return self._failed(item, failure)
        except Exception as error:  # a bug, not Slack: retried like a failure, so it ends in `failures`, not a loop
            logger.exception("delivery %s failed unexpectedly", item.id)
            return self._failed(item, DeliveryFailed(f"{type(error).__name__}: {error}"[:200]))
        return Outcome(
            item.id, Status.SENT, item.attempts + 1, channel_id=sent.conversation, message_id=sent.message_id
        )

    def _look_then_send(self, item: Claimed, recipient: Recipient, gate: RateGate) -> Sent:
        if item.previous_claim is not None:  # tried before: it may have landed
            since = item.previous_claim.timestamp() - 60
            found = gate.call(item.workspace_id, lambda: self.notifier.find_sent(recipient, item.id, since))
            if found is not None:
                return found
        message = Message.from_json(item.payload)
        return gate.call(item.workspace_id, lambda: self.notifier.send(recipient, message, item.id))

    def _failed(self, item: Claimed, failure: DeliveryFailed) -> Outcome:
        attempts = item.attempts + 1
        if failure.gone or failure.workspace_gone:
            return Outcome(
                item.id, Status.SKIPPED, attempts, error=failure.reason, workspace_gone=failure.workspace_gone
            )
        if attempts >= self.policy.max_attempts:
            return Outcome(item.id, Status.FAILED, attempts, error=f"gave up after {attempts} attempts: {failure}")
        wait = max(self.policy.backoff(attempts), self.policy.unsure_wait if failure.unsure else timedelta(0))
        return Outcome(item.id, Status.PENDING, attempts, next_attempt_at=self.clock() + wait, error=failure.reason)


def _pointless(item: Claimed, now: datetime) -> str | None:
    """Why this delivery should not be sent at all, if it should not."""
    if item.workspace_gone:
        return "the workspace uninstalled Tally"
    if item.rep_gone:
        return "the person is deactivated"
    if item.channel_id is None and not item.user_id:
        return "no one to send it to"
    if item.platform == Platform.TEAMS and item.reference is None:
        return NOT_REACHABLE_CHANNEL if item.channel_id else NOT_REACHABLE_PERSON
    if item.expires_at is not None and now > item.expires_at:
        return f"too late: it was worth sending until {item.expires_at:%Y-%m-%d %H:%M} UTC"
    return None

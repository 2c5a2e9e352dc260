"""The scheduler's heartbeat and job counts in the database, and the one-query reads /healthz and /metrics make."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from metrics import ops, outbox
from metrics.models import Delivery, SchedulerBeat
from metrics.notify import Message
from tests.factories import T0, make_rep


def test_concurrent_schedulers_lose_no_job_run(sessions: sessionmaker[Session]) -> None:
    def run_many(owner: str) -> None:
        for index in range(15):
            with sessions.begin() as session:
                ops.record_job_run(session, job="dispatch", ok=index % 5 != 0, started_at=T0, seconds=0.1, owner=owner)

    threads = [threading.Thread(target=run_many, args=(f"host:{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with sessions.begin() as session:
        (runs,) = ops.job_runs(session)
    assert (runs.job, runs.runs, runs.failures) == ("dispatch", 45, 9)
    assert runs.last_success_at == T0 and runs.last_seconds == 0.1


def test_heartbeats_keep_the_start_count_live_processes_and_forget_the_long_gone(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        ops.beat(session, owner="old:1", started_at=T0 - timedelta(days=3), now=T0 - timedelta(days=2))
        ops.beat(session, owner="a:1", started_at=T0 - timedelta(hours=1), now=T0 - timedelta(minutes=5))
        ops.beat(session, owner="b:2", started_at=T0, now=T0)
        ops.beat(session, owner="b:2", started_at=T0 + timedelta(hours=9), now=T0 + timedelta(seconds=30))
    with sessions.begin() as session:
        beats = {row.owner: (row.started_at, row.beat_at) for row in session.scalars(select(SchedulerBeat))}
        health = ops.scheduler_health(session, live_since=T0 - timedelta(seconds=90))
    assert beats == {
        "a:1": (T0 - timedelta(hours=1), T0 - timedelta(minutes=5)),
        "b:2": (T0, T0 + timedelta(seconds=30)),  # a beat moves beat_at only
    }
    assert health == ops.SchedulerHealth(last_beat=T0 + timedelta(seconds=30), live_processes=1)
    assert health.age(T0 + timedelta(minutes=1)) == timedelta(seconds=30)


def test_no_heartbeat_at_all(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        health = ops.scheduler_health(session, live_since=T0)
    assert health == ops.SchedulerHealth(last_beat=None, live_processes=0) and health.age(T0) is None


def test_outbox_counts_every_status_and_ages_only_due_unsent_deliveries(sessions: sessionmaker[Session]) -> None:
    rep = make_rep(sessions)
    message = Message(kind="nudge", title="t", text="t")

    def planned(key: str, due_in: timedelta) -> outbox.Planned:
        return outbox.Planned(rep.workspace_id, "nudge", key, message, due_at=T0 + due_in, rep_id=rep.rep_id)

    wanted = [
        planned("sent-long-ago", -timedelta(hours=5)),
        planned("sending", -timedelta(minutes=20)),
        planned("pending", -timedelta(minutes=3)),
        planned("later", timedelta(hours=2)),  # not due yet: not late, however old its row
    ]
    with sessions.begin() as session:
        outbox.plan(session, wanted, T0 - timedelta(hours=6))
        for key, status in (("sent-long-ago", "sent"), ("sending", "sending")):
            session.execute(update(Delivery).where(Delivery.dedupe_key == key).values(status=status))
    with sessions.begin() as session:
        counts = ops.delivery_counts(session)
        age = ops.oldest_unsent_age(session, T0)
        none_due = ops.oldest_unsent_age(session, T0 - timedelta(hours=1))
    assert counts == {"pending": 2, "sending": 1, "sent": 1, "failed": 0, "skipped": 0}
    assert age == timedelta(minutes=20) and none_due == timedelta(0)


def test_a_request_is_first_delivered_once(sessions: sessionmaker[Session]) -> None:
    answers = []
    for _ in range(3):
        with sessions.begin() as session:
            answers.append(ops.first_delivery(session, "slack:T1:command:1.2.3", T0))
    assert answers == [True, False, False]  # PostgreSQL's rowcount said -1 for both: RETURNING tells them apart

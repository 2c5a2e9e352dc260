"""Operational records: the scheduler's heartbeat and job runs (written by the scheduler process), and the
set-based reads `/healthz` and `/metrics` make at request time (one query each, whatever the table sizes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from metrics.models import Delivery, JobStat, SchedulerBeat, SeenRequest
from metrics.outbox import Status

# A process not heard from for this long is gone (a restart gets a new host:pid); its row is only noise.
FORGET_AFTER = timedelta(days=1)
UNSENT = (Status.PENDING.value, Status.SENDING.value)


@dataclass(frozen=True, slots=True)
class SchedulerHealth:
    """The freshest heartbeat of any scheduler process, and how many beat within the window asked about."""

    last_beat: datetime | None
    live_processes: int

    def age(self, now: datetime) -> timedelta | None:
        """How long ago the freshest heartbeat was (None: no scheduler has ever beaten)."""
        return None if self.last_beat is None else max(timedelta(0), now - self.last_beat)


@dataclass(frozen=True, slots=True)
class JobRuns:
    """One job's totals across every scheduler process, and its latest run."""

    job: str
    runs: int
    failures: int
    last_success_at: datetime | None
    last_seconds: float | None


def beat(session: Session, *, owner: str, started_at: datetime, now: datetime) -> None:
    """Record that scheduler process `owner` (started at `started_at`) is alive at `now`.

    Also forgets processes silent for a day, so the table holds about one row per running scheduler.
    """
    statement = _insert(session, SchedulerBeat).values(owner=owner[:64], started_at=started_at, beat_at=now)
    session.execute(statement.on_conflict_do_update(index_elements=["owner"], set_={"beat_at": now}))
    session.execute(delete(SchedulerBeat).where(SchedulerBeat.beat_at < now - FORGET_AFTER))
    session.execute(delete(SeenRequest).where(SeenRequest.seen_at < now - FORGET_AFTER))


def first_delivery(session: Session, key: str, now: datetime) -> bool:
    """Record request `key`; True if this is its first delivery, False if a copy was already seen.

    One insert that skips an existing key, so of several copies arriving at once exactly one is first.
    """
    statement = _insert(session, SeenRequest).values(key=key[:160], seen_at=now).on_conflict_do_nothing()
    # RETURNING, not rowcount: psycopg reports -1 rows for an INSERT … ON CONFLICT here, whichever way it went.
    return session.execute(statement.returning(SeenRequest.key)).first() is not None


def record_job_run(session: Session, *, job: str, ok: bool, started_at: datetime, seconds: float, owner: str) -> None:
    """Count one run of `job` (a failure if not `ok`) in a single statement, safe with concurrent schedulers."""
    latest: dict[str, Any] = {
        "last_started_at": started_at,
        "last_seconds": seconds,
        "last_owner": owner[:64],
        "last_success_at" if ok else "last_failure_at": started_at,
    }
    failed = 0 if ok else 1
    statement = _insert(session, JobStat).values(job=job[:24], runs=1, failures=failed, **latest)
    # Additive on conflict: two schedulers finishing at once both count (the row lock orders them).
    increments = {"runs": JobStat.runs + 1, "failures": JobStat.failures + failed}
    session.execute(statement.on_conflict_do_update(index_elements=["job"], set_={**increments, **latest}))


def scheduler_health(session: Session, *, live_since: datetime) -> SchedulerHealth:
    """The freshest heartbeat, and how many processes beat at or after `live_since` (one query)."""
    live = func.coalesce(func.sum(case((SchedulerBeat.beat_at >= live_since, 1), else_=0)), 0)
    last, count = session.execute(select(func.max(SchedulerBeat.beat_at), live)).one()
    return SchedulerHealth(last_beat=last, live_processes=int(count))


def delivery_counts(session: Session) -> dict[str, int]:
    """Deliveries per status, every status present (one GROUP BY)."""
    counts = dict.fromkeys((status.value for status in Status), 0)
    for status, count in session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)):
        counts[status] = int(count)
    return counts


def oldest_unsent_age(session: Session, now: datetime) -> timedelta:
    """How long the oldest delivery that fell due and is not yet sent has waited (zero when none has)."""
    query = select(func.min(Delivery.due_at)).where(Delivery.status.in_(UNSENT), Delivery.due_at <= now)
    oldest = session.scalar(query)
    return timedelta(0) if oldest is None else max(timedelta(0), now - oldest)


def job_runs(session: Session) -> list[JobRuns]:
    """Every job that has run, with its totals (one query)."""
    query = select(JobStat).order_by(JobStat.job)
    return [
        JobRuns(row.job, row.runs, row.failures, row.last_success_at, row.last_seconds)
        for row in session.scalars(query)
    ]


def _insert(session: Session, model: type[Any]) -> Any:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


def limit_statement_time(session: Session, seconds: float) -> None:
    """On PostgreSQL, cancel any statement of this transaction that runs longer than `seconds`.

    A health check or a scrape must answer quickly even when a lock or a slow disk holds the database up; SQLite
    has no statement timeout (its busy timeout applies), so there this does nothing.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SET LOCAL statement_timeout = {max(1, int(seconds * 1000))}"))

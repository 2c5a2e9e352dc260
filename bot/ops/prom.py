"""Prometheus metrics: request counts and latency kept in process, and the outbox and the scheduler's jobs read
from the database at scrape time.

Under gunicorn each worker is its own process with its own counters. When PROMETHEUS_MULTIPROC_DIR is set (before
this module is first imported: prometheus_client picks its storage then), every worker writes its values to files
there and /metrics adds them up with prometheus_client's MultiProcessCollector, whichever worker the scrape hits.
The database-backed metrics are read by the worker answering the scrape, so they appear once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import cast
from wsgiref.types import WSGIApplication

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, make_wsgi_app
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from metrics import ops

logger = logging.getLogger(__name__)
Clock = Callable[[], datetime]

REQUESTS = Counter(
    "tally_requests",
    "Slack requests handled by a listener, by kind (command, action, view, event), name and outcome "
    "(ok, refused: bad input or not allowed, error: unexpected failure).",
    ["kind", "name", "outcome"],
)
DURATION = Histogram(
    "tally_request_duration_seconds",
    "From a request passing Tally's middleware until its listener finished (listeners run after the ack).",
    ["kind", "name"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)


def observe_request(kind: str, name: str, outcome: str, seconds: float) -> None:
    """Count one handled request and its duration."""
    REQUESTS.labels(kind, name, outcome).inc()
    DURATION.labels(kind, name).observe(seconds)


class DatabaseCollector(Collector):
    """Metrics read from the database at scrape time: four small queries in one short transaction."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock, *, late_after: timedelta, timeout: float) -> None:
        self._sessions = sessions
        self._clock = clock
        self._late_after = late_after
        self._timeout = timeout

    def describe(self) -> Iterable[Metric]:
        """Nothing: registering must not query the database."""
        return []

    def collect(self) -> Iterable[Metric]:
        """The outbox, the jobs and the scheduler; only `tally_database_up 0` when the database fails."""
        up = GaugeMetricFamily("tally_database_up", "1 if this scrape could read Tally's database, else 0.")
        try:
            families = self._read(self._clock())
        except SQLAlchemyError as error:
            logger.warning("/metrics could not read the database: %s", type(error).__name__)
            up.add_metric([], 0)
            return [up]
        up.add_metric([], 1)
        return [up, *families]

    def _read(self, now: datetime) -> list[Metric]:
        with self._sessions.begin() as session:
            ops.limit_statement_time(session, self._timeout)
            counts = ops.delivery_counts(session)
            oldest = ops.oldest_unsent_age(session, now)
            jobs = ops.job_runs(session)
            health = ops.scheduler_health(session, live_since=now - self._late_after)
        return [*_outbox_families(counts, oldest), *_job_families(jobs), *_scheduler_families(health, now)]


def _outbox_families(counts: dict[str, int], oldest: timedelta) -> list[Metric]:
    deliveries = GaugeMetricFamily("tally_deliveries", "Deliveries in the outbox by status.", labels=["status"])
    for status, count in counts.items():
        deliveries.add_metric([status], count)
    age = GaugeMetricFamily(
        "tally_outbox_oldest_unsent_age_seconds",
        "How long the oldest delivery that fell due and is not sent yet (pending or sending) has waited; 0 if none.",
        value=oldest.total_seconds(),
    )
    return [deliveries, age]


def _job_families(jobs: Sequence[ops.JobRuns]) -> list[Metric]:
    runs = CounterMetricFamily("tally_job_runs", "Runs of each scheduled job, every scheduler.", labels=["job"])
    failures = CounterMetricFamily("tally_job_failures", "Runs of each job that raised.", labels=["job"])
    success = GaugeMetricFamily(
        "tally_job_last_success_timestamp_seconds", "When each job last ran without error.", labels=["job"]
    )
    duration = GaugeMetricFamily(
        "tally_job_last_duration_seconds", "How long each job's latest run took.", labels=["job"]
    )
    for job in jobs:
        runs.add_metric([job.job], job.runs)
        failures.add_metric([job.job], job.failures)
        if job.last_success_at is not None:
            success.add_metric([job.job], job.last_success_at.timestamp())
        if job.last_seconds is not None:
            duration.add_metric([job.job], job.last_seconds)
    return [runs, failures, success, duration]


def _scheduler_families(health: ops.SchedulerHealth, now: datetime) -> list[Metric]:
    families: list[Metric] = [
        GaugeMetricFamily(
            "tally_scheduler_processes", "Scheduler processes with a recent heartbeat.", value=health.live_processes
        )
    ]
    age = health.age(now)
    if age is not None:  # absent, not zero, when no scheduler ever ran: an alert on absence catches that
        families.append(
            GaugeMetricFamily(
                "tally_scheduler_heartbeat_age_seconds",
                "Seconds since any scheduler's last heartbeat.",
                value=age.total_seconds(),
            )
        )
    return families


class _Everything(Collector):
    """The process's default registry (Tally's counters, and the process and Python metrics)."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def metrics_app(collectors: Sequence[Collector], multiprocess_dir: str | None) -> WSGIApplication:
    """The /metrics WSGI app: this process's metrics (or every worker's, in multiprocess mode) and `collectors`."""
    registry = CollectorRegistry()
    if multiprocess_dir:
        MultiProcessCollector(registry, path=multiprocess_dir)  # type: ignore[no-untyped-call]
    else:
        registry.register(_Everything())
    for collector in collectors:
        registry.register(collector)
    return cast(WSGIApplication, make_wsgi_app(registry))

"""APScheduler 3.x wiring: cron triggers → metrics.jobs (planning) and metrics.dispatch (sending).

Every job is registered by a stable id with replace_existing, coalesce, max_instances=1 and an explicit UTC time
zone; jobs keep no state in the scheduler (the outbox is the state), so a restart, a missed run or a second
scheduler process is harmless: planning is insert-or-ignore by key and sending claims rows under a lease.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.ops.jobs import HEARTBEAT_SECONDS, heartbeat, recorded
from bot.slack.clients import WorkspaceClients
from bot.slack.home_refresh import refresh_homes
from bot.slack.runtime import Runtime
from metrics import jobs
from metrics.dispatch import Dispatcher
from metrics.notify import Notifier

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Schedule:
    """How often each job runs (cron fields, UTC)."""

    plan_minutes: str = "*/5"  # nudges and standings posts: each rep's own time is met within 5 minutes
    digest_minutes: str = "*/15"
    dispatch_seconds: str = "*/10"
    homes_minute: str = "7"  # hourly, off the hour everyone else uses


def owner_name() -> str:
    """This process's name in delivery leases: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def job_table(
    runtime: Runtime, notifier: Notifier, clients: WorkspaceClients, schedule: Schedule = Schedule()
) -> dict[str, tuple[CronTrigger, Callable[[], object]]]:
    """Each job's id → (trigger, what it runs)."""

    def plan(name: str) -> Callable[[], object]:
        return lambda: jobs.run(name, runtime.sessions, None, runtime.clock())

    dispatcher = Dispatcher(runtime.sessions, notifier, clock=runtime.clock, owner=owner_name())
    return {
        "nudges": (CronTrigger(minute=schedule.plan_minutes, timezone=UTC), plan("nudges")),
        "standings": (CronTrigger(minute=schedule.plan_minutes, timezone=UTC), plan("standings")),
        "digests": (CronTrigger(minute=schedule.digest_minutes, timezone=UTC), plan("digests")),
        "dispatch": (CronTrigger(second=schedule.dispatch_seconds, timezone=UTC), dispatcher.run),
        "homes": (
            CronTrigger(minute=schedule.homes_minute, timezone=UTC),
            lambda: refresh_homes(runtime, clients, runtime.clock()),
        ),
    }


def build_scheduler(
    runtime: Runtime, notifier: Notifier, clients: WorkspaceClients, schedule: Schedule = Schedule()
) -> BackgroundScheduler:
    """A background scheduler holding every job (not started)."""
    scheduler = BackgroundScheduler(
        timezone=UTC, job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60}
    )
    owner = owner_name()
    for job_id, (trigger, work) in job_table(runtime, notifier, clients, schedule).items():
        job = recorded(job_id, work, runtime.sessions, runtime.clock, owner)
        scheduler.add_job(job, trigger, id=job_id, name=job_id, replace_existing=True)
    # The heartbeat runs at once on start, then every 30 s, beside the jobs (never behind a long one).
    scheduler.add_job(
        heartbeat(runtime.sessions, runtime.clock, owner),
        CronTrigger(second=HEARTBEAT_SECONDS, timezone=UTC),
        id="heartbeat",
        name="heartbeat",
        replace_existing=True,
        next_run_time=datetime.now(UTC),
    )
    return scheduler


def next_runs(table: dict[str, tuple[CronTrigger, Callable[[], object]]], now: datetime) -> dict[str, datetime]:
    """When each job fires next after `now` (for `tally jobs list`)."""
    found = {}
    for job_id, (trigger, _) in table.items():
        fire = trigger.get_next_fire_time(None, now)
        if fire is not None:
            found[job_id] = fire
    return found

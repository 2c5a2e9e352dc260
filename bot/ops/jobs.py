"""The scheduler's side of /healthz and /metrics: a heartbeat, and each job run counted, in the database.

The scheduler is its own process; the web workers that answer /healthz and /metrics can only learn about it
through the database they share. Neither write may stop a job: when the database is down the job has failed
anyway, and the write's failure is logged, not raised.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from metrics import ops

logger = logging.getLogger(__name__)
Clock = Callable[[], datetime]
HEARTBEAT_SECONDS = "*/30"  # cron seconds; /healthz calls a scheduler late after three missed beats


def recorded(
    job_id: str, work: Callable[[], object], sessions: sessionmaker[Session], clock: Clock, owner: str
) -> Callable[[], None]:
    """`work` as a scheduled job: a failed run is logged (the next run tries again), and every run is counted."""

    def run() -> None:
        started_at, began = clock(), time.perf_counter()
        ok = True
        try:
            result = work()
            logger.debug("job %s: %s", job_id, result)
        except Exception:
            ok = False
            logger.exception("job %s failed", job_id)
        seconds = time.perf_counter() - began
        _write(
            sessions,
            lambda session: ops.record_job_run(
                session, job=job_id, ok=ok, started_at=started_at, seconds=seconds, owner=owner
            ),
        )

    return run


def heartbeat(sessions: sessionmaker[Session], clock: Clock, owner: str) -> Callable[[], None]:
    """A job recording that this scheduler process is alive (its start time is when this was built)."""
    started_at = clock()

    def beat() -> None:
        now = clock()
        _write(sessions, lambda session: ops.beat(session, owner=owner, started_at=started_at, now=now))

    return beat


def _write(sessions: sessionmaker[Session], change: Callable[[Session], None]) -> None:
    try:
        with sessions.begin() as session:
            change(session)
    except SQLAlchemyError as error:
        logger.warning("could not record the scheduler's state: %s", type(error).__name__)

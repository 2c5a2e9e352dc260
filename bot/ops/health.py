"""GET /healthz: is the database reachable, and how long ago did a scheduler process last beat?

Status codes are for a load balancer: 200 whenever this web worker can serve (the database answered), even if
the scheduler — a separate process — is late, because taking healthy web workers out of rotation would not bring
the scheduler back; its state is in the body ("status": "degraded"). 503 when the database is down or does not
answer within the timeout. A monitor that should page on a late scheduler asks `/healthz?scheduler=required`,
which also answers 503 then.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from sqlalchemy.orm import Session, sessionmaker

from metrics import ops

logger = logging.getLogger(__name__)
Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class HealthPolicy:
    """How patient /healthz is.

    Attributes:
        timeout: seconds the database gets to answer before the check reports it down.
        late_after: a scheduler heartbeat older than this is late (the scheduler beats every 30 seconds).
    """

    timeout: float = 2.0
    late_after: timedelta = timedelta(seconds=90)


class DatabaseProbe:
    """Asks the database one cheap question, at most one at a time, and waits at most `timeout` for the answer.

    The query runs on its own daemon thread, so a database that hangs (a lost network, a held lock) costs a
    probe `timeout` seconds and never a stuck request thread; probes arriving while one query is still out wait
    on that same query instead of starting another, so a hung database holds at most one connection here.
    """

    def __init__(self, sessions: sessionmaker[Session], policy: HealthPolicy) -> None:
        self._sessions = sessions
        self._policy = policy
        self._lock = threading.Lock()
        self._pending: Future[ops.SchedulerHealth] | None = None

    def check(self, now: datetime) -> ops.SchedulerHealth:
        """The scheduler's health as the database sees it.

        Raises:
            TimeoutError: the database did not answer within the policy's timeout.
            Exception: whatever the database driver raised.
        """
        with self._lock:
            if self._pending is None or self._pending.done():
                self._pending = Future()
                worker = threading.Thread(target=self._query, args=(self._pending, now), daemon=True)
                worker.name = "tally-healthz"
                worker.start()
            pending = self._pending
        try:
            return pending.result(timeout=self._policy.timeout)
        except FutureTimeout as error:
            raise TimeoutError(f"no answer within {self._policy.timeout} s") from error

    def _query(self, future: Future[ops.SchedulerHealth], now: datetime) -> None:
        try:
            with self._sessions.begin() as session:
                # Longer than the probe waits, so the probe reports a timeout first; this only frees the connection.
                ops.limit_statement_time(session, 2 * self._policy.timeout)
                health = ops.scheduler_health(session, live_since=now - self._policy.late_after)
        except BaseException as error:  # handed to the waiting request, which reports it
            future.set_exception(error)
        else:
            future.set_result(health)


def health_report(probe: DatabaseProbe, now: datetime, policy: HealthPolicy) -> tuple[bool, bool, dict[str, Any]]:
    """(database up, scheduler fine, the JSON body) for one check at `now`."""
    try:
        health = probe.check(now)
    except TimeoutError:
        logger.warning("/healthz: the database did not answer within %s s", policy.timeout)
        return False, False, _down("timeout")
    except Exception as error:
        logger.warning("/healthz: the database is unreachable: %s", type(error).__name__)
        return False, False, _down("down", type(error).__name__)
    scheduler = _scheduler(health, now, policy)
    fine = scheduler["status"] == "ok"
    return True, fine, {"status": "ok" if fine else "degraded", "database": {"status": "ok"}, "scheduler": scheduler}


def _down(status: str, error: str | None = None) -> dict[str, Any]:
    database: dict[str, Any] = {"status": status} | ({"error": error} if error else {})
    return {"status": "down", "database": database, "scheduler": {"status": "unknown"}}


def _scheduler(health: ops.SchedulerHealth, now: datetime, policy: HealthPolicy) -> dict[str, Any]:
    age = health.age(now)
    if age is None or health.last_beat is None:
        return {"status": "missing", "processes": 0}
    return {
        "status": "ok" if age <= policy.late_after else "late",
        "last_beat": health.last_beat.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "age_seconds": round(age.total_seconds(), 3),
        "processes": health.live_processes,
    }


def healthz_app(probe: DatabaseProbe, clock: Clock, policy: HealthPolicy) -> WSGIApplication:
    """The /healthz WSGI app (GET or HEAD)."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            start_response("405 Method Not Allowed", [("Allow", "GET, HEAD"), ("Content-Length", "0")])
            return [b""]
        database_up, scheduler_fine, body = health_report(probe, clock(), policy)
        strict = parse_qs(environ.get("QUERY_STRING", "")).get("scheduler") == ["required"]
        healthy = database_up and (scheduler_fine or not strict)
        payload = json.dumps(body).encode()
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(payload))),
            ("Cache-Control", "no-store"),
        ]
        start_response("200 OK" if healthy else "503 Service Unavailable", headers)
        return [b"" if method == "HEAD" else payload]

    return app

"""The operational endpoints as WSGI apps by path, for whichever server composes Tally's HTTP front."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from sqlalchemy.orm import Session, sessionmaker

from bot.ops.context import isolated
from bot.ops.health import DatabaseProbe, HealthPolicy, healthz_app
from bot.ops.prom import DatabaseCollector, metrics_app

HEALTHZ_PATH = "/healthz"
METRICS_PATH = "/metrics"


def ops_routes(
    sessions: sessionmaker[Session],
    clock: Callable[[], datetime],
    *,
    multiprocess_dir: str | None = None,
    health: HealthPolicy | None = None,
) -> dict[str, WSGIApplication]:
    """`/healthz` and `/metrics` as WSGI apps.

    Args:
        sessions: the database both read.
        clock: the current instant (heartbeat and outbox ages are measured against it).
        multiprocess_dir: PROMETHEUS_MULTIPROC_DIR, when several worker processes serve (gunicorn); /metrics
            then reports every worker's counters.
        health: how long the database gets to answer, and when a scheduler heartbeat counts as late.
    """
    health = health or HealthPolicy()
    collector = DatabaseCollector(sessions, clock, late_after=health.late_after, timeout=health.timeout)
    return {
        HEALTHZ_PATH: healthz_app(DatabaseProbe(sessions, health), clock, health),
        METRICS_PATH: metrics_app([collector], multiprocess_dir),
    }


def dispatch(routes: Mapping[str, WSGIApplication], fallback: WSGIApplication) -> WSGIApplication:
    """A WSGI app sending each request to `routes[path]`, or to `fallback`; each in a context of its own."""

    @isolated
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return routes.get(environ.get("PATH_INFO", ""), fallback)(environ, start_response)

    return app

"""`tally run --http`: Tally's WSGI app under gunicorn, with threads, several workers and graceful shutdown.

Each worker builds its own app after the fork (`preload_app` off), so no database connection or thread pool is
shared between processes. On SIGTERM gunicorn stops accepting connections and lets in-flight requests finish;
Bolt acknowledges a request before its listener runs, so each worker also waits for its queued listeners (the
work behind requests Slack has already been told were received) before it exits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from gunicorn.app.base import BaseApplication

from bot.web import EVENTS_PATH, WSGIApp

logger = logging.getLogger(__name__)
# Executors whose queued listeners a worker finishes before it exits; filled by the app factory in each worker.
_DRAIN_ON_EXIT: list[Executor] = []


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """How gunicorn serves Tally.

    Attributes:
        host: address to listen on.
        port: port to listen on (0: any free port; the chosen one is printed).
        workers: worker processes.
        threads: request threads per worker.
        graceful_timeout: seconds a worker has to finish its requests and listeners after SIGTERM.
    """

    host: str
    port: int
    workers: int = 2
    threads: int = 8
    graceful_timeout: int = 30


def drain_on_exit(executor: Executor) -> None:
    """Have this worker wait for `executor`'s queued work when it shuts down."""
    _DRAIN_ON_EXIT.append(executor)


def serve(factory: Callable[[], WSGIApp], options: ServeOptions, hooks: dict[str, Any] | None = None) -> None:
    """Run gunicorn until it is stopped (SIGTERM or SIGINT: graceful). Raises SystemExit with its exit status.

    Args:
        factory: builds the WSGI app; called once in each worker process.
        options: address, workers, threads and the graceful timeout.
        hooks: extra gunicorn server hooks by name (e.g. "child_exit").
    """
    settings: dict[str, Any] = {
        "bind": f"{options.host}:{options.port}",
        "workers": options.workers,
        "threads": options.threads,
        "worker_class": "gthread",
        "graceful_timeout": options.graceful_timeout,
        "preload_app": False,
        "when_ready": _announce,
        "worker_exit": _drain,
        **(hooks or {}),
    }
    _Gunicorn(factory, settings).run()


class _Gunicorn(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
    def __init__(self, factory: Callable[[], WSGIApp], settings: dict[str, Any]) -> None:
        self._factory = factory
        self._settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._settings.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIApp:
        return self._factory()


def forget_worker_metrics(_server: Any, worker: Any) -> None:
    """gunicorn's child_exit hook: a dead worker's live gauges leave /metrics (its counters stay counted)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def _announce(server: Any) -> None:
    host, port = server.LISTENERS[0].sock.getsockname()[:2]
    print(f"Tally is listening on http://{host}:{port}{EVENTS_PATH}", flush=True)


def _drain(_server: Any, _worker: Any) -> None:
    for executor in _DRAIN_ON_EXIT:
        executor.shutdown(wait=True)

"""Writing a request's data before acknowledging it, within a budget: an acknowledged /log is a stored /log.

With lazy listeners the request thread acks at once and the work runs afterwards; a server killed in between
(SIGKILL, OOM, a node lost) has acknowledged logs it never wrote, and nobody hears of it (issue 8's crash test
lost 39 of 490 that way). So /log's ack first starts the write on a small pool of its own and waits up to
`ACK_BUDGET` for it; Slack gets its ack either way within its 3 s. When the write is done by then, the ack means
"stored"; when it is slower (a database outage), the lazy listener waits for the same write and answers when it
ends. The lazy listener collects the outcome by the request's trigger id: both run in the same process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

ACK_BUDGET = 2.0  # seconds of Slack's 3 s ack window a write may use; the rest is for the network
WRITERS = 8  # at most this many writes run before their acks; more wait their turn like any request


class WritesBeforeAck:
    """Writes started in an ack, keyed by request, and handed to that request's lazy listener."""

    def __init__(self, workers: int = WRITERS) -> None:
        self._workers = workers
        self._pool: ThreadPoolExecutor | None = None  # made on first use: after gunicorn forks the worker
        self._pending: dict[str, Future[Any]] = {}
        self._lock = threading.Lock()

    def begin(self, key: str, write: Callable[[], Any], budget: float = ACK_BUDGET) -> bool:
        """Start `write` for the request `key` and wait up to `budget` seconds; returns whether it has ended."""
        future = self._executor().submit(write)
        with self._lock:
            self._pending[key] = future
        done, _ = wait([future], timeout=budget)
        return bool(done)

    def collect(self, key: str) -> Future[Any] | None:
        """The write `begin` started for `key` (and forget it), or None if none was started in this process."""
        with self._lock:
            return self._pending.pop(key, None)

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="tally-write-before-ack")
            return self._pool


WRITES = WritesBeforeAck()

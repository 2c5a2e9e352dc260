"""A listener executor that holds at most so much queued work, so a flood slows its senders instead of piling up.

With lazy listeners a request is acknowledged before its work is queued; without a bound, fifty clients sending
as fast as the acks come back queued twenty thousand listeners in twenty seconds, more than a graceful stop could
finish. When the queue is full, the request thread waits (a moment, at most) before it returns, which slows the
sender down: backpressure, as a synchronous server would apply.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class BoundedExecutor(Executor):
    """Runs tasks on `inner`, with at most `limit` submitted and not yet finished; submit waits for room."""

    def __init__(self, inner: Executor, limit: int) -> None:
        self._inner = inner
        self._room = threading.BoundedSemaphore(limit)

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        """Wait for room, then schedule `fn(*args, **kwargs)`."""
        self._room.acquire()
        try:
            future = self._inner.submit(fn, *args, **kwargs)
        except BaseException:
            self._room.release()
            raise
        future.add_done_callback(lambda _: self._room.release())
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Shut the wrapped executor down."""
        self._inner.shutdown(wait=wait, cancel_futures=cancel_futures)

"""The request being handled, as a context variable: set by a Bolt middleware, carried into listener threads.

Bolt acks on the request thread and runs the listener later on its executor, where context variables set on the
request thread are not visible; `ContextExecutor` hands each task a copy of the submitting thread's context, so
the listener's log lines and metrics know which request they belong to.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(slots=True)
class RequestInfo:
    """What logs and metrics may say about a request (never the text typed in it, never a token).

    Attributes:
        request_id: the load balancer's X-Request-Id, or one made up for this request.
        kind: "command", "action", "view", "event", "shortcut" or "options".
        name: the slash command, action_id, callback_id or event type.
        workspace: the Slack team (or enterprise) id, when the request has one.
        started: `time.perf_counter()` when Tally's middleware first saw the request.
        typed: what the user typed (a command's text, a message's text, a form's text fields), kept only so
            that log lines can be scrubbed of it.
    """

    request_id: str
    kind: str
    name: str
    workspace: str | None
    started: float
    typed: tuple[str, ...] = ()


_CURRENT: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar("tally_request", default=None)


def current_request() -> RequestInfo | None:
    """The request this thread is working for, if any."""
    return _CURRENT.get()


def begin_request(info: RequestInfo) -> None:
    """Make `info` the current request for the rest of this context (see `isolated` for where it ends)."""
    _CURRENT.set(info)


def isolated(function: Callable[P, T]) -> Callable[P, T]:
    """`function` run in a copy of the caller's context, so what it sets does not outlive the call.

    A WSGI server with a thread pool reuses threads; without this, a request's id would linger on its thread
    and mark the log lines of the next request's first steps.
    """

    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        return contextvars.copy_context().run(function, *args, **kwargs)

    return run


class ContextExecutor(Executor):
    """An executor that runs each task in a copy of the submitting thread's context."""

    def __init__(self, inner: Executor) -> None:
        self._inner = inner

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        """Schedule `fn(*args, **kwargs)` on the wrapped executor, seeing the caller's context variables."""
        context = contextvars.copy_context()

        def run() -> T:
            return context.run(fn, *args, **kwargs)

        return self._inner.submit(run)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Shut the wrapped executor down."""
        self._inner.shutdown(wait=wait, cancel_futures=cancel_futures)

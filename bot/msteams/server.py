"""Serving the Teams endpoint: in the foreground for `tally run --teams`, or on a background thread with its own
event loop for the tests and the playground (which then talk to it over real HTTP)."""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import Any, TextIO

from aiohttp import web

from bot.config import ConfigError
from bot.msteams.app import build_teams_app
from bot.msteams.auth import TeamsAuth
from bot.msteams.runtime import TeamsRuntime


def serve(runtime: TeamsRuntime, auth: TeamsAuth, *, host: str, port: int, out: TextIO) -> None:
    """Serve until SIGINT or SIGTERM, then finish the requests in flight; the address goes to `out` once bound."""
    asyncio.run(_serve(build_teams_app(runtime, auth), host, port, out))


async def _serve(app: web.Application, host: str, port: int, out: TextIO) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    bound_host, bound_port = runner.addresses[0][:2]
    print(f"Tally is serving Microsoft Teams at http://{bound_host}:{bound_port}/api/messages", file=out, flush=True)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


class TeamsServer:
    """The endpoint on 127.0.0.1 on a free port, on its own thread; `url` is where Teams would POST.

    Use it as a context manager, or call `start()` and `close()`.
    """

    def __init__(self, runtime: TeamsRuntime, auth: TeamsAuth) -> None:
        self._app = build_teams_app(runtime, auth)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tally-teams", daemon=True)
        self._runner = web.AppRunner(self._app)
        self.port = 0

    @property
    def url(self) -> str:
        """The messaging endpoint, `http://127.0.0.1:PORT/api/messages`."""
        return f"http://127.0.0.1:{self.port}/api/messages"

    def start(self) -> TeamsServer:
        """Start listening; returns once the port is bound."""
        self._thread.start()
        self._call(self._start())
        return self

    def close(self) -> None:
        """Finish the requests in flight, stop listening and stop the thread."""
        self._call(self._runner.cleanup())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def __enter__(self) -> TeamsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def _start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    def _call(self, work: Coroutine[Any, Any, None]) -> None:
        future: Future[None] = asyncio.run_coroutine_threadsafe(work, self._loop)
        future.result(timeout=30)


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def listen_host(host: str | None, *, anonymous: bool) -> str:
    """Where the endpoint listens: `host` (default every address) for a registered bot; this machine only in
    anonymous mode, where anyone who can reach the endpoint could act as anyone and choose where replies go.

    Raises:
        ConfigError: anonymous mode asked to listen beyond this machine.
    """
    if not anonymous:
        return host or "0.0.0.0"
    if (host or LOOPBACK[0]) not in LOOPBACK:
        raise ConfigError("--anonymous accepts unauthenticated requests, so it listens on 127.0.0.1 only")
    return host or LOOPBACK[0]

"""An aiohttp application served on 127.0.0.1 from a background thread, for the synchronous playground.

The Teams front end is an aiohttp app (the Agents SDK is async); the playground's prompt is a plain loop. This
runs the app in its own event loop on its own thread and hands back its address, so the prompt only speaks HTTP.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager

from aiohttp import web

START_TIMEOUT = 30.0


@contextmanager
def serve_aiohttp(app: web.Application) -> Iterator[str]:
    """Serve `app` on a free port of 127.0.0.1 until the block ends; yields its base URL (no trailing slash)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="teams-playground-endpoint", daemon=True)
    thread.start()
    try:
        runner = asyncio.run_coroutine_threadsafe(_start(app), loop).result(START_TIMEOUT)
    except BaseException:
        _stop(loop, thread)
        raise
    try:
        host, port = runner.addresses[0][:2]
        yield f"http://{host}:{port}"
    finally:
        stopped: Future[None] = asyncio.run_coroutine_threadsafe(runner.cleanup(), loop)
        stopped.result(START_TIMEOUT)
        _stop(loop, thread)


async def _start(app: web.Application) -> web.AppRunner:
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner


def _stop(loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
    loop.call_soon_threadsafe(loop.stop)
    thread.join(START_TIMEOUT)
    loop.close()

"""Serving Tally's WSGI app in-process with a threaded server from the standard library (playground and tests).

Production serves the same WSGI app with gunicorn (bot/serve.py); this one exists so the playground and the test
suite can run the real app over real HTTP inside one process, on a free port.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.types import WSGIApplication

from slack_bolt import App

from bot.web import EVENTS_PATH, build_wsgi_app

__all__ = ["EVENTS_PATH", "make_http_server", "serve_in_background"]

logger = logging.getLogger(__name__)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _LoggingHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.address_string(), format % args)


def make_http_server(
    app: App | WSGIApplication, host: str, port: int, routes: Mapping[str, WSGIApplication] | None = None
) -> WSGIServer:
    """A server on host:port (0 picks a free port) for `app`: a Bolt app, served with `routes` beside it (path →
    WSGI app, such as /healthz and /metrics), or a WSGI app from build_wsgi_app."""
    wsgi = build_wsgi_app(app, routes) if isinstance(app, App) else app
    return make_server(host, port, wsgi, _ThreadingWSGIServer, handler_class=_LoggingHandler)


def serve_in_background(server: WSGIServer) -> threading.Thread:
    """Start `server.serve_forever()` on a daemon thread (for the playground and tests).

    It checks for shutdown every 50 ms rather than the default 500 ms, so stopping it is quick.
    """
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="tally-http", daemon=True
    )
    thread.start()
    return thread

"""Serving the Bolt app over HTTP at /slack/events with a threaded WSGI server from the standard library.

Bolt's own `app.start()` is a single-threaded development server; this serves each request on its own thread
through Bolt's WSGI adapter, the same adapter a production WSGI server such as gunicorn uses.
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
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.ops.routes import dispatch

logger = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _LoggingHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.address_string(), format % args)


def make_http_server(app: App, host: str, port: int, routes: Mapping[str, WSGIApplication] | None = None) -> WSGIServer:
    """A server for `app` on host:port (port 0 picks a free one; read it from `server.server_port`), and for
    `routes` (path → WSGI app, such as /healthz and /metrics) beside it."""
    handler = dispatch(routes or {}, SlackRequestHandler(app, path=EVENTS_PATH))
    return make_server(host, port, handler, _ThreadingWSGIServer, handler_class=_LoggingHandler)


def serve_in_background(server: WSGIServer) -> threading.Thread:
    """Start `server.serve_forever()` on a daemon thread (for the playground and tests).

    It checks for shutdown every 50 ms rather than the default 500 ms, so stopping it is quick.
    """
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="tally-http", daemon=True
    )
    thread.start()
    return thread

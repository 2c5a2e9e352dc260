"""The one WSGI application Tally serves: Slack's request URLs plus operational routes (/healthz, /metrics).

Both servers use it: gunicorn in production (`tally run --http`, bot/serve.py) and the standard library's
threaded server in the playground and tests (bot/slack/server.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from wsgiref.types import WSGIApplication

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.ops.routes import dispatch

EVENTS_PATH = "/slack/events"
WSGIApp = WSGIApplication


def build_wsgi_app(bolt_app: App, routes: Mapping[str, WSGIApplication] | None = None) -> WSGIApplication:
    """Route `routes` by exact path, and everything else to Bolt, each request in a logging context of its own.

    Bolt's handler answers POST /slack/events and, when the app has an OAuth flow, GET /slack/install and
    GET /slack/oauth_redirect; any other path gets its 404.
    """
    return dispatch(routes or {}, SlackRequestHandler(bolt_app, path=EVENTS_PATH))

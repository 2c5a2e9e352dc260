"""The one WSGI application Tally serves: Slack's request URLs plus operational routes such as /healthz.

Both servers use it: gunicorn in production (`tally run --http`, bot/serve.py) and the standard library's
threaded server in the playground and tests (bot/slack/server.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

EVENTS_PATH = "/slack/events"
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def build_wsgi_app(bolt_app: App, routes: Mapping[str, WSGIApp] | None = None) -> WSGIApp:
    """Route `routes` by exact path, and everything else to Bolt.

    Bolt's handler answers POST /slack/events and, when the app has an OAuth flow, GET /slack/install and
    GET /slack/oauth_redirect; any other path gets its 404.
    """
    slack = SlackRequestHandler(bolt_app, path=EVENTS_PATH)
    extra = dict(routes or {})

    def tally(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        route = extra.get(environ.get("PATH_INFO", ""))
        if route is not None:
            return route(environ, start_response)
        return slack(environ, start_response)

    return tally

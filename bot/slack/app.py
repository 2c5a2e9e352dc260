"""build_app: the Bolt app with Tally's listeners, its dependencies and one error handler."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor

from slack_bolt import App, BoltContext
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot.ops.context import ContextExecutor
from bot.slack.errors import handle_error
from bot.slack.executor import BoundedExecutor
from bot.slack.listeners import register_listeners
from bot.slack.observe import observe_requests
from bot.slack.runtime import Runtime


class _NoTokenNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and warns that our client's token wins; it is the same token."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "token` will be unused" not in record.getMessage()


_BOLT_LOGGER = logging.getLogger("bot.slack.bolt")
# Listeners queued or running per process before a new request waits for room (see bot/slack/executor.py).
QUEUED_LISTENERS = 32
_BOLT_LOGGER.addFilter(_NoTokenNotice())


def build_app(
    *,
    runtime: Runtime,
    bot_token: str | None,
    signing_secret: str | None,
    slack_api_url: str,
    process_before_response: bool = False,
    listener_executor: Executor | None = None,
    oauth: OAuthSettings | None = None,
) -> App:
    """Build Tally's Bolt app.

    Args:
        runtime: sessions, clock and defaults handed to every listener.
        bot_token: the xoxb- token; the app checks it once with auth.test.
        signing_secret: verifies HTTP requests (unused in Socket Mode, where Slack does not sign).
        slack_api_url: base URL of the Slack Web API; tests and the playground point it at a local fake.
        process_before_response: hold each HTTP response until its listener finishes (the playground uses
            this so every reply has arrived when a request returns); the default acks first, as Slack wants, in
            the request thread, and runs the listener afterwards as a Bolt lazy listener.
        listener_executor: runs lazy listeners after their ack (default: a pool of 5 threads); tests pass
            their own so they can wait for every listener to finish.
        oauth: installs into many workspaces (bot/slack/oauth.py); each request then runs with its workspace's
            token from the installation store, and `bot_token` is not used.
    """
    client = WebClient(
        token=None if oauth else bot_token,
        base_url=slack_api_url,
        retry_handlers=[ConnectionErrorRetryHandler(), RateLimitErrorRetryHandler(max_retry_count=2)],
    )
    app = App(
        client=client,
        signing_secret=signing_secret or "",
        # Always: with lazy listeners (the default) the request thread runs only the ack; see errors.attach.
        process_before_response=True,
        token_verification_enabled=bool(bot_token) and oauth is None,
        oauth_settings=oauth,
        logger=_BOLT_LOGGER,
        # Listeners run on this executor after the ack; it hands them the request's context (log fields).
        listener_executor=ContextExecutor(
            BoundedExecutor(listener_executor or ThreadPoolExecutor(max_workers=5), QUEUED_LISTENERS)
        ),
    )
    app.use(observe_requests)
    app.use(_provide(runtime))
    app.error(handle_error)
    register_listeners(app, lazy=not process_before_response)
    return app


def _provide(runtime: Runtime) -> Callable[[BoltContext, Callable[[], None]], None]:
    # Listeners receive `runtime` by name (Bolt injects context values). No session is opened here: Bolt's
    # next() returns before the listener runs, so a `with` here would close the session too early.
    def provide_runtime(context: BoltContext, next: Callable[[], None]) -> None:
        context["runtime"] = runtime
        next()

    return provide_runtime

"""Opening the App Home tab shows the rep's live scorecard."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.slack.home import publish_home
from bot.slack.people import acting_rep
from bot.slack.runtime import Runtime


def handle_app_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext, runtime: Runtime) -> None:
    """Publish the Home tab when the rep opens it (the Messages tab needs nothing)."""
    if event.get("tab", "home") != "home":
        return
    now = runtime.clock()
    rep = acting_rep(runtime, client, context, now)
    publish_home(client, runtime, rep, context.user_id or event.get("user", ""), now)

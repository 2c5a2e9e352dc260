"""Home tab buttons: open the settings form, and page through the team board."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.slack.blocks.settings_form import build_settings_form
from bot.slack.home import publish_home
from bot.slack.people import acting_rep
from bot.slack.runtime import Runtime
from metrics.services import preferences


def handle_open_settings(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, runtime: Runtime
) -> None:
    """Open the rep's settings modal, filled with their current settings."""
    ack()
    rep = acting_rep(runtime, client, context, runtime.clock())
    with runtime.sessions.begin() as session:
        settings = preferences.own_settings(session, rep=rep)
    client.views_open(trigger_id=body["trigger_id"], view=build_settings_form(settings))


def handle_home_page(
    ack: Ack, action: dict[str, Any], client: WebClient, context: BoltContext, runtime: Runtime
) -> None:
    """Show another page of the team board."""
    ack()
    now = runtime.clock()
    rep = acting_rep(runtime, client, context, now)
    page = int(action.get("value") or 0) if str(action.get("value", "0")).isdigit() else 0
    publish_home(client, runtime, rep, context.user_id or "", now, page=page)

"""The Home tab's "Log activity" button: opens the log form."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.slack.blocks.forms import build_log_form
from bot.slack.people import acting_rep
from bot.slack.runtime import Runtime


def handle_open_log_form(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, runtime: Runtime
) -> None:
    """Open the form for logging several metrics."""
    ack()
    now = runtime.clock()
    rep = acting_rep(runtime, client, context, now)
    client.views_open(
        trigger_id=body["trigger_id"], view=build_log_form(rep.metrics, rep.today(now), rep.backdate_days)
    )

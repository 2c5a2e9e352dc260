"""/tally: help now; settings and administration arrive with later features."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.slack.blocks.replies import build_help_message
from bot.slack.people import acting_rep
from bot.slack.runtime import Runtime
from metrics.errors import UsageError

HELP_WORDS = ("", "help", "?", "commands")


def handle_tally(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext, runtime: Runtime
) -> None:
    """`/tally help` (or just `/tally`): every command with an example."""
    ack()
    word = command.get("text", "").strip().lower()
    if word not in HELP_WORDS:
        raise UsageError("I only know `/tally help` so far.", usage="Try `/tally help` for every command.")
    rep = acting_rep(runtime, client, context, runtime.clock())
    respond(**build_help_message(rep.metrics), response_type="ephemeral")

"""/scorecard: the rep's totals for today and this week."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.grammar import parse_no_arguments
from bot.slack.blocks.scorecard import build_scorecard_message
from bot.slack.people import acting_rep
from bot.slack.runtime import Runtime
from bot.slack.text import read_command_text
from metrics.services import scorecards

USAGE = "Try `/scorecard` for today and this week."


def handle_scorecard(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext, runtime: Runtime
) -> None:
    """Reply ephemerally with the asker's scorecard."""
    ack()
    parse_no_arguments(read_command_text(command.get("text", "")).text, usage=USAGE)
    now = runtime.clock()
    rep = acting_rep(runtime, client, context, now)
    with runtime.sessions.begin() as session:
        card = scorecards.scorecard(session, rep=rep, now=now)
    respond(**build_scorecard_message(card), response_type="ephemeral")

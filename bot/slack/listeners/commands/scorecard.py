"""/scorecard [@rep] [today|week|month|quarter]: a rep's card against their targets."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.period_grammar import parse_window
from bot.slack.blocks.scorecard import build_scorecard_message
from bot.slack.people import acting_rep, mentioned_rep
from bot.slack.runtime import Runtime
from bot.slack.text import read_command_text
from metrics.services import scorecards

USAGE = "Try `/scorecard`, `/scorecard month`, `/scorecard today` or (managers) `/scorecard @bob quarter`."


def handle_scorecard(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext, runtime: Runtime
) -> None:
    """Reply ephemerally with the asker's scorecard, or a rep's they may see."""
    ack()
    words = read_command_text(command.get("text", ""))
    window = parse_window(words.text, usage=USAGE)
    now = runtime.clock()
    rep = acting_rep(runtime, client, context, now)
    with runtime.sessions.begin() as session:
        other = mentioned_rep(session, context, words.mentions)
        card = scorecards.scorecard(session, asker=rep, now=now, rep_id=other, window=window)
    respond(**build_scorecard_message(card), response_type="ephemeral")

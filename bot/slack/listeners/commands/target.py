"""/target: set, list, clear and suggest targets, and ramps."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.slack.people import acting_rep
from bot.slack.runtime import Runtime
from bot.slack.target_actions import carry_out
from bot.slack.text import read_command_text
from bot.target_grammar import parse_target


def handle_target(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext, runtime: Runtime
) -> None:
    """Parse, resolve the mentioned rep (registering a newcomer), then act in one transaction."""
    ack()
    now = runtime.clock()
    rep = acting_rep(runtime, client, context, now)
    words = read_command_text(command.get("text", ""))
    parsed = parse_target(words.text, metrics=rep.metrics, mentioned=bool(words.mentions))
    other = acting_rep(runtime, client, context, now, user_id=words.mentions[0]) if words.mentions else None
    with runtime.sessions.begin() as session:
        reply = carry_out(session, parsed, rep, other, now)
    respond(**reply, response_type="ephemeral")

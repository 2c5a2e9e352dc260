"""/tally: help, setup, teams, roles, weights, settings, PTO, mute, privacy, export and forget."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.admin_grammar import parse_tally
from bot.slack import tally_data
from bot.slack.people import acting_rep
from bot.slack.runtime import Runtime
from bot.slack.tally_actions import carry_out, gather
from bot.slack.text import read_command_text


def handle_tally(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext, runtime: Runtime
) -> None:
    """Parse the subcommand, gather what it needs from Slack, then run it in one transaction."""
    ack()
    now = runtime.clock()
    rep = acting_rep(runtime, client, context, now)
    words = read_command_text(command.get("text", ""))
    parsed = parse_tally(words.text, today=rep.today(now), now=now, tz=rep.timezone)
    if parsed.action in tally_data.ACTIONS:  # export and forget reach Slack after their transaction
        reply = tally_data.carry_out_in_slack(parsed, words, rep, runtime, client, context, command, now)
    else:
        reply = carry_out(gather(parsed, words, rep, runtime, client, context, now), runtime)
    respond(**reply, response_type="ephemeral")

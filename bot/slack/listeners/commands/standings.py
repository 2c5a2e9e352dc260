"""/standings [score|points|metric] [today|week|month|quarter] [team NAME] [post]: a team's board."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.chat_actions import read_standings
from bot.slack.blocks.standings import build_standings_message
from bot.slack.blocks.targets import build_done_message
from bot.slack.people import acting_rep
from bot.slack.runtime import Runtime
from bot.slack.text import read_command_text
from bot.standings_grammar import parse_standings
from metrics.errors import NotAllowed, UsageError
from metrics.records import Role
from metrics.score_records import Standings


def handle_standings(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext, runtime: Runtime
) -> None:
    """Reply with the board (ephemeral), or post it to the team's channel."""
    ack()
    now = runtime.clock()
    rep = acting_rep(runtime, client, context, now)
    asked = parse_standings(read_command_text(command.get("text", "")).text, rep.metrics)
    if asked.post and rep.role is Role.REP:
        raise NotAllowed("Managers and admins post standings; `/standings` shows them to you.")
    with runtime.sessions.begin() as session:
        board = read_standings(session, rep, asked, now, public=asked.post)
    if asked.post:
        post_to_channel(client, board)
    text = f"Posted to <#{board.channel_id}>." if asked.post else None
    respond(**(build_done_message(text) if text else build_standings_message(board)), response_type="ephemeral")


def post_to_channel(client: WebClient, board: Standings) -> None:
    """Post the board to its team's channel."""
    if board.channel_id is None:
        raise UsageError("Your team has no channel; an admin sets one with `/tally team create NAME #channel`.")
    client.chat_postMessage(channel=board.channel_id, **build_standings_message(board))

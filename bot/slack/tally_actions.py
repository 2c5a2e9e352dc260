"""/tally in Slack: gather what a subcommand needs from Slack, run it (bot/tally_use.py) and draw the reply."""

from __future__ import annotations

from datetime import datetime

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.admin_grammar import TallyCommand
from bot.slack.blocks.admin import build_audit_message, build_pto_message, build_teams_message
from bot.slack.blocks.kit import Message
from bot.slack.blocks.replies import build_help_message
from bot.slack.blocks.targets import build_done_message
from bot.slack.people import acting_rep, is_workspace_admin
from bot.slack.runtime import Runtime
from bot.slack.text import CommandText
from bot.tally_use import (
    AuditList,
    Done,
    PtoList,
    TallyRequest,
    TallyResult,
    TeamCreated,
    TeamList,
    carry_out_tally,
)
from metrics.records import RepContext

EMOJI = {"done": ":white_check_mark:", "clock": ":clock8:", "pto": ":palm_tree:", "mute": ":zipper_mouth_face:"}


def gather(
    command: TallyCommand,
    words: CommandText,
    asker: RepContext,
    runtime: Runtime,
    client: WebClient,
    context: BoltContext,
    now: datetime,
) -> TallyRequest:
    """Look up, from Slack, the people a subcommand mentions (registering newcomers) and, for setup, whether the
    asker administers the Slack workspace. Slack calls never run inside the transaction: a slow Slack must not
    hold a database lock."""
    mentioned = tuple(acting_rep(runtime, client, context, now, user_id=user_id) for user_id in words.mentions)
    slack_admin = command.action == "setup" and is_workspace_admin(client, context.user_id or "")
    channel = words.channels[0] if words.channels else None
    return TallyRequest(command, asker, now, mentioned, slack_admin, channel)


def carry_out(request: TallyRequest, runtime: Runtime) -> Message:
    """Run the subcommand in one transaction and return its reply."""
    with runtime.sessions.begin() as session:
        return _message(carry_out_tally(session, request), request.asker)


def _message(result: TallyResult, asker: RepContext) -> Message:
    if isinstance(result, Done):
        return build_done_message(result.text, EMOJI[result.mood])
    if isinstance(result, TeamCreated):
        channel = result.channel_id
        where = f", posting to <#{channel}>" if channel else " (add a channel with the next `/tally team create`)"
        return build_done_message(
            f"Created the team {result.name}{where}. Add people with `/tally team add @bob @carol`."
        )
    if isinstance(result, TeamList):
        return build_teams_message(result.teams)
    if isinstance(result, AuditList):
        return build_audit_message(result.entries)
    if isinstance(result, PtoList):
        return build_pto_message(result.ranges)
    return build_help_message(asker.metrics)

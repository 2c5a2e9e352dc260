"""/plan $5M year [rates] [team|everyone|@rep], and /plan apply."""

from __future__ import annotations

import dataclasses
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.lines.plan import applied_text
from bot.plan_grammar import ApplyPlan, parse_plan
from bot.slack.blocks.plan import build_plan_message
from bot.slack.blocks.targets import build_done_message
from bot.slack.people import acting_rep, mentioned_rep
from bot.slack.runtime import Runtime
from bot.slack.text import read_command_text
from metrics.services import planning


def handle_plan(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext, runtime: Runtime
) -> None:
    """Work back from the revenue target, or apply the latest plan as daily targets."""
    ack()
    now = runtime.clock()
    rep = acting_rep(runtime, client, context, now)
    words = read_command_text(command.get("text", ""))
    parsed = parse_plan(words.text, mentioned=bool(words.mentions))
    with runtime.sessions.begin() as session:
        if isinstance(parsed, ApplyPlan):
            reps, count = planning.apply_latest(session, asker=rep, now=now)
            reply = build_done_message(applied_text(reps, count), ":dart:")
        else:
            other = mentioned_rep(session, context, words.mentions)
            request = parsed if other is None else dataclasses.replace(parsed, rep_id=other)
            reply = build_plan_message(planning.plan(session, asker=rep, request=request, now=now))
    respond(**reply, response_type="ephemeral")

"""/funnel [@rep] [week|month|quarter|year]: conversion at each stage against the team median."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.period_grammar import parse_period
from bot.slack.blocks.funnel import build_funnel_message
from bot.slack.people import acting_rep, mentioned_rep
from bot.slack.runtime import Runtime
from bot.slack.text import read_command_text
from metrics.periods import PeriodKind
from metrics.services import funnel

USAGE = "Try `/funnel`, `/funnel quarter`, `/funnel last month` or (managers) `/funnel @bob quarter`."


def handle_funnel(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext, runtime: Runtime
) -> None:
    """Reply with the funnel of the asker (a manager: their team's reps, or one)."""
    ack()
    now = runtime.clock()
    rep = acting_rep(runtime, client, context, now)
    words = read_command_text(command.get("text", ""))
    period = parse_period(words.text, today=rep.today(now), week_start=rep.week_start, default=PeriodKind.MONTH)
    with runtime.sessions.begin() as session:
        other = mentioned_rep(session, context, words.mentions)
        view = funnel.funnel(session, asker=rep, period=period, now=now, rep_id=other)
    respond(**build_funnel_message(view), response_type="ephemeral")

"""target and plan as Teams messages: the same grammars and services as Slack's /target and /plan."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from bot.lines.plan import applied_text
from bot.msteams.cards.plans import (
    build_plan_reply,
    build_suggestion_reply,
    build_target_list_reply,
    build_target_set_reply,
)
from bot.msteams.cards.replies import Reply, build_done_reply
from bot.msteams.channels import use_this_channel
from bot.msteams.people import mentioned_rep, named_rep_id
from bot.msteams.runtime import TeamsRuntime
from bot.msteams.turns import Turn
from bot.plan_grammar import ApplyPlan, parse_plan
from bot.target_grammar import parse_target
from bot.target_use import TargetList, carry_out_target
from metrics.errors import UsageError
from metrics.records import RepContext
from metrics.services import planning
from metrics.services.targets import TargetView


def handle_target(runtime: TeamsRuntime, turn: Turn, rep: RepContext, words: str, now: datetime) -> Reply:
    """target …: set, list, clear, suggest, ramp (what the services allow the asker)."""
    parsed = parse_target(words, metrics=rep.metrics, mentioned=bool(turn.mentions))
    other = mentioned_rep(runtime, turn, now)
    with runtime.sessions.begin() as session:
        result = carry_out_target(session, parsed, rep, other, now)
    if isinstance(result, TargetView):
        return build_target_set_reply(result)
    if isinstance(result, TargetList):
        return build_target_list_reply(result.views, result.whose)
    if isinstance(result, str):
        return build_done_reply(result)
    return build_suggestion_reply(result)


TEAM_USAGE = "In the team's channel, mention Tally: `team channel` (or `team channel NAME` if you manage several)."


def handle_team(runtime: TeamsRuntime, turn: Turn, rep: RepContext, words: str, now: datetime) -> Reply:
    """team channel [NAME], said in a channel: the team's standings posts, celebrations and digests go there."""
    first, _, name = words.partition(" ")
    if first.lower() != "channel":
        raise UsageError("I know one team command here.", usage=TEAM_USAGE)
    with runtime.sessions.begin() as session:
        named = name.strip() or None
        team_name = use_this_channel(session, asker=rep, team_name=named, reference=turn.channel or {}, now=now).name
    return build_done_reply(f"This is now {team_name}'s channel: standings posts and celebrations come here.", "📣")


def handle_plan(runtime: TeamsRuntime, turn: Turn, rep: RepContext, words: str, now: datetime) -> Reply:
    """plan $5M year [rates] [team|everyone|@rep], or plan apply."""
    parsed = parse_plan(words, mentioned=bool(turn.mentions))
    other = None if isinstance(parsed, ApplyPlan) else named_rep_id(runtime, turn, now)
    with runtime.sessions.begin() as session:
        if isinstance(parsed, ApplyPlan):
            reps, count = planning.apply_latest(session, asker=rep, now=now)
            return build_done_reply(applied_text(reps, count), "🎯")
        request = parsed if other is None else dataclasses.replace(parsed, rep_id=other)
        return build_plan_reply(planning.plan(session, asker=rep, request=request, now=now))

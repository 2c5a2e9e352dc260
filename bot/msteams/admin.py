"""`tally …` as a Teams message: the same grammar (bot/admin_grammar.py) and the same actions as Slack's /tally
(bot/tally_use.py). Teams cannot say whether someone administers the tenant without Microsoft Graph, so
`tally setup` makes the first person to run it admin while Tally has none, and only then (platform_admin=False).
"""

from __future__ import annotations

from datetime import datetime

from bot.admin_grammar import parse_tally
from bot.msteams.cards.admin import build_audit_reply, build_pto_reply, build_teams_reply
from bot.msteams.cards.replies import Reply, build_done_reply, build_help_reply
from bot.msteams.people import mentioned_reps
from bot.msteams.runtime import TeamsRuntime
from bot.msteams.turns import Turn
from bot.tally_use import AuditList, Done, PtoList, TallyRequest, TallyResult, TeamCreated, TeamList, carry_out_tally
from metrics.errors import NotAllowed, UsageError
from metrics.records import RepContext

EMOJI = {"done": "✅", "clock": "🕗", "pto": "🌴", "mute": "🤐"}
SLACK_ONLY = {  # not in Teams yet
    "export": "`tally export` is not in Teams yet: use Slack, or `tally export` on the server (see the README).",
    "forget": "`tally forget` is not in Teams yet: use Slack's `/tally forget @bob` (admins).",
}
ONE_TO_ONE = ("audit", "pto list")  # replies in a channel are read by everyone there
PRIVATE = "I show that only in our 1:1 chat, not where others can read it."


def handle_tally(runtime: TeamsRuntime, turn: Turn, rep: RepContext, words: str, now: datetime) -> Reply:
    """tally setup, teams, team create/add, role, weights, visibility, settings, schedule, me, pto, mute, privacy,
    audit (export and forget stay in Slack)."""
    parsed = parse_tally(words, today=rep.today(now), now=now, tz=rep.timezone)
    if parsed.action in SLACK_ONLY:
        raise UsageError(SLACK_ONLY[parsed.action])
    if parsed.action in ONE_TO_ONE and not turn.personal:
        raise NotAllowed(PRIVATE)
    request = TallyRequest(parsed, rep, now, mentioned_reps(runtime, turn, now), platform_admin=False)
    with runtime.sessions.begin() as session:
        return _reply(carry_out_tally(session, request), rep)


def _reply(result: TallyResult, rep: RepContext) -> Reply:
    if isinstance(result, Done):
        return build_done_reply(result.text, EMOJI[result.mood])
    if isinstance(result, TeamCreated):
        return build_done_reply(
            f"Created the team {result.name}. Add people with `tally team add @bob @carol to {result.name}`, "
            "then its manager says `team channel` in the team's channel."
        )
    if isinstance(result, TeamList):
        return build_teams_reply(result.teams)
    if isinstance(result, AuditList):
        return build_audit_reply(result.entries)
    if isinstance(result, PtoList):
        return build_pto_reply(result.ranges)
    return build_help_reply(rep.metrics)

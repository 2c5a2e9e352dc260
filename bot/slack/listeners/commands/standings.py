"""/standings [score|points|metric] [today|week|month|quarter] [post]: the team's board."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.period_grammar import WINDOW_WORDS
from bot.slack.blocks.standings import build_standings_message
from bot.slack.blocks.targets import build_done_message
from bot.slack.people import acting_rep
from bot.slack.runtime import Runtime
from bot.slack.text import read_command_text
from metrics.catalog import metric_names
from metrics.errors import NotAllowed, UsageError
from metrics.periods import PeriodKind
from metrics.records import Role
from metrics.services import standings

USAGE = "Try `/standings`, `/standings points month`, `/standings meetings week` or (managers) `/standings post`."


def handle_standings(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext, runtime: Runtime
) -> None:
    """Reply with the board (ephemeral), or post it to the team's channel."""
    ack()
    now = runtime.clock()
    rep = acting_rep(runtime, client, context, now)
    ranked_by, window, post = parse_standings(read_command_text(command.get("text", "")).text, rep.metrics)
    if post and rep.role is Role.REP:
        raise NotAllowed("Managers and admins post standings; `/standings` shows them to you.")
    with runtime.sessions.begin() as session:
        board = standings.standings(session, asker=rep, now=now, ranked_by=ranked_by, window=window, public=post)
    if not post:
        respond(**build_standings_message(board), response_type="ephemeral")
        return
    if board.channel_id is None:
        raise UsageError("Your team has no channel; an admin sets one with `/tally team create NAME #channel`.")
    client.chat_postMessage(channel=board.channel_id, **build_standings_message(board))
    respond(**build_done_message(f"Posted to <#{board.channel_id}>."), response_type="ephemeral")


def parse_standings(text: str, metrics: Any) -> tuple[str, PeriodKind, bool]:
    """`[score|points|metric] [window] [post]` → (ranked by, window, post)."""
    words = text.lower().split()
    post = "post" in words
    words = [word for word in words if word != "post"]
    window = PeriodKind.WEEK
    if words and words[-1] in WINDOW_WORDS:
        window = WINDOW_WORDS[words.pop()]
    name = " ".join(words)
    if name in ("", "score"):
        return "score", window, post
    if name == "points":
        return "points", window, post
    key = metric_names(list(metrics)).get(name)
    if key is None:
        raise UsageError(f"I can't rank by “{name[:30]}”.", usage=USAGE)
    return key, window, post

"""Commands as Teams messages: the first word picks the command, the same grammars read the rest.

`answer` runs on a worker thread (the core is synchronous) and always returns a reply: a refusal for bad input
(nothing written), help for an unknown word, a short apology for anything unexpected (details in the log).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.msteams import admin, handlers, manage
from bot.msteams.cards.kit import md
from bot.msteams.cards.replies import QUICK_LOG, UNDO, Reply, build_error_reply, build_failure_reply, build_help_reply
from bot.msteams.channels import heard_from_channel
from bot.msteams.people import acting_rep
from bot.msteams.runtime import TeamsRuntime
from bot.msteams.turns import Turn
from metrics.errors import DomainError
from metrics.records import RepContext

logger = logging.getLogger(__name__)
Handler = Callable[[TeamsRuntime, Turn, RepContext, str, datetime], Reply]

COMMANDS: dict[str, Handler] = {
    "log": handlers.handle_log,
    "scorecard": handlers.handle_scorecard,
    "standings": handlers.handle_standings,
    "kpis": handlers.handle_kpis,
    "target": manage.handle_target,
    "plan": manage.handle_plan,
    "team": manage.handle_team,
    "tally": admin.handle_tally,
}


def answer(runtime: TeamsRuntime, turn: Turn) -> Reply:
    """The reply to one message or button press."""
    try:
        now = runtime.clock()
        rep = acting_rep(runtime, turn, now)
        _keep_channel_current(runtime, turn, rep)
        if turn.value is not None:
            return _pressed(runtime, turn, rep, turn.value, now)
        word, _, rest = turn.text.lstrip("/").partition(" ")
        handler = COMMANDS.get(word.lower())
        if handler is None:
            return build_help_reply(rep.metrics)
        return handler(runtime, turn, rep, rest.strip(), now)
    except DomainError as error:
        return build_error_reply(error)
    except Exception:
        logger.exception("a Teams command failed")
        return build_failure_reply()


def welcome(runtime: TeamsRuntime, turn: Turn) -> Reply | None:
    """Tally was installed in someone's 1:1 chat: meet them (their chat's reference makes them reachable for
    nudges from today, not from their first message) and say how Tally works. None if it cannot tell who."""
    if not turn.personal or not turn.tenant_id or not turn.aad_object_id:
        return None
    try:
        rep = acting_rep(runtime, turn, runtime.clock())
    except Exception:
        logger.exception("meeting a Teams user at install failed")
        return None
    first_name = md(rep.display_name.split(" ")[0])  # a name is text, never markup
    return build_help_reply(rep.metrics, f"👋 Hi {first_name}, I'm Tally: I keep your team's numbers visible.")


def _pressed(runtime: TeamsRuntime, turn: Turn, rep: RepContext, value: dict[str, Any], now: datetime) -> Reply:
    """A card button: Undo under a log, or a nudge's one-tap log (bot/msteams/notice_card.py's data shape)."""
    if value.get("tally") == UNDO:
        return handlers.handle_undo_button(runtime, rep, str(value.get("batch", "")), now)
    if value.get("tally") == QUICK_LOG:
        return handlers.handle_quick_log(runtime, turn, rep, str(value.get("value", "")), now)
    return build_help_reply(rep.metrics)


def _keep_channel_current(runtime: TeamsRuntime, turn: Turn, rep: RepContext) -> None:
    """A message from a channel refreshes the reference of any team posting there (Teams may move a tenant)."""
    if turn.channel is not None:
        with runtime.sessions.begin() as session:
            heard_from_channel(session, workspace_id=rep.workspace_id, reference=turn.channel)

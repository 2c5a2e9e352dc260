"""Commands as Teams messages: the first word picks the command, the same grammars read the rest.

`answer` runs on a worker thread (the core is synchronous) and always returns a reply: a refusal for bad input
(nothing written), help for an unknown word, a short apology for anything unexpected (details in the log).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.msteams import handlers, manage
from bot.msteams.cards.replies import UNDO, Reply, build_error_reply, build_failure_reply, build_help_reply
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
}


def answer(runtime: TeamsRuntime, turn: Turn) -> Reply:
    """The reply to one message or button press."""
    try:
        now = runtime.clock()
        rep = acting_rep(runtime, turn, now)
        if turn.value is not None and turn.value.get("tally") == UNDO:
            return handlers.handle_undo_button(runtime, rep, str(turn.value.get("batch", "")), now)
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

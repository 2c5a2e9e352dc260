"""The log dialog: `task/fetch` answers with the form, `task/submit` logs every metric in one transaction.

A refusal (no number, not a whole number, over a daily cap, a day out of range) shows the form again with the
reason on top, and nothing is written; a good submit closes the dialog and the confirmation, with its Undo
button, appears in the chat. The submit's activity id is the ledger's idempotency key, so a redelivered
submit logs once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bot.log_form import read_log_fields
from bot.msteams.cards.forms import build_log_form, read_form_data, task_continue
from bot.msteams.cards.ledger import build_logged_reply
from bot.msteams.cards.replies import SOMETHING_WENT_WRONG, Reply, from_core
from bot.msteams.people import acting_rep
from bot.msteams.runtime import TeamsRuntime
from bot.msteams.turns import Turn
from metrics.errors import DomainError
from metrics.services import ledger

logger = logging.getLogger(__name__)
FETCH = "task/fetch"
SUBMIT = "task/submit"
TASK_NAMES = (FETCH, SUBMIT)


@dataclass(frozen=True, slots=True)
class TaskAnswer:
    """The invoke's answer (None: close the dialog) and a message to post in the chat, if any."""

    body: dict[str, Any] | None
    reply: Reply | None = None


def answer_task(runtime: TeamsRuntime, turn: Turn, name: str) -> TaskAnswer:
    """Answer the dialog's fetch or submit; anything unexpected is an apology in the dialog, never a bare error."""
    try:
        return _answer_task(runtime, turn, name)
    except Exception:
        logger.exception("the Teams log dialog failed")
        return TaskAnswer({"task": {"type": "message", "value": SOMETHING_WENT_WRONG}})


def _answer_task(runtime: TeamsRuntime, turn: Turn, name: str) -> TaskAnswer:
    now = runtime.clock()
    try:
        rep = acting_rep(runtime, turn, now)
    except DomainError as error:
        return TaskAnswer({"task": {"type": "message", "value": error.user_message}})
    form = build_log_form(rep.metrics, rep.today(now), rep.backdate_days)
    data = (turn.value or {}).get("data") or {}
    if name == FETCH or not isinstance(data, dict):
        return TaskAnswer(task_continue(form))
    try:
        request = read_log_fields(*read_form_data(data), rep.metrics)
        with runtime.sessions.begin() as session:
            logged = ledger.log_activity(
                session, rep=rep, request=request, source=runtime.source, now=now, idempotency_key=turn.key
            )
    except DomainError as error:
        problem = from_core(error.user_message)
        return TaskAnswer(task_continue(build_log_form(rep.metrics, rep.today(now), rep.backdate_days, problem)))
    return TaskAnswer(None, build_logged_reply(logged, rep.today(now)))

"""Confirming `/tally forget @rep` in its modal."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.slack.blocks.forget import build_forget_refused
from bot.slack.blocks.replies import SOMETHING_WENT_WRONG
from bot.slack.blocks.targets import build_done_message
from bot.slack.people import acting_rep
from bot.slack.runtime import Runtime
from metrics.errors import DomainError, UsageError
from metrics.services import forgetting

logger = logging.getLogger(__name__)


def handle_forget_submission(
    ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext, runtime: Runtime
) -> None:
    """Forget the person the modal names (checked again: roles may have changed); a refusal replaces the form."""
    now = runtime.clock()
    asker = acting_rep(runtime, client, context, now)
    try:
        with runtime.sessions.begin() as session:
            label = forgetting.forget_rep(session, asker=asker, rep_id=forgotten_rep_id(view), now=now)
    except Exception as error:  # a modal has no response_url: the form itself must say what went wrong
        if not isinstance(error, DomainError):
            logger.error("forget form failed", exc_info=error)
        reason = error.user_message if isinstance(error, DomainError) else SOMETHING_WENT_WRONG
        ack(response_action="update", view=build_forget_refused(reason))
        return
    ack()
    done = f"Tally has forgotten that person. Their numbers stay in every total, as “{label}”."
    client.chat_postMessage(channel=context.user_id or "", **build_done_message(done))


def forgotten_rep_id(view: dict[str, Any]) -> int:
    """The rep id the modal was opened for (its private_metadata).

    Raises:
        UsageError: the metadata is missing or not ours.
    """
    try:
        rep_id = json.loads(view.get("private_metadata") or "{}").get("rep_id")
    except (ValueError, AttributeError):
        rep_id = None
    if not isinstance(rep_id, int):
        raise UsageError("This form has lost track of whom to forget; run `/tally forget @name` again.")
    return rep_id

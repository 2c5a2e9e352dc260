"""Submitting the log form: validate, write the ledger, confirm by DM."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.slack.blocks import ids
from bot.slack.blocks.ledger import build_logged_message
from bot.slack.blocks.replies import SOMETHING_WENT_WRONG
from bot.slack.forms import form_errors, read_log_form
from bot.slack.home import publish_home
from bot.slack.people import acting_rep
from bot.slack.runtime import Runtime
from metrics.errors import DomainError
from metrics.services import ledger

logger = logging.getLogger(__name__)


def handle_log_form_submission(
    ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext, runtime: Runtime
) -> None:
    """Log the form's numbers; a refusal is shown under the field it concerns and the form stays open."""
    now = runtime.clock()
    rep = acting_rep(runtime, client, context, now)
    try:
        request = read_log_form(view["state"]["values"], rep.metrics)
        with runtime.sessions.begin() as session:
            receipt = ledger.log_activity(
                session, rep=rep, request=request, source=runtime.source, now=now, idempotency_key=f"view:{view['id']}"
            )
    except DomainError as error:
        ack(response_action="errors", errors=form_errors(error, rep.metrics))
        return
    except Exception:
        # A modal has no response_url: the failure must be said in the form, or it would close as if saved.
        logger.exception("log form failed")
        ack(response_action="errors", errors={ids.DAY_BLOCK: SOMETHING_WENT_WRONG[:150]})
        return
    ack()
    if receipt.duplicate:  # Slack redelivered the submission: the first delivery already sent the DM
        return
    client.chat_postMessage(channel=context.user_id or "", **build_logged_message(receipt, rep.today(now)))
    publish_home(client, runtime, rep, context.user_id or "", now)

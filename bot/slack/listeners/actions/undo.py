"""The Undo button under a log's confirmation."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.slack.blocks.ledger import build_undone_message
from bot.slack.home import publish_home
from bot.slack.people import acting_rep
from bot.slack.runtime import Runtime
from metrics.services import undo


def handle_undo(
    ack: Ack, action: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext, runtime: Runtime
) -> None:
    """Reverse exactly the log the button belongs to, once; a second press changes nothing."""
    ack()
    now = runtime.clock()
    rep = acting_rep(runtime, client, context, now)
    with runtime.sessions.begin() as session:
        receipt = undo.undo_log(session, rep=rep, batch_id=str(action.get("value", "")), source=runtime.source, now=now)
    respond(**build_undone_message(receipt), response_type="ephemeral", replace_original=True)
    if not receipt.already_undone:
        publish_home(client, runtime, rep, context.user_id or "", now)

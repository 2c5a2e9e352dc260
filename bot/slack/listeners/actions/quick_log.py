"""The one-tap buttons under a morning nudge: `+10 dials`, `+1 meeting`."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.chat_actions import quick_log_request
from bot.slack.blocks.ledger import build_logged_message
from bot.slack.home import publish_home
from bot.slack.people import acting_rep
from bot.slack.runtime import Runtime
from metrics.services import ledger


def handle_quick_log(
    ack: Ack,
    action: dict[str, Any],
    body: dict[str, Any],
    respond: Respond,
    client: WebClient,
    context: BoltContext,
    runtime: Runtime,
) -> None:
    """Log the button's `metric:quantity` for today; the press's trigger_id makes a double tap count once."""
    ack()
    now = runtime.clock()
    rep = acting_rep(runtime, client, context, now)
    request = quick_log_request(str(action.get("value", "")), rep.today(now))
    with runtime.sessions.begin() as session:
        receipt = ledger.log_activity(
            session, rep=rep, request=request, source=runtime.source, now=now, idempotency_key=body.get("trigger_id")
        )
    respond(**build_logged_message(receipt, rep.today(now)), response_type="ephemeral", replace_original=False)
    publish_home(client, runtime, rep, context.user_id or "", now)

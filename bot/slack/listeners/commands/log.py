"""/log: write activity to the ledger, undo it, or open the form."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.grammar import OpenLogForm, UndoLast, parse_log_command
from bot.slack.blocks.forms import build_log_form
from bot.slack.blocks.ledger import build_logged_message, build_undone_message
from bot.slack.home import publish_home
from bot.slack.people import acting_rep
from bot.slack.runtime import Runtime
from metrics.records import LogRequest, RepContext
from metrics.services import ledger, undo


def handle_log(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext, runtime: Runtime
) -> None:
    """Parse the line, then log it, undo the last log, or open the form (empty text)."""
    ack()
    now = runtime.clock()
    rep = acting_rep(runtime, client, context, now)
    today = rep.today(now)
    parsed = parse_log_command(
        command.get("text", ""), metrics=rep.metrics, today=today, backdate_days=rep.backdate_days
    )
    if isinstance(parsed, OpenLogForm):
        client.views_open(trigger_id=command["trigger_id"], view=build_log_form(rep.metrics, today, rep.backdate_days))
        return
    if isinstance(parsed, UndoLast):
        _undo_last(respond, runtime, rep, now)
    else:
        _log(respond, runtime, rep, parsed, command.get("trigger_id"), now)
    publish_home(client, runtime, rep, context.user_id or "", now)


def _log(
    respond: Respond, runtime: Runtime, rep: RepContext, request: LogRequest, trigger_id: str | None, now: datetime
) -> None:
    with runtime.sessions.begin() as session:
        receipt = ledger.log_activity(
            session, rep=rep, request=request, source=runtime.source, now=now, idempotency_key=trigger_id
        )
    respond(**build_logged_message(receipt, rep.today(now)), response_type="ephemeral")


def _undo_last(respond: Respond, runtime: Runtime, rep: RepContext, now: datetime) -> None:
    with runtime.sessions.begin() as session:
        receipt = undo.undo_last(session, rep=rep, source=runtime.source, now=now)
    respond(**build_undone_message(receipt), response_type="ephemeral")

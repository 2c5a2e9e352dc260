"""/log: write activity or a deal, undo the last log, or open the form."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.chat_actions import carry_out_log
from bot.grammar import LogCommand, OpenLogForm, parse_log_command
from bot.slack.blocks.deals import build_deal_logged_message
from bot.slack.blocks.forms import build_log_form
from bot.slack.blocks.kit import Message
from bot.slack.blocks.ledger import build_logged_message, build_undone_message
from bot.slack.home import publish_home
from bot.slack.people import acting_rep
from bot.slack.runtime import Runtime
from bot.slack.text import read_command_text
from metrics.deal_records import DealReceipt
from metrics.records import RepContext, UndoReceipt


def handle_log(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext, runtime: Runtime
) -> None:
    """Parse the line; open the form (empty text), or log, or undo, and answer with an Undo button."""
    ack()
    now = runtime.clock()
    rep = acting_rep(runtime, client, context, now)
    text = read_command_text(command.get("text", "")).text
    parsed = parse_log_command(text, metrics=rep.metrics, today=rep.today(now), backdate_days=rep.backdate_days)
    if isinstance(parsed, OpenLogForm):
        form = build_log_form(rep.metrics, rep.today(now), rep.backdate_days)
        client.views_open(trigger_id=command["trigger_id"], view=form)
        return
    respond(**_carry_out(parsed, runtime, rep, command.get("trigger_id"), now), response_type="ephemeral")
    publish_home(client, runtime, rep, context.user_id or "", now)


def _carry_out(parsed: LogCommand, runtime: Runtime, rep: RepContext, key: str | None, now: datetime) -> Message:
    """Do what the line asked, in one transaction, and build the reply."""
    with runtime.sessions.begin() as session:
        done = carry_out_log(session, parsed, rep, source=runtime.source, key=key, now=now)
    if isinstance(done, UndoReceipt):
        return build_undone_message(done)
    if isinstance(done, DealReceipt):
        return build_deal_logged_message(done, rep.today(now))
    return build_logged_message(done, rep.today(now))

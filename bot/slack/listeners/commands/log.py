"""/log: write activity or a deal, undo the last log, or open the form.

In lazy mode (HTTP and Socket Mode) `ack_log` writes before Slack is acknowledged (bot/slack/write_before_ack.py)
and `handle_log` answers afterwards; the playground runs `handle_log` alone, which does both.
"""

from __future__ import annotations

from dataclasses import dataclass
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
from bot.slack.write_before_ack import WRITES
from metrics.deal_records import DealReceipt
from metrics.records import RepContext, UndoReceipt


@dataclass(frozen=True, slots=True)
class _Done:
    """What a /log did: for whom, and the reply to send, or the form to open instead."""

    rep: RepContext
    now: datetime
    reply: Message | None = None
    form: dict[str, Any] | None = None


def ack_log(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext, runtime: Runtime) -> None:
    """Acknowledge /log once its write has ended, or after the ack budget, whichever is first."""
    try:
        WRITES.begin(_key(command), lambda: _do(command, client, context, runtime))
    finally:
        ack()


def handle_log(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext, runtime: Runtime
) -> None:
    """Parse the line; open the form (empty text), or log, or undo, and answer with an Undo button."""
    ack()
    started = WRITES.collect(_key(command))
    done = started.result() if started is not None else _do(command, client, context, runtime)
    if done.form is not None:
        client.views_open(trigger_id=command["trigger_id"], view=done.form)
        return
    respond(**(done.reply or {}), response_type="ephemeral")
    publish_home(client, runtime, done.rep, context.user_id or "", done.now)


def _key(command: dict[str, Any]) -> str:
    return f"{command.get('team_id', '')}/{command.get('trigger_id', '')}"


def _do(command: dict[str, Any], client: WebClient, context: BoltContext, runtime: Runtime) -> _Done:
    now = runtime.clock()
    rep = acting_rep(runtime, client, context, now)
    text = read_command_text(command.get("text", "")).text
    parsed = parse_log_command(text, metrics=rep.metrics, today=rep.today(now), backdate_days=rep.backdate_days)
    if isinstance(parsed, OpenLogForm):
        return _Done(rep, now, form=build_log_form(rep.metrics, rep.today(now), rep.backdate_days))
    return _Done(rep, now, reply=_carry_out(parsed, runtime, rep, command.get("trigger_id"), now))


def _carry_out(parsed: LogCommand, runtime: Runtime, rep: RepContext, key: str | None, now: datetime) -> Message:
    """Do what the line asked, in one transaction, and build the reply."""
    with runtime.sessions.begin() as session:
        done = carry_out_log(session, parsed, rep, source=runtime.source, key=key, now=now)
    if isinstance(done, UndoReceipt):
        return build_undone_message(done)
    if isinstance(done, DealReceipt):
        return build_deal_logged_message(done, rep.today(now))
    return build_logged_message(done, rep.today(now))

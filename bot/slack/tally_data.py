"""/tally export and /tally forget: subcommands that reach Slack after their transaction (a file in a DM, a
confirmation modal). Slack calls never run inside the transaction: a slow Slack must not hold a database lock."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.admin_grammar import FORGET_USAGE, TallyCommand
from bot.slack.blocks.forget import build_forget_form
from bot.slack.blocks.kit import Message
from bot.slack.blocks.targets import build_done_message
from bot.slack.people import mentioned_rep
from bot.slack.runtime import Runtime
from bot.slack.text import CommandText
from metrics.errors import UsageError
from metrics.records import RepContext
from metrics.services import access, exports, forgetting


@dataclass(frozen=True, slots=True)
class SlackRequest:
    """A parsed /tally subcommand and what it needs to reach Slack."""

    command: TallyCommand
    words: CommandText
    asker: RepContext
    runtime: Runtime
    client: WebClient
    context: BoltContext
    trigger_id: str
    now: datetime


def export_to_dm(request: SlackRequest) -> Message:
    """Write the export to a temporary file (admins only), then upload it into the asker's DM with Tally."""
    kind = exports.ExportKind(request.command.name or "")
    fmt = exports.ExportFormat(request.command.text or exports.ExportFormat.CSV.value)
    user_id = request.context.user_id or ""
    with tempfile.TemporaryDirectory(prefix="tally-export-") as folder:
        path = Path(folder) / f"tally-{kind.value}-{request.asker.today(request.now).isoformat()}.{fmt.value}"
        with request.runtime.sessions.begin() as session, path.open("w", encoding="utf-8", newline="") as out:
            rows = exports.export_for_admin(session, asker=request.asker, kind=kind, fmt=fmt, out=out)
        channel = request.client.conversations_open(users=user_id)["channel"]["id"]
        request.client.files_upload_v2(
            channel=channel,
            file=str(path),
            filename=path.name,
            title=path.name,
            initial_comment=f"Tally's {kind.value}, {rows:,} rows.",
        )
    return build_done_message(f"Sent you {path.name} ({rows:,} rows) in a DM from Tally.", ":outbox_tray:")


def open_forget_form(request: SlackRequest) -> Message:
    """Check the admin may forget the person mentioned, then ask them to confirm in a modal (nothing changes yet)."""
    access.require_admin(request.asker, "make Tally forget someone")  # before saying whether the person is known
    if len(request.words.mentions) != 1:
        raise UsageError("Whom should Tally forget?", usage=FORGET_USAGE)
    with request.runtime.sessions.begin() as session:
        rep_id = mentioned_rep(session, request.context, request.words.mentions)
        assert rep_id is not None  # one mention, or UnknownRep
        preview = forgetting.forget_preview(session, asker=request.asker, rep_id=rep_id)
    request.client.views_open(trigger_id=request.trigger_id, view=build_forget_form(preview))
    return build_done_message("Confirm in the window that opened: nothing is forgotten until you press Forget.")


ACTIONS: dict[str, Callable[[SlackRequest], Message]] = {"export": export_to_dm, "forget": open_forget_form}


def carry_out_in_slack(
    command: TallyCommand,
    words: CommandText,
    asker: RepContext,
    runtime: Runtime,
    client: WebClient,
    context: BoltContext,
    body: dict[str, Any],
    now: datetime,
) -> Message:
    """Run a subcommand of ACTIONS; returns its reply."""
    request = SlackRequest(command, words, asker, runtime, client, context, str(body.get("trigger_id", "")), now)
    return ACTIONS[command.action](request)

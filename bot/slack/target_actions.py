"""What /target does for each of its forms: one service call and the reply. Listener-side glue, no SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.slack.blocks.kit import Message
from bot.slack.blocks.targets import (
    build_done_message,
    build_suggestion_message,
    build_target_list_message,
    build_target_set_message,
)
from bot.target_grammar import TargetCommand
from bot.target_use import TargetList, carry_out_target
from metrics.records import RepContext
from metrics.services.targets import TargetView


def carry_out(
    session: Session, parsed: TargetCommand, asker: RepContext, other: RepContext | None, now: datetime
) -> Message:
    """Carry out one parsed /target command in the caller's transaction and build the reply."""
    result = carry_out_target(session, parsed, asker, other, now)
    if isinstance(result, TargetView):
        return build_target_set_message(result)
    if isinstance(result, TargetList):
        return build_target_list_message(result.views, result.whose)
    if isinstance(result, str):
        return build_done_message(result)
    return build_suggestion_message(result)

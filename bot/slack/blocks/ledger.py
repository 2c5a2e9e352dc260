"""Replies to a log and to an undo."""

from __future__ import annotations

from datetime import date

from bot import format as fmt
from bot.lines import ledger as words
from bot.slack.blocks import ids
from bot.slack.blocks.kit import Message, actions, button, context, escape, message, section
from metrics.records import LogReceipt, UndoReceipt


def build_logged_message(receipt: LogReceipt, today: date) -> Message:
    """The ephemeral confirmation of a log: what was logged, the day's totals, and an Undo button."""
    what = fmt.join_words([f"*{item}*" for item in words.logged_items(receipt)])
    when = fmt.relative_day(receipt.day, today)
    tags = " ".join(f"#{escape(tag)}" for tag in receipt.tags)
    headline = f":white_check_mark: {words.logged_lead(receipt)} {what} for {when}" + (f" {tags}" if tags else "") + "."
    blocks = [
        section(headline),
        context(words.so_far_text(receipt, today)),
        actions(button("Undo", ids.UNDO_LOG, value=receipt.batch_id)),
    ]
    return message(headline.replace("*", "").replace(":white_check_mark: ", ""), blocks)


def build_undone_message(receipt: UndoReceipt) -> Message:
    """The reply to an undo, shown in place of the log's confirmation."""
    text = escape(words.undone_text(receipt))
    emoji = ":information_source:" if receipt.already_undone else ":leftwards_arrow_with_hook:"
    return message(text, [section(f"{emoji} {text}")])

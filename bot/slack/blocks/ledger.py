"""Replies to a log and to an undo."""

from __future__ import annotations

from datetime import date

from bot import format as fmt
from bot.slack.blocks import ids
from bot.slack.blocks.kit import Message, actions, button, context, escape, message, section
from metrics.records import LogReceipt, MetricTotal, UndoReceipt


def build_logged_message(receipt: LogReceipt, today: date) -> Message:
    """The ephemeral confirmation of a log: what was logged, the day's totals, and an Undo button."""
    what = fmt.join_words([f"*{item.metric.count_label(item.quantity)}*" for item in receipt.items])
    when = fmt.relative_day(receipt.day, today)
    tags = " ".join(f"#{escape(tag)}" for tag in receipt.tags)
    lead = "Already logged" if receipt.duplicate else "Logged"
    headline = f":white_check_mark: {lead} {what} for {when}" + (f" {tags}" if tags else "") + "."
    totals = _totals_line(receipt.day_totals, fmt.points(receipt.day_points))
    blocks = [
        section(headline),
        context(f"{fmt.relative_day(receipt.day, today).split(' (')[0].capitalize()} so far: {totals}"),
        actions(button("Undo", ids.UNDO_LOG, value=receipt.batch_id)),
    ]
    return message(headline.replace("*", "").replace(":white_check_mark: ", ""), blocks)


def build_undone_message(receipt: UndoReceipt) -> Message:
    """The reply to an undo, shown in place of the log's confirmation."""
    what = fmt.join_words([item.metric.count_label(item.quantity) for item in receipt.items])
    if receipt.already_undone:
        text = f"That log ({what}, {fmt.day(receipt.day)}) was already undone; nothing changed."
        return message(text, [section(f":information_source: {text}")])
    text = f"Undone: {what} on {fmt.day(receipt.day)}. Your totals no longer count it."
    return message(text, [section(f":leftwards_arrow_with_hook: {text}")])


def _totals_line(totals: tuple[MetricTotal, ...], points: str) -> str:
    parts = [total.metric.count_label(total.quantity) for total in totals]
    return " · ".join([*parts, points]) if parts else f"nothing yet · {points}"

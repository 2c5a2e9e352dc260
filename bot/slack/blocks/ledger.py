"""Replies to a log and to an undo."""

from __future__ import annotations

from datetime import date

from bot import format as fmt
from bot.slack.blocks import ids
from bot.slack.blocks.deals import describe_deal
from bot.slack.blocks.kit import Message, actions, button, context, escape, message, section
from metrics.deal_records import DealSummary
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
    counts = fmt.join_words([item.metric.count_label(item.quantity) for item in receipt.items])
    if receipt.already_undone:
        what = counts or (describe_deal(receipt.deal) if receipt.deal else "")
        text = f"That log ({what}) was already undone; nothing changed."
        return message(escape(text), [section(f":information_source: {escape(text)}")])
    sentences = []
    if receipt.deal is not None:
        sentences.append(_deal_undone(receipt.deal))
    if counts:
        sentences.append(f"{counts} on {fmt.day(receipt.day)} no longer count.")
    text = "Undone: " + " ".join(sentences)
    return message(escape(text), [section(f":leftwards_arrow_with_hook: {escape(text)}")])


def _deal_undone(deal: DealSummary) -> str:
    if not deal.active:
        return f"the {deal.account or 'new'} deal you recorded is withdrawn."
    return f"{deal.account or 'the deal'} is {deal.stage.value} again ({fmt.money(deal.amount)})."


def _totals_line(totals: tuple[MetricTotal, ...], points: str) -> str:
    parts = [total.metric.count_label(total.quantity) for total in totals]
    return " · ".join([*parts, points]) if parts else f"nothing yet · {points}"

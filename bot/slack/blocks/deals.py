"""Replies to a deal log."""

from __future__ import annotations

from datetime import date

from bot.lines import ledger as words
from bot.slack.blocks import ids
from bot.slack.blocks.kit import Message, actions, button, context, escape, message, section
from metrics.deal_records import DealAction, DealReceipt

_EMOJI = {
    DealAction.OPEN: ":chart_with_upwards_trend:",
    DealAction.WON: ":trophy:",
    DealAction.LOST: ":heavy_minus_sign:",
}


def build_deal_logged_message(receipt: DealReceipt, today: date) -> Message:
    """The ephemeral confirmation of a deal log, with an Undo button."""
    deal = receipt.deal
    lead = "Already logged: " if receipt.duplicate else ""
    what = f"{_EMOJI[receipt.action]} {words.DEAL_HEADLINES[receipt.action]}"
    account = escape(deal.account or "no account")
    headline = f"{lead}{what} *{account}* — {words.deal_value(deal)}, {words.deal_when(receipt, today)}."
    blocks = [section(headline)]
    if detail := words.deal_detail(deal, receipt):
        blocks.append(context(detail))
    blocks.append(actions(button("Undo", ids.UNDO_LOG, value=receipt.batch_id)))
    fallback = headline.replace("*", "").split(" ", 1)[1] if headline.startswith(":") else headline
    return message(fallback, blocks)

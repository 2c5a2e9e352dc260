"""Replies to a deal log."""

from __future__ import annotations

from datetime import date

from bot import format as fmt
from bot.slack.blocks import ids
from bot.slack.blocks.kit import Message, actions, button, context, escape, message, section
from metrics.deal_records import DealAction, DealReceipt, DealSummary

_HEADLINES = {
    DealAction.OPEN: ":chart_with_upwards_trend: New opportunity",
    DealAction.WON: ":trophy: Won",
    DealAction.LOST: ":heavy_minus_sign: Lost",
}


def build_deal_logged_message(receipt: DealReceipt, today: date) -> Message:
    """The ephemeral confirmation of a deal log, with an Undo button."""
    deal = receipt.deal
    lead = "Already logged: " if receipt.duplicate else ""
    when = fmt.relative_day(deal.closed_on or deal.created_on or today, today)
    headline = f"{lead}{_HEADLINES[receipt.action]} *{escape(deal.account or 'no account')}* — {_value(deal)}, {when}."
    blocks = [section(headline)]
    if detail := deal_detail(deal, receipt):
        blocks.append(context(detail))
    blocks.append(actions(button("Undo", ids.UNDO_LOG, value=receipt.batch_id)))
    fallback = headline.replace("*", "").split(" ", 1)[1] if headline.startswith(":") else headline
    return message(fallback, blocks)


def deal_detail(deal: DealSummary, receipt: DealReceipt) -> str:
    """One line on where the deal came from: opened when, and how long it took to close."""
    parts = []
    if receipt.action is DealAction.OPEN and receipt.created and deal.created_on is not None:
        parts.append(f"Counted as 1 opportunity on {fmt.day(deal.created_on)}")
    elif deal.created_on is not None and deal.closed_on is not None and not receipt.created:
        parts.append(f"Opened {fmt.day(deal.created_on)} · {deal.cycle_days} days to close")
    elif receipt.created and receipt.action is not DealAction.OPEN:
        parts.append("No open deal with this account, so Tally recorded a new one")
    return " · ".join(parts)


def describe_deal(deal: DealSummary) -> str:
    """ "Acme ($12,000, won)" — a deal in a sentence."""
    state = "voided" if not deal.active else deal.stage.value
    return f"{deal.account or 'a deal'} ({_value(deal)}, {state})"


def _value(deal: DealSummary) -> str:
    text = fmt.money(deal.amount)
    if deal.cost is not None:
        text += f", cost {fmt.money(deal.cost)}"
    return text

"""Wording of the replies to a log, a deal log and an undo."""

from __future__ import annotations

from datetime import date

from bot import format as fmt
from metrics.deal_records import DealAction, DealReceipt, DealSummary
from metrics.records import LogReceipt, UndoReceipt

DEAL_HEADLINES = {DealAction.OPEN: "New opportunity", DealAction.WON: "Won", DealAction.LOST: "Lost"}


def logged_items(receipt: LogReceipt) -> list[str]:
    """ "12 dials", "3 meetings": what the log wrote, one phrase per metric."""
    return [item.metric.count_label(item.quantity) for item in receipt.items]


def logged_lead(receipt: LogReceipt) -> str:
    """ "Logged", or "Already logged" for a request seen before."""
    return "Already logged" if receipt.duplicate else "Logged"


def so_far_text(receipt: LogReceipt, today: date) -> str:
    """ "Today so far: 12 dials · 3 meetings · 42 pts" — the log's day after it."""
    parts = [total.metric.count_label(total.quantity) for total in receipt.day_totals]
    points = fmt.points(receipt.day_points)
    totals = " · ".join([*parts, points]) if parts else f"nothing yet · {points}"
    return f"{fmt.relative_day(receipt.day, today).split(' (')[0].capitalize()} so far: {totals}"


def undone_text(receipt: UndoReceipt) -> str:
    """ "Undone: 12 dials on Thu 26 Nov no longer count." or that it was undone already."""
    counts = fmt.join_words([item.metric.count_label(item.quantity) for item in receipt.items])
    if receipt.already_undone:
        what = counts or (describe_deal(receipt.deal) if receipt.deal else "")
        return f"That log ({what}) was already undone; nothing changed."
    sentences = []
    if receipt.deal is not None:
        sentences.append(_deal_undone(receipt.deal))
    if counts:
        sentences.append(f"{counts} on {fmt.day(receipt.day)} no longer count.")
    return "Undone: " + " ".join(sentences)


def deal_when(receipt: DealReceipt, today: date) -> str:
    """The day a deal log counts for, relative to today."""
    deal = receipt.deal
    return fmt.relative_day(deal.closed_on or deal.created_on or today, today)


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
    return f"{deal.account or 'a deal'} ({deal_value(deal)}, {state})"


def deal_value(deal: DealSummary) -> str:
    """ "$12,000, cost $4,000" """
    text = fmt.money(deal.amount)
    if deal.cost is not None:
        text += f", cost {fmt.money(deal.cost)}"
    return text


def _deal_undone(deal: DealSummary) -> str:
    if not deal.active:
        return f"the {deal.account or 'new'} deal you recorded is withdrawn."
    return f"{deal.account or 'the deal'} is {deal.stage.value} again ({fmt.money(deal.amount)})."

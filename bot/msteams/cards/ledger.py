"""Replies to a log, a deal log and an undo; the log replies carry Undo and Log several buttons."""

from __future__ import annotations

from datetime import date

from bot import format as fmt
from bot.lines import ledger as words
from bot.msteams.cards.kit import Element, card, md, submit, task_button, text
from bot.msteams.cards.replies import LOG_FORM, LOG_SEVERAL, UNDO, Reply
from metrics.deal_records import DealAction, DealReceipt
from metrics.records import LogReceipt, UndoReceipt

_DEAL_EMOJI = {DealAction.OPEN: "📈", DealAction.WON: "🏆", DealAction.LOST: "➖"}


def build_logged_reply(receipt: LogReceipt, today: date) -> Reply:
    """The confirmation of a log: what was logged, the day's totals, Undo and Log several."""
    what = fmt.join_words(words.logged_items(receipt))
    tags = " ".join(f"#{tag}" for tag in receipt.tags)
    headline = f"{words.logged_lead(receipt)} {what} for {fmt.relative_day(receipt.day, today)}"
    headline += f" {tags}." if tags else "."
    bold = fmt.join_words([f"**{item}**" for item in words.logged_items(receipt)])
    shown = f"✅ {words.logged_lead(receipt)} {bold} for {fmt.relative_day(receipt.day, today)}"
    shown += f" {md(tags)}." if tags else "."
    body = [text(shown), text(words.so_far_text(receipt, today), subtle=True)]
    return Reply(headline, card(body, fallback=headline, actions=_log_actions(receipt.batch_id)))


def build_deal_logged_reply(receipt: DealReceipt, today: date) -> Reply:
    """The confirmation of a deal log, with Undo."""
    deal = receipt.deal
    lead = "Already logged: " if receipt.duplicate else ""
    head = words.DEAL_HEADLINES[receipt.action]
    tail = f"{words.deal_value(deal)}, {words.deal_when(receipt, today)}."
    account = deal.account or "no account"
    body: list[Element] = [text(f"{lead}{_DEAL_EMOJI[receipt.action]} {head} **{md(account)}** — {tail}")]
    if detail := words.deal_detail(deal, receipt):
        body.append(text(md(detail), subtle=True))
    fallback = f"{lead}{head} {account} — {tail}"
    return Reply(fallback, card(body, fallback=fallback, actions=_log_actions(receipt.batch_id)))


def build_undone_reply(receipt: UndoReceipt) -> Reply:
    """The reply to an undo; it replaces the log's confirmation when the Undo button was pressed."""
    said = words.undone_text(receipt)
    emoji = "ℹ️" if receipt.already_undone else "↩️"
    return Reply(said, card([text(f"{emoji} {md(said)}")], fallback=said))


def _log_actions(batch_id: str) -> list[Element]:
    return [submit("Undo", {"tally": UNDO, "batch": batch_id}), task_button(LOG_SEVERAL, {"tally": LOG_FORM})]

"""The /kpis card: the eight KPIs of the sales article, one line each saying what the number means."""

from __future__ import annotations

from bot.lines import kpis as words
from bot.slack.blocks.kit import Message, context, escape, header, message, section
from metrics.deal_records import KpiCard


def build_kpi_card_message(card: KpiCard) -> Message:
    """Header, eight KPI lines, and the counts behind them."""
    lines = [f"*{name}* — {meaning}" for name, meaning in words.kpi_lines(card.row, card.audience)]
    blocks = [
        header(f"KPIs · {card.title} · {card.period_label}"),
        section("\n".join(lines)),
        context(escape(words.footer_text(card))),
    ]
    if card.note:
        blocks.append(context(escape(card.note)))
    return message(escape(words.kpis_text(card)), blocks)

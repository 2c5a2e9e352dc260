"""The funnel: conversion at each stage against the team median, with each rep's weakest stage flagged."""

from __future__ import annotations

from bot import format as fmt
from bot.slack.blocks.kit import Message, context, escape, header, message, section
from metrics.services.funnel import STAGES, Funnel, FunnelRow

MAX_ROWS = 45  # one section per rep, within Slack's 50 blocks per message
COUNTED = ("dials", "conversations", "meetings", "opportunities", "won", "closed")
_ONE = {"dials": "dial", "conversations": "conversation", "meetings": "meeting", "opportunities": "opportunity"}


def build_funnel_message(funnel: Funnel) -> Message:
    """The team median line, then one block of lines per rep."""
    medians = " · ".join(f"{label} {fmt.percent(funnel.medians[label])}" for label, _, _ in STAGES)
    blocks = [header(f"Funnel · {funnel.title} · {funnel.period.label}"), context(f"Team median: {escape(medians)}")]
    for row in funnel.rows[:MAX_ROWS]:
        blocks.append(section(_row(row, funnel)))
    if len(funnel.rows) > MAX_ROWS:
        blocks.append(context(f"…and {len(funnel.rows) - MAX_ROWS} more; ask for one with `/funnel @rep`."))
    if not funnel.rows:
        blocks.append(section("Nothing logged in this period yet."))
    text = f"Funnel for {funnel.title}, {funnel.period.label}: median {medians}"
    return message(escape(text), blocks)


def _row(row: FunnelRow, funnel: Funnel) -> str:
    counts = " · ".join(_count(row.counts.get(key, 0), key) for key in COUNTED)
    rates = " · ".join(f"{label} {fmt.percent(row.rates[label])}" for label, _, _ in STAGES)
    line = f"*{escape(row.name)}* — {counts}\n{rates}"
    if row.weakest:
        rep, median = row.rates[row.weakest], funnel.medians[row.weakest]
        gap = (
            "" if rep is None or median is None else f" ({fmt.percent(rep)} against a median of {fmt.percent(median)})"
        )
        line += f"\n:mag: Loses most at *{row.weakest}*{gap}"
    return line


def _count(count: int, key: str) -> str:
    return f"{count:,} {_ONE.get(key, key) if count == 1 else key}"

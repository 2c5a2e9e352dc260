"""The scorecard, as an ephemeral message and as the body of the App Home tab."""

from __future__ import annotations

from bot import format as fmt
from bot.slack.blocks.kit import Block, Message, context, escape, header, message, section
from metrics.records import Scorecard, ScorecardLine

EMPTY_HINT = "Nothing logged this week yet. Try `/log 12 dials 3 meetings`."


def build_scorecard_blocks(card: Scorecard) -> list[Block]:
    """Header, the window it covers, one line per metric, and the points."""
    window = f"Today {fmt.day(card.today)} · week {fmt.day(card.week_start)} – {fmt.day(card.week_end)}"
    blocks: list[Block] = [
        header(f"Scorecard · {card.rep_name}"),
        context(f"{window} · {escape(card.timezone)}"),
    ]
    if card.is_empty:
        blocks.append(section(EMPTY_HINT))
        return blocks
    blocks.append(section("\n".join(_line(line) for line in card.lines)))
    blocks.append(context(f"Points: today {fmt.points(card.points_today)} · week {fmt.points(card.points_week)}"))
    return blocks


def build_scorecard_message(card: Scorecard) -> Message:
    """The ephemeral reply to /scorecard."""
    return message(scorecard_text(card), build_scorecard_blocks(card))


def scorecard_text(card: Scorecard) -> str:
    """A one-paragraph plain-text version of the card (notification fallback)."""
    if card.is_empty:
        return f"Scorecard for {card.rep_name}: nothing logged this week yet."
    parts = [f"{line.metric.label} {line.today:,} today / {line.week:,} this week" for line in card.lines]
    return f"Scorecard for {card.rep_name}: " + "; ".join(parts) + f"; {fmt.points(card.points_week)} this week."


def _line(line: ScorecardLine) -> str:
    today = f"today *{line.today:,}*"
    if line.target_today is not None:
        today += f" of {fmt.quantity(line.target_today)} ({fmt.percent(line.progress_today)})"
    week = f"week *{line.week:,}*"
    if line.target_week is not None:
        week += f" of {fmt.quantity(line.target_week)} ({fmt.percent(line.progress_week)})"
    return f"*{line.metric.label.capitalize()}* — {today} · {week} · {fmt.points(line.points_week)}"

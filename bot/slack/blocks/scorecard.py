"""The scorecard, as an ephemeral message and as the body of the App Home tab."""

from __future__ import annotations

from bot import format as fmt
from bot.slack.blocks.kit import Block, Message, context, escape, header, message, section
from metrics.deal_records import KpiRow
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
    else:
        blocks.append(section("*Activity*\n" + "\n".join(_line(line) for line in card.lines)))
        blocks.append(context(f"Points: today {fmt.points(card.points_today)} · week {fmt.points(card.points_week)}"))
    if card.goals is not None:
        blocks.append(section(f"*Goals · {card.goals_label}*\n{goals_line(card.goals)}"))
    return blocks


def goals_line(goals: KpiRow) -> str:
    """Deals won and lost, revenue and win rate, in one line."""
    if not (goals.won or goals.lost or goals.open):
        return "No deals yet. Log one with `/log won Acme $12,000` or `/log opp Acme $30k`."
    win_rate = "" if goals.win_rate is None else f" · win rate {fmt.percent(goals.win_rate)} of closed deals"
    return (
        f"Revenue won {fmt.money(goals.won_revenue)} · {goals.won:,} won, {goals.lost:,} lost{win_rate}"
        f" · {goals.open:,} open"
    )


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

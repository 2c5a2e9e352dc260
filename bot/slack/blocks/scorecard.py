"""The scorecard, as an ephemeral message and as the top of the App Home tab."""

from __future__ import annotations

from bot.lines import scorecard as words
from bot.lines.scorecard import window_text
from bot.slack.blocks.kit import Block, Message, context, escape, header, message, section
from metrics.score_records import MetricLine, Scorecard

EMPTY_HINT = "Nothing logged in this window yet. Try `/log 12 dials 3 meetings`."


def build_scorecard_blocks(card: Scorecard) -> list[Block]:
    """Header, window, activity lines, goals, score/rank/streak, next step and today's totals."""
    blocks: list[Block] = [
        header(f"Scorecard · {card.rep_name} · {words.window_name(card.window)}"),
        context(
            f"{window_text(card.window)} · {escape(card.timezone)}"
            + ("" if card.working_day else " · today is a day off")
        ),
    ]
    numbers = card.numbers
    blocks.append(section("*Activity*\n" + ("\n".join(activity_line(line) for line in numbers.lines) or EMPTY_HINT)))
    if words.has_goals(card):
        goals = [f"*{words.label(line)}* — {words.goal_detail(line)}" for line in numbers.goals]
        blocks.append(section("*Goals*\n" + "\n".join([*goals, f"*Deals* — {words.deals_detail(card)}"])))
    blocks.append(context(words.standing_text(card)))
    if numbers.next_step is not None:
        blocks.append(section(f"*Next step* — {words.next_step_text(numbers.next_step, numbers.lines)}"))
    if today := words.today_text(card):
        blocks.append(context(f"Today: {today}"))
    return blocks


def build_scorecard_message(card: Scorecard) -> Message:
    """The ephemeral reply to /scorecard."""
    return message(escape(words.scorecard_text(card)), build_scorecard_blocks(card))


def activity_line(line: MetricLine) -> str:
    """`*Dials* — 40 of 50 (80 %) · 6 behind pace · on course for 62 · 40 pts`"""
    return f"*{words.label(line)}* — {words.activity_detail(line)}"

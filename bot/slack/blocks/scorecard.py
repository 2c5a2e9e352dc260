"""The scorecard, as an ephemeral message and as the top of the App Home tab."""

from __future__ import annotations

from decimal import Decimal

from bot import format as fmt
from bot.slack.blocks.kit import Block, Message, context, escape, header, message, section
from metrics.pace import NextStep, Pace
from metrics.periods import Period, PeriodKind
from metrics.score_records import MetricLine, Scorecard

EMPTY_HINT = "Nothing logged in this window yet. Try `/log 12 dials 3 meetings`."
WINDOW_NAMES = {
    PeriodKind.DAY: "today",
    PeriodKind.WEEK: "this week",
    PeriodKind.MONTH: "this month",
    PeriodKind.QUARTER: "this quarter",
    PeriodKind.YEAR: "this year",
}


def build_scorecard_blocks(card: Scorecard) -> list[Block]:
    """Header, window, activity lines, goals, score/rank/streak, next step and today's totals."""
    name = WINDOW_NAMES.get(card.window.kind, card.window.label)
    blocks: list[Block] = [
        header(f"Scorecard · {card.rep_name} · {name}"),
        context(
            f"{window_text(card.window)} · {escape(card.timezone)}"
            + ("" if card.working_day else " · today is a day off")
        ),
    ]
    numbers = card.numbers
    blocks.append(section("*Activity*\n" + ("\n".join(activity_line(line) for line in numbers.lines) or EMPTY_HINT)))
    if numbers.goals or numbers.deals.won or numbers.deals.lost or numbers.deals.open:
        blocks.append(
            section("*Goals*\n" + "\n".join([*(goal_line(line) for line in numbers.goals), deals_line(card)]))
        )
    blocks.append(context(standing_text(card)))
    if numbers.next_step is not None:
        blocks.append(section(f"*Next step* — {next_step_text(numbers.next_step, numbers.lines)}"))
    if card.today_totals and card.window.kind is not PeriodKind.DAY:
        today = " · ".join(line.metric.count_label(int(line.actual)) for line in card.today_totals)
        blocks.append(context(f"Today: {today}"))
    return blocks


def build_scorecard_message(card: Scorecard) -> Message:
    """The ephemeral reply to /scorecard."""
    return message(escape(scorecard_text(card)), build_scorecard_blocks(card))


def scorecard_text(card: Scorecard) -> str:
    """A plain-text version of the card (the notification fallback)."""
    name = WINDOW_NAMES.get(card.window.kind, card.window.label)
    if card.is_empty:
        return f"Scorecard for {card.rep_name}, {name}: nothing logged yet."
    parts = [activity_line(line).replace("*", "") for line in card.numbers.lines]
    return f"Scorecard for {card.rep_name}, {name}: " + "; ".join(parts) + f". {standing_text(card)}"


def activity_line(line: MetricLine) -> str:
    """`*Dials* — 40 of 50 (80 %) · 6 behind pace · on course for 62 · 40 pts`"""
    parts = [f"*{line.metric.label.capitalize()}* — {fmt.quantity(line.actual)}"]
    if line.target is not None:
        parts[0] += f" of {fmt.target(line.target)} ({fmt.percent(line.attainment)})"
        if line.pace is not None:
            parts.append(pace_text(line.pace, money=False))
    if line.stretch is not None:
        parts.append(f"your goal {fmt.target(line.stretch)}")
    parts.append(fmt.points(line.points))
    return " · ".join(parts)


def goal_line(line: MetricLine) -> str:
    """Revenue or deals won against their target."""
    money = line.metric.key == "revenue"
    value = fmt.money(line.actual) if money else fmt.quantity(line.actual)
    text = f"*{line.metric.label.capitalize()}* — {value}"
    if line.target is not None:
        target = fmt.whole_money(line.target) if money else fmt.target(line.target)
        text += f" of {target} ({fmt.percent(line.attainment)} quota attainment)"
        if line.pace is not None:
            text += " · " + pace_text(line.pace, money=money)
    return text


def deals_line(card: Scorecard) -> str:
    """Deals closed in the window, and the win rate of closed deals."""
    deals = card.numbers.deals
    rate = "no deals closed" if deals.win_rate is None else f"win rate {fmt.percent(deals.win_rate)} of closed deals"
    return (
        f"*Deals* — revenue won {fmt.money(deals.won_revenue)} · {deals.won:,} won, {deals.lost:,} lost · {rate}"
        f" · {deals.open:,} open"
    )


def pace_text(pace: Pace, *, money: bool) -> str:
    """ "6 behind pace · on course for 62" (or ahead)."""
    gap = pace.ahead_by
    amount = fmt.whole_money(abs(gap)) if money else fmt.target(abs(gap))
    where = "on pace" if abs(gap) < Decimal("0.05") else f"{amount} {'ahead of' if gap > 0 else 'behind'} pace"
    if pace.projection is None:
        return where
    course = fmt.whole_money(pace.projection) if money else fmt.quantity(pace.projection.quantize(Decimal(1)))
    return f"{where} · on course for {course}"


def standing_text(card: Scorecard) -> str:
    """Score, rank, streak and points in one line."""
    numbers = card.numbers
    score = "no targets in this window" if numbers.score is None else numbers.score.quantize(Decimal(1))
    parts = [f"Score: {score}" if numbers.score is None else f"Score {score}"]
    if card.rank is not None:
        parts.append(f"#{card.rank.position} of {card.rank.of} in the team")
    if card.streak:
        parts.append(f"streak {card.streak} working day{'s' if card.streak != 1 else ''}")
    parts.append(fmt.points(numbers.points))
    return " · ".join(parts)


def next_step_text(step: NextStep, lines: tuple[MetricLine, ...]) -> str:
    """ "2 more meetings lift your score to 100." — the cheapest way up."""
    spec = next(line.metric for line in lines if line.metric.key == step.metric_key)
    what = spec.count_label(step.units).replace(f"{step.units:,} ", f"{step.units:,} more ", 1)
    if step.reaches_full_score:
        return f"{what} lift your score to 100."
    return f"{what} bring {spec.label} to target (score {step.score_after.quantize(Decimal(1))})."


def window_text(window: Period) -> str:
    """ "Mon 23 Nov – Sun 29 Nov" or the single day."""
    if window.kind is PeriodKind.DAY:
        return fmt.day(window.start)
    return f"{fmt.day(window.start)} – {fmt.day(window.last_day)}"

"""Scorecard wording: a metric's line, pace, score/rank/streak, the next step and the window."""

from __future__ import annotations

from decimal import Decimal

from bot import format as fmt
from metrics.pace import NextStep, Pace
from metrics.periods import Period, PeriodKind
from metrics.score_records import MetricLine, Scorecard

WINDOW_NAMES = {
    PeriodKind.DAY: "today",
    PeriodKind.WEEK: "this week",
    PeriodKind.MONTH: "this month",
    PeriodKind.QUARTER: "this quarter",
    PeriodKind.YEAR: "this year",
}


def window_name(window: Period) -> str:
    """ "this week", or the window's own label for anything else."""
    return WINDOW_NAMES.get(window.kind, window.label)


def label(line: MetricLine) -> str:
    """The metric's name as a line's title: "Dials"."""
    return line.metric.label.capitalize()


def activity_detail(line: MetricLine) -> str:
    """ "40 of 50 (80 %) · 6 behind pace · on course for 62 · 40 pts" — a metric's line after its name."""
    parts = [fmt.quantity(line.actual)]
    if line.target is not None:
        parts[0] += f" of {fmt.target(line.target)} ({fmt.percent(line.attainment)})"
        if line.pace is not None:
            parts.append(pace_text(line.pace, money=False))
    if line.stretch is not None:
        parts.append(f"your goal {fmt.target(line.stretch)}")
    parts.append(fmt.points(line.points))
    return " · ".join(parts)


def goal_detail(line: MetricLine) -> str:
    """Revenue or deals won against their target, after the goal's name."""
    money = line.metric.key == "revenue"
    text = fmt.money(line.actual) if money else fmt.quantity(line.actual)
    if line.target is not None:
        target = fmt.whole_money(line.target) if money else fmt.target(line.target)
        text += f" of {target} ({fmt.percent(line.attainment)} quota attainment)"
        if line.pace is not None:
            text += " · " + pace_text(line.pace, money=money)
    return text


def deals_detail(card: Scorecard) -> str:
    """Deals closed in the window, and the win rate of closed deals (after the title "Deals")."""
    deals = card.numbers.deals
    rate = "no deals closed" if deals.win_rate is None else f"win rate {fmt.percent(deals.win_rate)} of closed deals"
    return (
        f"revenue won {fmt.money(deals.won_revenue)} · {deals.won:,} won, {deals.lost:,} lost · {rate}"
        f" · {deals.open:,} open"
    )


def has_goals(card: Scorecard) -> bool:
    """Whether the card has a goals part: a revenue or deals target, or any deal in the window."""
    numbers = card.numbers
    return bool(numbers.goals or numbers.deals.won or numbers.deals.lost or numbers.deals.open)


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


def today_text(card: Scorecard) -> str | None:
    """ "12 dials · 3 meetings" logged today, for a card over a longer window (None otherwise)."""
    if not card.today_totals or card.window.kind is PeriodKind.DAY:
        return None
    return " · ".join(line.metric.count_label(int(line.actual)) for line in card.today_totals)


def scorecard_text(card: Scorecard) -> str:
    """A plain-text version of the card (the notification fallback)."""
    name = window_name(card.window)
    if card.is_empty:
        return f"Scorecard for {card.rep_name}, {name}: nothing logged yet."
    parts = [f"{label(line)} — {activity_detail(line)}" for line in card.numbers.lines]
    return f"Scorecard for {card.rep_name}, {name}: " + "; ".join(parts) + f". {standing_text(card)}"

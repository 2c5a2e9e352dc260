"""Targets over any window, prorated by working days, and pace against them. Pure: no database, no clock.

A target is set for a whole period (50 dials a day, 200 meetings a month). Over a window — a day, a week, a
month, a quarter — it becomes a per-working-day rate: amount ÷ the working days of its period (holidays already
excluded, PTO not), summed over the window's working days with the rep's PTO removed. So a daily target applies
on working days only, and a week of PTO lowers a monthly target by that week's share instead of wrecking the
score. A ramp counts each working day before its end at a percentage.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from metrics import kpis
from metrics.calendar import WorkCalendar, without_pto, working_days
from metrics.periods import Period, PeriodKind, period_containing


@dataclass(frozen=True, slots=True)
class Ramp:
    """A new rep's ramp: targets count at `percent` (0.5 = 50 %) on working days up to `until`, inclusive."""

    percent: Decimal
    until: date


@dataclass(frozen=True, slots=True)
class Pace:
    """Where a rep stands against a target in a window that is partly over."""

    target: Decimal
    expected: Decimal  # where they should be by now
    actual: Decimal
    projection: Decimal | None  # where they end up at this rate (None before any working time has passed)

    @property
    def ahead_by(self) -> Decimal:
        """Above (positive) or below (negative) where they should be by now."""
        return self.actual - self.expected


@dataclass(frozen=True, slots=True)
class NextStep:
    """The single action that lifts the activity score most: `units` more of `metric_key`, and the score after."""

    metric_key: str
    units: int
    score_after: Decimal
    reaches_full_score: bool


# Pure and called per rep × target × window by boards and nudges, where almost every rep shares a calendar:
# 1,000 reps cost what one costs instead of seconds of walking the same working days (bench/RESULTS.md).
@lru_cache(maxsize=8192)
def target_for_window(
    amount: Decimal,
    kind: PeriodKind | str,
    window: Period,
    calendar: WorkCalendar,
    *,
    week_start: int = 0,
    ramp: Ramp | None = None,
) -> Decimal:
    """The part of a target of `amount` per `kind` period that falls in `window`, for this rep's calendar."""
    kind = PeriodKind(kind)
    standard = without_pto(calendar)
    per_period: dict[Period, int] = {}
    total = Decimal(0)
    for day in working_days(calendar, window.start, window.end):
        period = period_containing(kind, day, week_start=week_start)
        if period not in per_period:
            per_period[period] = len(working_days(standard, period.start, period.end))
        if per_period[period]:
            share = Decimal(amount) / per_period[period]
            total += share * (ramp.percent if ramp is not None and day <= ramp.until else 1)
    return total.quantize(Decimal("0.0001"))  # 200 ÷ 19 × 19 is not quite 200 in decimal arithmetic


def pace(actual: int | Decimal, target: Decimal, elapsed_fraction: Decimal | None) -> Pace:
    """Expected-by-now and the run-rate projection (METRICS.md's `expected_by_now` and `projection`)."""
    fraction = Decimal(0) if elapsed_fraction is None else elapsed_fraction
    return Pace(
        target=target,
        expected=kpis.expected_by_now(target, fraction),
        actual=Decimal(actual),
        projection=kpis.projection(actual, fraction) if fraction > 0 else None,
    )


def next_step(
    components: Sequence[tuple[str, int | Decimal, Decimal, Decimal]], cap: Decimal = Decimal("1.5")
) -> NextStep | None:
    """The cheapest way up: of the metrics (key, actual, target, weight) still below target, the one whose next
    unit adds most to the activity score. Below a score of 100: how many units bring the score to 100, if that
    metric can get there before its attainment hits the cap; otherwise (or at 100 already) how many bring that
    metric to its target.
    """
    scored = [(key, Decimal(actual), target, weight) for key, actual, target, weight in components if target > 0]
    total_weight = sum((weight for *_, weight in scored), Decimal(0))
    score = _score(scored, cap)
    short = [entry for entry in scored if entry[3] > 0 and entry[1] < entry[2]]
    if score is None or not short or total_weight == 0:
        return None
    key, actual, target, weight = max(short, key=lambda entry: entry[3] / entry[2])
    per_unit = weight / target / total_weight * 100
    to_target = max(1, math.ceil(target - actual))
    to_cap = math.ceil(target * cap - actual)  # beyond it, another unit adds nothing
    to_full = math.ceil((100 - score) / per_unit) if score < 100 else None
    units = to_full if to_full is not None and 0 < to_full <= to_cap else to_target
    after = _score([(k, a + units if k == key else a, t, w) for k, a, t, w in scored], cap) or Decimal(0)
    return NextStep(metric_key=key, units=units, score_after=after, reaches_full_score=score < 100 <= after)


def _score(components: Iterable[tuple[str, Decimal, Decimal, Decimal]], cap: Decimal) -> Decimal | None:
    return kpis.activity_score([kpis.ScoreComponent(a, t, w) for _, a, t, w in components], cap)

"""Records of scorecards and standings: what a rep did in a window against targets, with pace and score."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from metrics.deal_records import KpiRow
from metrics.pace import NextStep, Pace
from metrics.periods import Period
from metrics.records import MetricSpec


@dataclass(frozen=True, slots=True)
class MetricLine:
    """One metric in a window: actual, target (prorated to the window and the rep's calendar), pace, points."""

    metric: MetricSpec
    actual: Decimal
    target: Decimal | None = None
    stretch: Decimal | None = None  # the rep's own goal, beside the target
    attainment: Decimal | None = None
    pace: Pace | None = None
    points: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class RepNumbers:
    """A rep's numbers for one window."""

    rep_id: int
    name: str
    hidden: bool
    lines: tuple[MetricLine, ...]
    goals: tuple[MetricLine, ...]
    score: Decimal | None
    points: Decimal
    deals: KpiRow
    next_step: NextStep | None = None


def rank_key(numbers: RepNumbers) -> tuple[Decimal, Decimal, str]:
    """The standings' order by score: score, then points, then name (a card, a nudge and a board agree)."""
    return (-(numbers.score or Decimal(0)), -numbers.points, numbers.name.lower())


def ranks(numbers: list[RepNumbers]) -> dict[int, int]:
    """Rep id → place among those with a score (1 = first)."""
    scored = sorted((n for n in numbers if n.score is not None), key=rank_key)
    return {entry.rep_id: place for place, entry in enumerate(scored, start=1)}


@dataclass(frozen=True, slots=True)
class Rank:
    """A position among people, by activity score."""

    position: int
    of: int


@dataclass(frozen=True, slots=True)
class Scorecard:
    """A rep's card: the window's activity (leading) and goals (lagging), score, rank, next step, today's totals."""

    rep_name: str
    timezone: str
    today: date
    window: Period
    numbers: RepNumbers
    today_totals: tuple[MetricLine, ...] = ()
    rank: Rank | None = None
    streak: int = 0
    working_day: bool = True

    @property
    def is_empty(self) -> bool:
        """Nothing logged in the window and no target."""
        return not self.numbers.lines


@dataclass(frozen=True, slots=True)
class StandingRow:
    """One person in standings: shown by name unless they hid it from the viewer."""

    position: int | None
    label: str
    value: Decimal | None  # what the board is ranked by: score, points, or a metric's attainment
    actual: Decimal | None = None
    target: Decimal | None = None
    points: Decimal = Decimal(0)
    is_viewer: bool = False


@dataclass(frozen=True, slots=True)
class Standings:
    """A team's board for a window, ranked fairly (by % of each rep's own target) unless asked otherwise."""

    title: str
    window: Period
    ranked_by: str
    metric: MetricSpec | None
    rows: tuple[StandingRow, ...]
    team_lines: tuple[MetricLine, ...] = field(default=())
    channel_id: str | None = None

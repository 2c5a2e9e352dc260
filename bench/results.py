"""What a benchmark measured: a ratio against its floor and a goal, printed as a table and written as JSON."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO


@dataclass(frozen=True, slots=True)
class Result:
    """One line of the table.

    Attributes:
        part: the issue's part ("1 latency", "2 scale", …).
        name: what was measured.
        floor: the reference measured in the same run (seconds, statements, bytes… as `unit` says).
        measured: Tally's figure in the same unit.
        goal: the largest acceptable measured/floor ratio (None: reported, no goal).
        unit: what floor and measured count.
        note: anything a reader needs (a skipped backend, a synthetic file).
    """

    part: str
    name: str
    floor: float | None
    measured: float | None
    goal: float | None
    unit: str = "s"
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """measured / floor (None without both)."""
        if self.floor is None or self.measured is None or self.floor <= 0:
            return None
        return self.measured / self.floor

    @property
    def met(self) -> bool | None:
        """Whether the ratio is within the goal (None: no goal or no ratio)."""
        ratio = self.ratio
        return None if self.goal is None or ratio is None else ratio <= self.goal


@dataclass
class Run:
    """Every result of one run, and what was skipped and why."""

    results: list[Result] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # benchmark → reason
    info: dict[str, Any] = field(default_factory=dict)

    def add(self, result: Result) -> None:
        """Keep a result."""
        self.results.append(result)

    def write_json(self, path: Path) -> None:
        """The whole run as JSON: results with their ratios, skips, machine and sizes."""
        rows = [{**asdict(r), "ratio": r.ratio, "met": r.met} for r in self.results]
        payload = {"results": rows, "skipped": self.skipped, "info": self.info}
        path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")


def print_table(run: Run, out: TextIO) -> None:
    """The table: part, name, floor, measured, ratio, goal, met?"""
    header = ("part", "benchmark", "floor", "measured", "ratio", "goal", "met?")
    lines = [header]
    for r in run.results:
        lines.append(
            (
                r.part,
                r.name + (f"  [{r.note}]" if r.note else ""),
                _value(r.floor, r.unit),
                _value(r.measured, r.unit),
                "—" if r.ratio is None else f"{r.ratio:.2f}×",
                "—" if r.goal is None else f"≤ {r.goal:g}×",
                {True: "yes", False: "NO", None: "—"}[r.met],
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for number, line in enumerate(lines):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip(), file=out)
        if number == 0:
            print("  ".join("-" * width for width in widths), file=out)
    for name, reason in run.skipped.items():
        print(f"skipped {name}: {reason}", file=out)


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 10 else f"{value:.1f} s"
    if unit == "MB":
        return f"{value:.1f} MB"
    if unit == "rows/s":
        return f"{value:,.0f} rows/s"
    return f"{value:g} {unit}"


def median_time(action: Callable[[], object], repeat: int) -> float:
    """The median wall time of `repeat` runs of `action` (one untimed warm-up run first)."""
    action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)

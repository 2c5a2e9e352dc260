"""Charts as PNG images, drawn with matplotlib's object API (no pyplot: no global state, safe in threads)."""

from __future__ import annotations

import io

from metrics.notify import Chart

BAR_HEIGHT_INCHES = 0.32


def render_png(chart: Chart) -> bytes:
    """The chart as a PNG: horizontal bars per category ("bars") or one line per series ("lines")."""
    # Imported here, not at the top: matplotlib is ~40 MB per process, and only the weekly digest draws; the
    # HTTP workers import the notifier but never chart (bench part 4).
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    height = max(3.0, 1.2 + BAR_HEIGHT_INCHES * len(chart.categories)) if chart.kind == "bars" else 4.0
    figure = Figure(figsize=(8, height), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    if chart.kind == "bars":
        positions = range(len(chart.categories))
        for series in chart.series[:1]:
            axes.barh(list(positions), list(series.values), color="#457b9d", label=series.label)
        axes.set_yticks(list(positions), labels=list(chart.categories))
        axes.invert_yaxis()  # first category on top, as in the standings
        if chart.reference is not None:
            axes.axvline(chart.reference, color="#e63946", linewidth=1.5, linestyle="--")
    else:
        for series in chart.series:
            axes.plot(list(chart.categories), list(series.values), marker="o", label=series.label)
        if chart.reference is not None:
            axes.axhline(chart.reference, color="#e63946", linewidth=1.0, linestyle="--")
        axes.legend(loc="best", fontsize="small")
        axes.tick_params(axis="x", labelrotation=30)
    axes.set_title(chart.title)
    axes.grid(axis="x" if chart.kind == "bars" else "y", alpha=0.3)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()

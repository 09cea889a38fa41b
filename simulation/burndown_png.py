"""The burn-down of a simulated cycle as a PNG image, beside its HTML page.

Drawn with matplotlib's Agg canvas (no pyplot, no display, no global state): the two
series of ``simulation.burndown.Burndown`` as steps over time, the cycle's deadlines as
dashed vertical lines, times on the axis in Europe/Stockholm.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import DateFormatter, date2num, num2date
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from domain.calendar import STOCKHOLM, in_stockholm
from reporting.burndown import DEADLINE_LABELS, SERIES, Burndown

SIZE_INCHES, DPI = (10.0, 5.6), 100
# Dashed deadline lines, told apart by colour (the legend under the chart names them).
DEADLINE_COLOURS = ("#c0392b", "#8e44ad", "#d35400", "#7f8c8d", "#2c3e50")


def draw(chart: Burndown) -> Figure:
    """The figure; each series' line has the series' key as its ``gid``."""
    figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for key, label, colour in SERIES:
        times, counts = step_points(chart.series(key), chart.end)
        axes.step([_x(t) for t in times], counts, where="post", color=colour, linewidth=2,
                  gid=key,
                  label=f"{label} ({counts[-1]})")
    for n, (name, when) in enumerate(sorted(chart.deadlines.items(), key=lambda kv: kv[1])):
        axes.axvline(_x(when), color=DEADLINE_COLOURS[n % len(DEADLINE_COLOURS)],
                     linestyle="--", linewidth=1.2, gid=f"deadline-{name}",
                     label=f"Tidsgräns {DEADLINE_LABELS.get(name, name)} "
                           f"{in_stockholm(when):%Y-%m-%d}")
    axes.set_ylim(0, max(chart.total, 1) * 1.05)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(_x(chart.start), _x(chart.end))
    axes.xaxis.set_major_formatter(
        DateFormatter("%Y-%m-%d", tz=STOCKHOLM))  # type: ignore[no-untyped-call]
    axes.tick_params(axis="x", labelrotation=30)
    axes.set_ylabel(f"Rapporter (av {chart.total})")
    axes.set_title(f"{chart.title}: klarmarkerade och godkända rapporter")
    axes.grid(axis="y", color="#eeeeee")
    figure.legend(loc="outside lower center", ncol=4, fontsize=9, frameon=False)
    return figure


def step_points(points: list[tuple[datetime, int]], end: datetime
                ) -> tuple[list[datetime], list[int]]:
    """The series' changes in Stockholm time, held flat until ``end``."""
    times = [in_stockholm(when) for when, _ in points] + [in_stockholm(end)]
    counts = [count for _, count in points] + [points[-1][1]]
    return times, counts


def plotted(figure: Figure) -> dict[str, tuple[list[datetime], list[float]]]:
    """What the figure draws: each line with a ``gid``, its points as (instant, value)."""
    out: dict[str, tuple[list[datetime], list[float]]] = {}
    for line in figure.axes[0].get_lines():
        gid = line.get_gid()
        if gid is not None:
            xs: Any = line.get_xdata()
            ys: Any = line.get_ydata()
            out[gid] = ([num2date(float(x)) for x in xs],  # type: ignore[no-untyped-call]
                        [float(y) for y in ys])
    return out


def _x(when: datetime) -> float:
    """matplotlib's date number of the instant (days since 1970, UTC)."""
    return float(date2num(when))  # type: ignore[no-untyped-call]


def write_png(chart: Burndown, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    # No "Software" text chunk: the same chart gives the same bytes across versions.
    draw(chart).savefig(path, format="png", metadata={"Software": None})
    return path

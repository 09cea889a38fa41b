"""The burn-down of a cycle: klarmarkerade and godkända reports over time against the
cycle's deadlines, as an inline SVG with the same numbers as a table.

The series replay each report's Klarmarkerad, Godkand, Atersand and Reopened events, so an
återsänd report counts as klarmarkerad again only once it is klarmarkerad again. The
simulation's report (``simulation/burndown.py``) and the cycle page both draw it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from typing import Any
from uuid import UUID

from domain.calendar import in_stockholm
from domain.unit_report import UnitReport

WIDTH, HEIGHT = 900, 420
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 28, 64
SERIES = (("klarmarkerade", "Klarmarkerade", "#1f6fb2"), ("godkanda", "Godkända", "#2e7d4f"))
DEADLINE_LABELS = {"enhet": "enheter", "avdelning": "avdelningar", "forvaltning": "förvaltningen",
                   "underlag": "underlag till KLK", "beslut": "nämndens beslut"}
STATUS_EVENTS = (UnitReport.Klarmarkerad, UnitReport.Godkand, UnitReport.Atersand,
                 UnitReport.Reopened)


@dataclass(frozen=True)
class Burndown:
    title: str
    total: int  # reports in the cycle
    start: datetime
    end: datetime
    deadlines: dict[str, datetime]
    klarmarkerade: list[tuple[datetime, int]]  # each change, in order
    godkanda: list[tuple[datetime, int]]
    now: datetime | None = None  # the series stop here (a cycle still running)

    def series(self, name: str) -> list[tuple[datetime, int]]:
        return self.klarmarkerade if name == "klarmarkerade" else self.godkanda


@dataclass(frozen=True)
class TableRow:
    """The counts on one deadline's day (the chart's text alternative)."""

    label: str
    day: str
    klarmarkerade: int | None  # None: the day has not come
    godkanda: int | None


def from_events(events: Iterable[Any], total: int, title: str, start: datetime,
                deadlines: dict[str, datetime], now: datetime | None = None) -> Burndown:
    """One point per change of either count, the status events taken in the order given;
    other events are passed over."""
    klar: set[UUID] = set()
    godkand: set[UUID] = set()
    k_points: list[tuple[datetime, int]] = [(start, 0)]
    g_points: list[tuple[datetime, int]] = [(start, 0)]
    for event in events:
        if not isinstance(event, STATUS_EVENTS):
            continue
        rid = event.originator_id
        if isinstance(event, UnitReport.Klarmarkerad):
            klar.add(rid)
        elif isinstance(event, UnitReport.Godkand):
            klar.add(rid)
            godkand.add(rid)
        else:
            klar.discard(rid)
            godkand.discard(rid)
        when = event.occurred_at
        if k_points[-1][1] != len(klar):
            k_points.append((when, len(klar)))
        if g_points[-1][1] != len(godkand):
            g_points.append((when, len(godkand)))
    last = max([*deadlines.values(), k_points[-1][0], g_points[-1][0], now or start])
    return Burndown(title, total, start, last + timedelta(days=1), deadlines,
                    k_points, g_points, now)


def from_reports(app: Any, report_ids: Iterable[UUID], title: str, start: datetime,
                 deadlines: dict[str, datetime], now: datetime) -> Burndown:
    """The reports' own events (one read per report, not the whole log) that had occurred
    by ``now``, in the order they occurred; the series stop at ``now``."""
    ids = list(report_ids)
    events = [e for rid in ids for e in app.events.get(rid)
              if isinstance(e, STATUS_EVENTS) and e.occurred_at <= now]
    events.sort(key=lambda e: e.occurred_at)
    return from_events(events, len(ids), title, start, deadlines, now)


def table(chart: Burndown) -> list[TableRow]:
    """The counts on each deadline's day, oldest first; none for a day still to come."""
    rows = []
    for name, when in sorted(chart.deadlines.items(), key=lambda kv: kv[1]):
        come = chart.now is None or when <= chart.now
        rows.append(TableRow(DEADLINE_LABELS.get(name, name), _day(when),
                             _count_at(chart.klarmarkerade, when) if come else None,
                             _count_at(chart.godkanda, when) if come else None))
    return rows


def render_svg(chart: Burndown, described_by: str | None = None) -> str:
    """The chart; ``described_by`` names the element (the table) that says it in text."""
    span = (chart.end - chart.start).total_seconds() or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = max(chart.total, 1)

    def x(when: datetime) -> float:
        return LEFT + plot_w * (when - chart.start).total_seconds() / span

    def y(count: int) -> float:
        return TOP + plot_h * (1 - count / top)

    label = escape(f"{chart.title}: klarmarkerade {chart.klarmarkerade[-1][1]} och godkända "
                   f"{chart.godkanda[-1][1]} av {chart.total} rapporter")
    described = f' aria-describedby="{escape(described_by)}"' if described_by else ""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{label}"{described} '
             'font-size="11">',
             f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" '
             'stroke="#767676"/>']
    for tick in sorted({0, top // 2, top}):
        parts.append(f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick}</text>')
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(tick):.1f}" '
                     f'y2="{y(tick):.1f}" stroke="#eee"/>')
    for i, (name, when) in enumerate(sorted(chart.deadlines.items(), key=lambda kv: kv[1])):
        xs = f"{x(when):.1f}"
        text = escape(f"{DEADLINE_LABELS.get(name, name)} {_day(when)}")
        parts.append(f'<line class="deadline" data-deadline="{escape(name)}" x1="{xs}" '
                     f'x2="{xs}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#b03a2e" '
                     'stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{xs}" y="{TOP + plot_h + 14 + 12 * (i % 3)}" '
                     f'text-anchor="middle" fill="#b03a2e">{text}</text>')
    for n, (key, name, colour) in enumerate(SERIES):
        points = chart.series(key)
        path = [f"M{x(points[0][0]):.1f},{y(points[0][1]):.1f}"]
        for when, count in points[1:]:
            path.append(f"H{x(when):.1f}V{y(count):.1f}")
        path.append(f"H{x(min(chart.now or chart.end, chart.end)):.1f}")
        parts.append(f'<path class="series" data-series="{key}" '
                     f'd="{"".join(path)}" fill="none" stroke="{colour}" stroke-width="2">'
                     f'<title>{name}</title></path>')
        parts.append(f'<rect x="{LEFT + 10 + 130 * n}" y="{TOP + 8}" width="12" height="12" '
                     f'fill="{colour}"/><text x="{LEFT + 26 + 130 * n}" y="{TOP + 18}">'
                     f'{name} ({points[-1][1]})</text>')
    parts.append(f'<text x="{LEFT}" y="{TOP - 10}">{_day(chart.start)}</text>')
    parts.append(f'<text x="{LEFT + plot_w}" y="{TOP - 10}" text-anchor="end">'
                 f'{_day(chart.end)}</text></svg>')
    return "".join(parts)


def _count_at(points: list[tuple[datetime, int]], when: datetime) -> int:
    count = 0
    for at, value in points:
        if at > when:
            break
        count = value
    return count


def _day(when: datetime) -> str:
    return f"{in_stockholm(when):%Y-%m-%d}"

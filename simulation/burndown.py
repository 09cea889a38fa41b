"""The burn-down of a simulated cycle: klarmarkerade and godkända reports over time,
against the cycle's deadlines, as a self-contained HTML page with an inline SVG.

The series come from the event store (each report's Klarmarkerad, Godkand and Atersand
events in the order recorded), so an återsänd report counts as klarmarkerad again only
once it is klarmarkerad again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any
from uuid import UUID

from domain.calendar import in_stockholm
from domain.unit_report import UnitReport

WIDTH, HEIGHT = 900, 420
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 28, 64
SERIES = (("klarmarkerade", "Klarmarkerade", "#1f6fb2"), ("godkanda", "Godkända", "#2e8b57"))
DEADLINE_LABELS = {"enhet": "enheter", "avdelning": "avdelningar", "forvaltning": "förvaltningen",
                   "underlag": "underlag till KLK", "beslut": "nämndens beslut"}


@dataclass(frozen=True)
class Burndown:
    title: str
    total: int  # reports in the cycle
    start: datetime
    end: datetime
    deadlines: dict[str, datetime]
    klarmarkerade: list[tuple[datetime, int]]  # each change, in order
    godkanda: list[tuple[datetime, int]]

    def series(self, name: str) -> list[tuple[datetime, int]]:
        return self.klarmarkerade if name == "klarmarkerade" else self.godkanda


def from_store(app: Any, report_ids: set[UUID], title: str, start: datetime,
               deadlines: dict[str, datetime]) -> Burndown:
    """Replays the reports' status events: one point per change of either count."""
    klar: set[UUID] = set()
    godkand: set[UUID] = set()
    k_points: list[tuple[datetime, int]] = [(start, 0)]
    g_points: list[tuple[datetime, int]] = [(start, 0)]
    events = []
    for notification in _notifications(app):
        if notification.originator_id not in report_ids:
            continue
        event = app.mapper.to_domain_event(notification)
        if isinstance(event, UnitReport.Klarmarkerad | UnitReport.Godkand |
                      UnitReport.Atersand | UnitReport.Reopened):
            events.append(event)
    for event in events:
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
    last = max([*deadlines.values(), k_points[-1][0], g_points[-1][0]])
    return Burndown(title, len(report_ids), start, last + timedelta(days=1), deadlines,
                    k_points, g_points)


def _notifications(app: Any) -> Any:
    start = 1
    while True:
        page = app.recorder.select_notifications(start, 1000)
        if not page:
            return
        yield from page
        start = page[-1].id + 1


def write_html(chart: Burndown, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(chart), encoding="utf-8")
    return path


def render_html(chart: Burndown) -> str:
    rows = "".join(
        f"<tr><td>{escape(DEADLINE_LABELS.get(name, name))}</td><td>{_day(when)}</td>"
        f"<td>{_count_at(chart.klarmarkerade, when)}</td>"
        f"<td>{_count_at(chart.godkanda, when)}</td></tr>"
        for name, when in sorted(chart.deadlines.items(), key=lambda kv: kv[1]))
    title = escape(f"{chart.title}: klarmarkerade och godkända rapporter")
    return (
        "<!DOCTYPE html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\">"
        f"<title>{title}</title><style>body{{font-family:sans-serif;margin:2em}}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em}"
        "</style></head><body>"
        f"<h1>{title}</h1>{render_svg(chart)}"
        f"<p>{chart.total} rapporter i cykeln. Förvaltningens rapport attesteras inte i "
        "nämnden: den räknas som klarmarkerad, aldrig som godkänd.</p>"
        "<table><tr><th>Tidsgräns</th><th>Dag</th><th>Klarmarkerade</th><th>Godkända</th></tr>"
        f"{rows}</table></body></html>\n")


def render_svg(chart: Burndown) -> str:
    span = (chart.end - chart.start).total_seconds() or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = max(chart.total, 1)

    def x(when: datetime) -> float:
        return LEFT + plot_w * (when - chart.start).total_seconds() / span

    def y(count: int) -> float:
        return TOP + plot_h * (1 - count / top)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" font-size="11">',
             f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" '
             'stroke="#999"/>']
    for tick in sorted({0, top // 2, top}):
        parts.append(f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick}</text>')
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(tick):.1f}" '
                     f'y2="{y(tick):.1f}" stroke="#eee"/>')
    for i, (name, when) in enumerate(sorted(chart.deadlines.items(), key=lambda kv: kv[1])):
        xs = f"{x(when):.1f}"
        label = escape(f"{DEADLINE_LABELS.get(name, name)} {_day(when)}")
        parts.append(f'<line class="deadline" data-deadline="{escape(name)}" x1="{xs}" '
                     f'x2="{xs}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#c0392b" '
                     'stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{xs}" y="{TOP + plot_h + 14 + 12 * (i % 3)}" '
                     f'text-anchor="middle" fill="#c0392b">{label}</text>')
    for n, (key, label, colour) in enumerate(SERIES):
        points = chart.series(key)
        path = [f"M{x(points[0][0]):.1f},{y(points[0][1]):.1f}"]
        for when, count in points[1:]:
            path.append(f"H{x(when):.1f}V{y(count):.1f}")
        path.append(f"H{x(chart.end):.1f}")
        parts.append(f'<path id="{key}" class="series" data-series="{key}" '
                     f'd="{"".join(path)}" fill="none" stroke="{colour}" stroke-width="2">'
                     f'<title>{label}</title></path>')
        parts.append(f'<rect x="{LEFT + 10 + 130 * n}" y="{TOP + 8}" width="12" height="12" '
                     f'fill="{colour}"/><text x="{LEFT + 26 + 130 * n}" y="{TOP + 18}">'
                     f'{label} ({points[-1][1]})</text>')
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

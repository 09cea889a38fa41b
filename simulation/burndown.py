"""The burn-down of a simulated cycle as a self-contained HTML page: the chart and its table
from ``reporting/burndown.py`` (which the cycle page draws too), over the events in the
order the store recorded them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any
from uuid import UUID

from reporting.burndown import (
    DEADLINE_LABELS,
    SERIES,
    Burndown,
    from_events,
    render_svg,
    table,
)

__all__ = ["DEADLINE_LABELS", "SERIES", "Burndown", "from_store", "render_html", "render_svg",
           "write_html"]


def from_store(app: Any, report_ids: set[UUID], title: str, start: datetime,
               deadlines: dict[str, datetime]) -> Burndown:
    """Replays the reports' status events in recording order."""
    events = (app.mapper.to_domain_event(n) for n in _notifications(app)
              if n.originator_id in report_ids)
    return from_events(events, len(report_ids), title, start, deadlines)


def _notifications(app: Any) -> Iterator[Any]:
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
    rows = "".join(f"<tr><td>{escape(r.label)}</td><td>{r.day}</td><td>{r.klarmarkerade}</td>"
                   f"<td>{r.godkanda}</td></tr>" for r in table(chart))
    title = escape(f"{chart.title}: klarmarkerade och godkända rapporter")
    return (
        "<!DOCTYPE html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\">"
        f"<title>{title}</title><style>body{{font-family:sans-serif;margin:2em}}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em}"
        "</style></head><body>"
        f"<h1>{title}</h1>{render_svg(chart, 'tabell')}"
        f"<p>{chart.total} rapporter i cykeln. Förvaltningens rapport attesteras inte i "
        "nämnden: den räknas som klarmarkerad, aldrig som godkänd.</p>"
        "<table id=\"tabell\"><tr><th>Tidsgräns</th><th>Dag</th><th>Klarmarkerade</th>"
        f"<th>Godkända</th></tr>{rows}</table></body></html>\n")

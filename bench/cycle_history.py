"""A real cycle's history in bulk, for read-side benchmarks that need related events.

Organisation and cycle go through the command bus (so the reporting projection finds
the units and the cycle), then each enhetschef's edits are recorded through the
domain (sealed and chained) and saved a thousand events at a time, skipping the
per-command authority lookups.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bench.workload import Shape, build_organisation
from bootstrap import Engine
from domain.base import Actor, Cause
from domain.unit_report import UnitReport

WHEN = datetime(2022, 8, 15, 9, 0, tzinfo=UTC)


def fill_cycle(engine: Engine, events: int, shape: Shape = Shape(10, 20, 0),
               per_save: int = 1000) -> int:
    """Appends about ``events`` events in total; returns the store's event count."""
    reports = build_organisation(engine, shape)
    app = engine.store
    written = app.recorder.max_notification_id() or 0
    per_report = max(1, (events - written) // len(reports) + 1)
    pending: list[UnitReport] = []
    for report_id, chef in reports:
        report: UnitReport = app.repository.get(report_id)
        unit_id = chef.removeprefix("p-")
        cause = Cause(Actor(chef, "enhetschef", unit_id), WHEN)
        for n in range(min(per_report, events - written)):
            report.change_item("mal-1", "analys", f"Analys {n}", cause)
        written += len(report.pending_events)
        pending.append(report)
        if sum(len(r.pending_events) for r in pending) >= per_save:
            app.save(*pending)
            pending = []
        if written >= events:
            break
    if pending:
        app.save(*pending)
    return app.recorder.max_notification_id() or 0

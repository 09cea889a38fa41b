"""Fast generation of a realistic, correctly chained history for read-side benchmarks.

Goes through the domain (so every event is sealed and chained) but skips authority
lookups, saving many reports at once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

from domain.base import Actor, Cause
from domain.unit_report import UnitReport

UNIT = "enh-bench"
CHEF = Actor("chef", "enhetschef", UNIT)
WHEN = datetime(2022, 8, 15, 9, 0, tzinfo=UTC)
ITEMS = [{"item_id": "mal-1", "kind": "mal", "title": "Trygg vård"}]


def open_report() -> UnitReport:
    return UnitReport.open(uuid4(), "VON", UNIT, "enhet", "avd-bench", WHEN, ITEMS,
                           Cause(CHEF, WHEN))


def edit(report: UnitReport, n: int) -> None:
    report.change_item("mal-1", "analys", f"Analys {n}: {report.id}", Cause(CHEF, WHEN))


def fill(app: object, events: int, per_report: int = 10, per_save: int = 1000) -> list[UUID]:
    """Appends ``events`` events as reports of ``per_report`` events each."""
    ids: list[UUID] = []
    pending: list[UnitReport] = []
    written = 0
    while written < events:
        report = open_report()
        for n in range(min(per_report, events - written) - 1):
            edit(report, n)
        written += len(report.pending_events)
        pending.append(report)
        ids.append(report.id)
        if sum(len(r.pending_events) for r in pending) >= per_save or written >= events:
            app.save(*pending)  # type: ignore[attr-defined]
            pending = []
    return ids

"""`arsplan simulate`: the Delårsbokslut 2022 VON cycle in time-skipped simulation.

``simulation.delarsbokslut_2022.simulate_cycle`` plays the script on Temporal's
time-skipping server against a real SQLite store; this shows its progress and then
reads the outcome from that store through the projections, as an auditor would.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

from rich.console import Console, Group
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from domain.calendar import in_stockholm, shown
from domain.cycle import Cycle
from infrastructure.eventstore import ArsplanStore
from infrastructure.packaged_data import VON_FILES, require_files, von_dir
from infrastructure.settings import Settings
from projections import queries as q

CYCLE_STATUS_LABELS = {"open": "öppen", "underlag_sent": "underlag skickat",
                       "beslut_recorded": "beslut fattat", "closed": "avslutad"}


@dataclass(frozen=True)
class Outcome:
    board: q.CycleBoard
    cycle: Cycle
    reminders: int
    events: int
    wall_seconds: float
    drop_dir: Path


def run_simulation(settings: Settings, console: Console, store: Path | None = None,
                   out: Path | None = None, data: Path | None = None) -> Outcome:
    """Everything the run writes goes under ``out`` (default ``<var dir>/simulation``): the
    documents sent to KLK and Platina in ``out/drop``. ``data``: VON's data files (default:
    the packaged ones); a missing one stops the run before anything starts."""
    from simulation.delarsbokslut_2022 import CYCLE, STEPS, simulate_cycle

    folder = von_dir(settings, data)
    require_files(folder, *VON_FILES)
    output = out if out is not None else settings.var_dir / "simulation"
    settings = settings.model_copy(update={"drop_dir": output / "drop"})
    with tempfile.TemporaryDirectory(prefix="arsplan-sim-") as scratch:
        path = store or Path(scratch) / "simulation.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path),
               "SQLITE_LOCK_TIMEOUT": "10"}
        progress = Progress(TextColumn("{task.description}"), BarColumn(),
                            MofNCompleteColumn(), console=console)
        with progress:
            task = progress.add_task("Delårsbokslut 2022 VON", total=len(STEPS))

            def on_step(when: datetime, person: str, command: str) -> None:
                local = shown(when)
                progress.update(task, advance=1, description=f"{local} {person}: {command}")

            report = asyncio.run(simulate_cycle(settings, env, on_step, data=folder))
        return _outcome(env, UUID(str(CYCLE)), report.wall_seconds, report.drop_dir)


def _outcome(env: dict[str, str], cycle_id: UUID, wall_seconds: float,
             drop_dir: Path) -> Outcome:
    app = ArsplanStore(env=env)
    try:
        later = datetime.now(tz=UTC)
        board = q.cycle_board_as_of(app, cycle_id, later)
        if board is None:
            raise RuntimeError("the simulation opened no cycle")
        return Outcome(board, app.get(cycle_id, Cycle),
                       len(q.reminder_outbox_as_of(app, later, cycle_id=cycle_id)),
                       app.recorder.max_notification_id() or 0, wall_seconds, drop_dir)
    finally:
        app.close()


def render_outcome(outcome: Outcome) -> Panel:
    table = Table("Enhet", "Status", "Klarmarkerad", "Godkänd", "Påm.", "Esk.", "Missat")
    for row in outcome.board.rows:
        table.add_row(row.unit_name, row.status_label, _local(row.klarmarkerad_at),
                      _local(row.godkand_at), str(row.reminders_sent), str(row.escalations),
                      ", ".join(row.deadlines_passed) or "–")
    cycle = outcome.cycle
    facts = Table.grid(padding=(0, 2))
    facts.add_row("Underlag till KLK", cycle.underlag_reference or "ej skickat")
    facts.add_row("Nämndens beslut", cycle.beslut or "inget beslut")
    facts.add_row("Exporterat till diariet", cycle.export_reference or "nej")
    coverage = outcome.board.coverage
    names = {row.unit_id: row.unit_name for row in outcome.board.rows}
    facts.add_row("Ingår inte i cykeln", ", ".join(
        u.unit_name for u in coverage.outside_cycle) or "–")
    facts.add_row("Utan underliggande enheter", ", ".join(
        names.get(u, u) for u in coverage.without_units_below) or "–")
    facts.add_row("Påminnelser totalt", str(outcome.reminders))
    facts.add_row("Händelser i lagret", str(outcome.events))
    facts.add_row("Dokument", str(outcome.drop_dir))
    facts.add_row("Tid", f"{outcome.wall_seconds:.1f} s (simulerad tid: 12 aug – 27 sep 2022)")
    status = CYCLE_STATUS_LABELS.get(cycle.status, cycle.status)
    return Panel(Group(table, facts), title=f"{cycle.title}: {status}")


def _local(value: datetime | None) -> str:
    return f"{in_stockholm(value):%d/%m %H:%M}" if value else "–"

"""`arsplan simulate`: a cycle of the årsplan in time-skipped simulation.

Without ``--cycle``, ``simulation.delarsbokslut_2022.simulate_cycle`` plays the
Delårsbokslut 2022 VON script; with it, ``simulation.cycle_run.play_cycle`` plays a
generated scenario for that cycle over the whole organisation, or with ``--scenario`` a
controller's scenario file (``cli.simulate_scenario``, docs/scenarios.md). Both run on Temporal's
time-skipping server against a real SQLite store; this shows the progress and then reads
the outcome from that store through the projections, as an auditor would.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from uuid import UUID

from rich.console import Console, Group
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from domain.calendar import STOCKHOLM, in_stockholm, shown
from domain.cycle import Cycle
from infrastructure.eventstore import ArsplanStore
from infrastructure.packaged_data import NAMND_FILES, VON_FILES, require_files, von_dir
from infrastructure.settings import Settings
from projections import queries as q
from simulation import burndown, burndown_png, scenario_file
from simulation.scenario import (
    DEFAULT_SEED,
    CycleOptionError,
    Scenario,
    check_cycle,
    parse_cycle,
)

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


def _fresh_sqlite(path: Path) -> dict[str, str]:
    """An empty SQLite event store at ``path`` (a kept store is started afresh)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path),
                  "SQLITE_LOCK_TIMEOUT": "10"}


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
        env = _fresh_sqlite(store or Path(scratch) / "simulation.sqlite")
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
    facts = _cycle_facts(outcome.board, outcome.cycle)
    facts.add_row("Påminnelser totalt", str(outcome.reminders))
    facts.add_row("Händelser i lagret", str(outcome.events))
    facts.add_row("Dokument", str(outcome.drop_dir))
    facts.add_row("Tid", f"{outcome.wall_seconds:.1f} s (simulerad tid: 12 aug – 27 sep 2022)")
    return _panel(outcome.cycle, _unit_table(outcome.board), facts)


def _unit_table(board: q.CycleBoard) -> Table:
    table = Table("Enhet", "Status", "Klarmarkerad", "Godkänd", "Påm.", "Esk.", "Missat")
    for row in board.rows:
        table.add_row(row.unit_name, row.status_label, _local(row.klarmarkerad_at),
                      _local(row.godkand_at), str(row.reminders_sent), str(row.escalations),
                      ", ".join(row.deadlines_passed) or "–")
    return table


def _cycle_facts(board: q.CycleBoard, cycle: Cycle) -> Table:
    facts = Table.grid(padding=(0, 2))
    facts.add_row("Underlag till KLK", cycle.underlag_reference or "ej skickat")
    facts.add_row("Nämndens beslut", cycle.beslut or "inget beslut")
    facts.add_row("Exporterat till diariet", cycle.export_reference or "nej")
    coverage = board.coverage
    names = {row.unit_id: row.unit_name for row in board.rows}
    facts.add_row("Ingår inte i cykeln", ", ".join(
        u.unit_name for u in coverage.outside_cycle) or "–")
    facts.add_row("Utan underliggande enheter", ", ".join(
        names.get(u, u) for u in coverage.without_units_below) or "–")
    return facts


def _panel(cycle: Cycle, *parts: Table) -> Panel:
    status = CYCLE_STATUS_LABELS.get(cycle.status, cycle.status)
    return Panel(Group(*parts), title=f"{cycle.title}: {status}")


# --cycle: a generated scenario for any cycle of the plan, over the whole organisation


@dataclass(frozen=True)
class Summary:
    """Reminders, escalations and missed deadlines, read from the board's rows."""

    reminders: int
    escalations: int
    deadlines_passed: int
    late: list[str]  # units that missed a deadline, as named on the board

    @classmethod
    def of(cls, board: q.CycleBoard) -> Summary:
        rows = board.rows
        return cls(sum(r.reminders_sent for r in rows), sum(r.escalations for r in rows),
                   sum(len(r.deadlines_passed) for r in rows),
                   [r.unit_name for r in rows if r.deadlines_passed])


@dataclass(frozen=True)
class CycleOutcome:
    board: q.CycleBoard
    cycle: Cycle
    scenario: Scenario
    summary: Summary
    events: int
    wall_seconds: float
    drop_dir: Path
    chart: Path
    png: Path
    series: burndown.Burndown  # what both charts show


def run_cycle_simulation(settings: Settings, console: Console, cycle: str | None,
                         seed: int | None = None, store: Path | None = None,
                         out: Path | None = None, data: Path | None = None,
                         scenario: Path | None = None) -> CycleOutcome:
    """``cycle`` is NÄMND:process:år of the plan, played on the nämnd's folder of the data
    (``data`` if given); a value the plan lacks raises
    ``CycleOptionError`` before anything runs. ``scenario``: a scenario file to play
    instead of the generated scenario (it names its cycle); one that cannot be played
    raises ``ScenarioFileError`` before anything runs. Writes under ``out`` (default
    ``<var dir>/simulation``): the documents in ``drop/``, the burn-down as HTML and PNG."""
    from cli.simulate_scenario import named_cycle, namnd_folder, scenario_path
    from simulation.cycle_run import Script, play_cycle, prepare

    script: Script | None = None
    if scenario is not None:
        scenario = scenario_path(settings, scenario)
    # The run uses the data of the cycle's nämnd (sn/ for SN:…), the one a scenario file
    # names too; its units and people are checked against that organisation.
    named = cycle if scenario is None else named_cycle(scenario)
    try:
        folder = von_dir(settings, data) if named is None else namnd_folder(
            settings, named, data)
    except CycleOptionError as exc:
        if scenario is None:
            raise
        raise scenario_file.ScenarioFileError(f"{scenario}: cycle: {exc}") from None
    require_files(folder, *NAMND_FILES)
    if scenario is not None:
        script = (scenario_file.load(scenario, folder / "organisation.yaml"), scenario)
        cycle = script[0].cycle
    assert cycle is not None
    try:
        ref = parse_cycle(cycle)
        check_cycle(folder, ref)
    except CycleOptionError as exc:
        if scenario is None:
            raise
        raise scenario_file.ScenarioFileError(f"{scenario}: cycle: {exc}") from None
    the_seed = DEFAULT_SEED if seed is None else seed
    if script is not None:  # every act resolved and checked on a scratch store first
        prepare(settings, {"PERSISTENCE_MODULE": "eventsourcing.popo"}, ref, folder,
                the_seed, script)
    output = out if out is not None else settings.var_dir / "simulation"
    settings = settings.model_copy(update={"drop_dir": output / "drop"})
    with tempfile.TemporaryDirectory(prefix="arsplan-sim-") as scratch:
        env = _fresh_sqlite(store or Path(scratch) / "simulation.sqlite")
        progress = Progress(TextColumn("{task.description}"), BarColumn(),
                            MofNCompleteColumn(), console=console)
        with progress:
            task = progress.add_task(f"{ref} ({scenario or f'seed {the_seed}'})", total=None)

            def on_step(i: int, total: int, when: datetime, person: str, command: str) -> None:
                progress.update(task, completed=i + 1, total=total,
                                description=f"{shown(when)} {person}: {command}")

            run = asyncio.run(play_cycle(settings, env, ref, folder, the_seed, on_step, script))
        return _cycle_outcome(env, run.scenario, run.wall_seconds, settings.drop_dir,
                              output / f"burndown-{ref.namnd_code.lower()}-{ref.process}-"
                                       f"{ref.year}.html")


def _cycle_outcome(env: dict[str, str], scenario: Scenario, wall_seconds: float,
                   drop_dir: Path, chart_path: Path) -> CycleOutcome:
    app = ArsplanStore(env=env)
    try:
        board = q.cycle_board_as_of(app, scenario.cycle_id, datetime.now(tz=UTC))
        if board is None:
            raise RuntimeError("the simulation opened no cycle")
        plan = scenario.schedule
        cycle = app.get(scenario.cycle_id, Cycle)
        deadlines = {**cycle.deadlines,  # as moved during the run
                     "underlag": datetime.combine(plan.underlag_date, time(0), tzinfo=STOCKHOLM),
                     "beslut": datetime.combine(plan.beslut_date, time(0), tzinfo=STOCKHOLM)}
        chart = burndown.from_store(app, {row.report_id for row in board.rows},
                                    scenario.title, scenario.opened_at, deadlines)
        burndown.write_html(chart, chart_path)
        png = burndown_png.write_png(chart, chart_path.with_suffix(".png"))
        return CycleOutcome(board, cycle, scenario,
                            Summary.of(board), app.recorder.max_notification_id() or 0,
                            wall_seconds, drop_dir, chart_path, png, chart)
    finally:
        app.close()


def render_cycle_outcome(outcome: CycleOutcome) -> Panel:
    scenario, summary = outcome.scenario, outcome.summary
    facts = _cycle_facts(outcome.board, outcome.cycle)
    plan = scenario.schedule
    facts.add_row("Tidsgränser", f"enheter {plan.enhet_deadline}, avdelningar "
                  f"{plan.avdelning_deadline}, underlag {plan.underlag_date}, "
                  f"beslut {plan.beslut_date}")
    facts.add_row("Påminnelser", str(summary.reminders))
    facts.add_row("Eskaleringar", str(summary.escalations))
    facts.add_row("Missade tidsgränser", f"{summary.deadlines_passed} "
                  f"({', '.join(summary.late) or 'inga'})")
    facts.add_row("Händelser i lagret", str(outcome.events))
    facts.add_row("Dokument", str(outcome.drop_dir))
    facts.add_row("Diagram", f"{outcome.chart}, {outcome.png.name}")
    facts.add_row("Tid", f"{outcome.wall_seconds:.1f} s (simulerad tid: {plan.opens_on} – "
                  f"{plan.beslut_date}, "
                  f"{scenario.source or f'seed {scenario.seed}'})")
    return _panel(outcome.cycle, _unit_table(outcome.board), facts)


def _local(value: datetime | None) -> str:
    return f"{in_stockholm(value):%d/%m %H:%M}" if value else "–"

"""The Delårsbokslut 2022 VON script: who does what when, on the seed's dates.

Real VON data (data/von, shipped in the package), six avdelningar and four enheter in scope:
Planering, Funktionsstöd and Hälso- och sjukvård report with none of their enheter in the
cycle, which the underlag and the board say (domain.coverage). Enheter by
2022-08-23, avdelningar by 08-30, underlag 09-13, the nämnd's beslut at its sammanträde
on 09-27. Brunnsgården is
återsänd once; Haga hemtjänst 1 is late and escalated. ``arsplan simulate`` and the
acceptance tests play it.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from bootstrap import Engine, build_engine
from domain import delegation_commands as dc
from domain.arsplan import Arsplan
from domain.calendar import STOCKHOLM
from domain.commands import Atersand, Attestera, Command, Klarmarkera, OpenCycle
from domain.ids import arsplan_id, cycle_id, meeting_id, unit_report_id
from domain.process_kinds import process_kind
from infrastructure.importer import import_arsplan, import_organisation, import_report_template
from infrastructure.packaged_data import von_dir
from infrastructure.settings import Settings
from simulation.harness import SimulatedClock, Simulation, simulation
from workflows.cycle import CycleWorkflow
from workflows.ids import cycle_workflow_id
from workflows.payloads import CycleInput

SCENARIO_START = datetime(2022, 8, 12, 7, 0, tzinfo=STOCKHOLM)
CYCLE = cycle_id("VON", "delarsbokslut", 2022)
ENHETER = ["enh-bjarkegarden", "enh-brunnsgarden", "enh-haga-hemtjanst-1", "enh-myndighet-ao"]
AVDELNINGAR = ["avd-planering", "avd-myndighet", "avd-aldreboende", "avd-kvarboende",
               "avd-funktionsstod", "avd-halso-och-sjukvard"]
SCOPE = ["von-forv", *AVDELNINGAR, *ENHETER]
CHEF = {
    "von-forv": "p-f9c1f1", "avd-planering": "p-5af52e",
    "avd-myndighet": "p-998d3d", "avd-aldreboende": "p-4ab708",
    "avd-kvarboende": "p-a4bdc6", "avd-funktionsstod": "p-464966",
    "avd-halso-och-sjukvard": "p-38c01e",
    "enh-bjarkegarden": "p-0a678d", "enh-brunnsgarden": "p-114b1f",
    "enh-haga-hemtjanst-1": "p-868fef", "enh-myndighet-ao": "p-24d41b",
}
PARENT = {**{e: a for e, a in zip(ENHETER, ["avd-aldreboende", "avd-aldreboende",
                                              "avd-kvarboende", "avd-myndighet"], strict=True)},
          **{a: "von-forv" for a in AVDELNINGAR}}


def at(day: str, hhmm: str = "08:00") -> datetime:
    return datetime.fromisoformat(f"2022-{day}T{hhmm}").replace(tzinfo=STOCKHOLM)


def rid(unit_id: str) -> UUID:
    return unit_report_id(CYCLE, unit_id)


BESLUT_AT = at("09-27", "14:00")
SEKRETERARE = "p-41c9ef"
MEETING = meeting_id("VON", BESLUT_AT.date())
DELAR_DNR = "2022.228 VON"


def namnd_beslut() -> list[tuple[datetime, str, Command]]:
    """The sammanträde of 27 September, scheduled with its ärende before the anmälan's
    cut-off; at the meeting the protokoll is opened and the delårsbokslut beslutat."""
    scheduled = at("09-01", "10:00")
    return [(when, SEKRETERARE, command) for when, command in [
        (scheduled, dc.ScheduleMeeting(
            namnd_code="VON", meeting_date=BESLUT_AT.date(), starts_at=at("09-27", "13:00"),
            cutoff=at("09-20").date(), anmalan_dnr="2022.018 VON", occurred_at=scheduled)),
        (scheduled, dc.AddArende(meeting_id=MEETING, dnr=DELAR_DNR,
                                 rubrik="Delårsbokslut 2022", kind="cykelbeslut",
                                 cycle_id=CYCLE, occurred_at=scheduled)),
        (BESLUT_AT, dc.OpenProtokoll(meeting_id=MEETING, occurred_at=BESLUT_AT)),
        (BESLUT_AT, dc.RecordArendeBeslut(
            meeting_id=MEETING, dnr=DELAR_DNR,
            beslut=process_kind("delarsbokslut").beslut("Delårsbokslut 2022"),
            occurred_at=BESLUT_AT)),
    ]]


def klarmarkera(unit: str, when: datetime) -> tuple[datetime, str, Command]:
    return when, CHEF[unit], Klarmarkera(report_id=rid(unit), occurred_at=when)


def attestera(unit: str, when: datetime) -> tuple[datetime, str, Command]:
    return when, CHEF[PARENT[unit]], Attestera(report_id=rid(unit), occurred_at=when)


STEPS: list[tuple[datetime, str, Command]] = sorted([
    klarmarkera("enh-bjarkegarden", at("08-16", "10:00")),
    attestera("enh-bjarkegarden", at("08-17", "09:00")),
    klarmarkera("enh-myndighet-ao", at("08-17", "09:00")),
    attestera("enh-myndighet-ao", at("08-18", "15:00")),
    klarmarkera("enh-brunnsgarden", at("08-19", "14:00")),
    (at("08-22", "09:00"), CHEF["avd-aldreboende"],
     Atersand(report_id=rid("enh-brunnsgarden"), occurred_at=at("08-22", "09:00"),
              reason="Analysen av målet Trygg vård saknas", new_deadline=at("08-26", "23:59"))),
    *[klarmarkera(a, at("08-22", "10:00"))
      for a in ("avd-planering", "avd-funktionsstod", "avd-halso-och-sjukvard")],
    *[attestera(a, at("08-23", "10:00"))
      for a in ("avd-planering", "avd-funktionsstod", "avd-halso-och-sjukvard")],
    klarmarkera("enh-brunnsgarden", at("08-24", "11:00")),
    klarmarkera("avd-myndighet", at("08-24", "10:00")),
    attestera("enh-brunnsgarden", at("08-25", "10:00")),
    attestera("avd-myndighet", at("08-25", "10:30")),
    klarmarkera("enh-haga-hemtjanst-1", at("08-25", "13:00")),
    attestera("enh-haga-hemtjanst-1", at("08-26", "09:00")),
    klarmarkera("avd-aldreboende", at("08-26", "10:00")),
    attestera("avd-aldreboende", at("08-29", "10:00")),
    klarmarkera("avd-kvarboende", at("08-29", "11:00")),
    attestera("avd-kvarboende", at("08-30", "10:00")),
    klarmarkera("von-forv", at("09-08", "10:00")),
    *namnd_beslut(),
], key=lambda step: step[0])


def setup_store(engine: Engine, data: Path) -> None:
    """The VON data, and the controller opening the cycle on the stored plan's dates."""
    store = engine.store
    import_organisation(store, data / "organisation.yaml")
    import_report_template(store, "VON", data / "report_template.yaml")
    import_arsplan(store, data / "arsplan_2022_2023.yaml")
    plan = store.get(arsplan_id("VON", "2022/2023"), Arsplan).schedule_of("delarsbokslut", 2022)
    engine.execute(OpenCycle(
        command_id="open-cycle:VON:delarsbokslut:2022", namnd_code="VON",
        process=plan.process, year=plan.year, title=plan.title,
        enhet_deadline=plan.enhet_deadline, avdelning_deadline=plan.avdelning_deadline,
        forvaltning_deadline=plan.forvaltning_deadline, underlag_date=plan.underlag_date,
        beslut_date=plan.beslut_date, unit_ids=SCOPE, occurred_at=at("08-12", "07:00")),
        "p-355f78")




StepHook = Callable[[int, Simulation], Awaitable[None]]


async def run_cycle(s: Simulation, after_step: StepHook | None = None) -> Any:
    """Drives the whole cycle; ``after_step(i, s)`` may crash and restart things."""
    handle = await s.client.start_workflow(
        CycleWorkflow.run, CycleInput(cycle_id=str(CYCLE)), id=cycle_workflow_id(CYCLE),
        task_queue=s.task_queue)
    await s.settle(handle)
    for i, (when, person, command) in enumerate(STEPS):
        await s.advance_to(when, handle)
        await s.act(person, command, handle)
        if after_step is not None:
            await after_step(i, s)
    return handle


async def run_cycle_until(s: Simulation, until: datetime) -> Any:
    """Starts the cycle and plays the steps up to ``until``."""
    handle = await s.client.start_workflow(
        CycleWorkflow.run, CycleInput(cycle_id=str(CYCLE)), id=cycle_workflow_id(CYCLE),
        task_queue=s.task_queue)
    await s.settle(handle)
    for when, person, command in STEPS:
        if when > until:
            break
        await s.advance_to(when, handle)
        await s.act(person, command, handle)
    await s.advance_to(until, handle)
    return handle


@dataclass(frozen=True)
class SimulationReport:
    cycle_id: str
    phase: str
    events_by_type: dict[str, int]
    notifications: int
    drop_dir: Path
    wall_seconds: float


async def simulate_cycle(settings: Settings, store_env: dict[str, str] | None = None,
                         on_step: Callable[[datetime, str, str], None] | None = None,
                         data: Path | None = None) -> SimulationReport:
    """Plays the Delårsbokslut 2022 VON script on a fresh store (in memory by default);
    ``data``: VON's data files (default: von/ of the configured or packaged data)."""
    started = time.monotonic()
    env = store_env or {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    clock = SimulatedClock(SCENARIO_START)
    engine = build_engine(settings, env=env, clock=clock)
    setup_store(engine, von_dir(settings, data))

    async def progress(i: int, s: Simulation) -> None:
        if on_step is not None:
            on_step(s.clock.now, *_step_label(i))

    try:
        async with simulation(engine, clock, env, SCENARIO_START) as s:
            handle = await run_cycle(s, after_step=progress)
            final = await handle.result()
            notifications = len(s.deps.notifier.outbox.all())
        counts: dict[str, int] = {}
        for n in engine.store.recorder.select_notifications(1, 100_000):
            name = n.topic.rsplit(".", 1)[-1]
            counts[name] = counts.get(name, 0) + 1
        return SimulationReport(final.cycle_id, final.phase, counts, notifications,
                                settings.drop_dir, time.monotonic() - started)
    finally:
        engine.close()


def _step_label(i: int) -> tuple[str, str]:
    _, person, command = STEPS[i]
    return person, type(command).__name__

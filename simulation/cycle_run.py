"""Plays a scenario on the time-skipping server: generated (``simulation.scenario``) or
from a controller's file (``simulation.scenario_file``, ``simulation.scenario_script``).

The loop of the Delårsbokslut script, for any cycle: start the CycleWorkflow, then for
each step move simulated time, let the person act and the workflows catch up.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bootstrap import Engine, build_engine
from domain.ids import organisation_id
from domain.organisation import Organisation
from infrastructure.settings import Settings
from simulation.harness import SimulatedClock, simulation
from simulation.scenario import (
    DEFAULT_SEED,
    CycleRef,
    Scenario,
    check_cycle,
    generate,
    open_cycle,
)
from simulation.scenario_file import ScenarioFile
from simulation.scenario_script import from_file, to_yaml
from workflows.cycle import CycleWorkflow
from workflows.ids import cycle_workflow_id
from workflows.payloads import CycleInput

# (index, total, when, person_id, command name), after the step has settled
OnStep = Callable[[int, int, datetime, str, str], None]


@dataclass(frozen=True)
class CycleRun:
    scenario: Scenario
    phase: str
    wall_seconds: float


# A scenario file, validated, and where it was read from (named in its errors).
Script = tuple[ScenarioFile, Path]


def prepare(settings: Settings, store_env: dict[str, str], ref: CycleRef, data: Path,
            seed: int = DEFAULT_SEED, script: Script | None = None) -> Scenario:
    """The scenario alone, on a scratch store: what ``play_cycle`` would play. A script
    that cannot be played raises ``ScenarioFileError`` here."""
    opened = check_cycle(data, ref)
    engine = build_engine(settings, env=store_env, clock=SimulatedClock(opened))
    try:
        return _scenario(engine, data, ref, seed, script)
    finally:
        engine.close()


def default_yaml(settings: Settings, ref: CycleRef, data: Path,
                 seed: int = DEFAULT_SEED) -> str:
    """The generated scenario as a scenario file, on an in-memory store."""
    engine = build_engine(settings, env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
                          clock=SimulatedClock(check_cycle(data, ref)))
    try:
        scenario = _scenario(engine, data, ref, seed, None)
        return to_yaml(scenario, engine.store.get(organisation_id(ref.namnd_code),
                                                  Organisation))
    finally:
        engine.close()


def _scenario(engine: Engine, data: Path, ref: CycleRef, seed: int,
              script: Script | None) -> Scenario:
    plan, org = open_cycle(engine, data, ref)
    if script is None:
        return generate(engine, ref, plan, org, seed)
    return from_file(engine, ref, plan, org, *script)


async def play_cycle(settings: Settings, store_env: dict[str, str], ref: CycleRef, data: Path,
                     seed: int = DEFAULT_SEED, on_step: OnStep | None = None,
                     script: Script | None = None) -> CycleRun:
    """Opens ``ref`` on a fresh store (``store_env``) on its first day and plays its
    generated scenario, or ``script``, until the nämnd's beslut is exported."""
    started = time.monotonic()
    opened = check_cycle(data, ref)
    clock = SimulatedClock(opened)
    engine = build_engine(settings, env=store_env, clock=clock)
    try:
        scenario = _scenario(engine, data, ref, seed, script)
        async with simulation(engine, clock, store_env, opened) as s:
            handle = await s.client.start_workflow(
                CycleWorkflow.run, CycleInput(cycle_id=str(scenario.cycle_id)),
                id=cycle_workflow_id(scenario.cycle_id), task_queue=s.task_queue)
            await s.settle(handle)
            total = len(scenario.steps)
            for i, (when, person, command) in enumerate(scenario.steps):
                await s.advance_to(when, handle)
                await s.act(person, command, handle)
                if on_step is not None:
                    on_step(i, total, when, person, type(command).__name__)
            final = await handle.result()
        return CycleRun(scenario, final.phase, time.monotonic() - started)
    finally:
        engine.close()

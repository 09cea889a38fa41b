"""Plays a generated scenario (``simulation.scenario``) on the time-skipping server.

The loop of the Delårsbokslut script, for any cycle: start the CycleWorkflow, then for
each step move simulated time, let the person act and the workflows catch up.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bootstrap import build_engine
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


def prepare(settings: Settings, store_env: dict[str, str], ref: CycleRef, data: Path,
            seed: int = DEFAULT_SEED) -> Scenario:
    """The scenario alone, on a scratch store: what ``play_cycle`` would play."""
    opened = check_cycle(data, ref)
    engine = build_engine(settings, env=store_env, clock=SimulatedClock(opened))
    try:
        plan, org = open_cycle(engine, data, ref)
        return generate(engine, ref, plan, org, seed)
    finally:
        engine.close()


async def play_cycle(settings: Settings, store_env: dict[str, str], ref: CycleRef, data: Path,
                     seed: int = DEFAULT_SEED, on_step: OnStep | None = None) -> CycleRun:
    """Opens ``ref`` on a fresh store (``store_env``) on its first day and plays its
    generated scenario until the nämnd's beslut is exported."""
    started = time.monotonic()
    opened = check_cycle(data, ref)
    clock = SimulatedClock(opened)
    engine = build_engine(settings, env=store_env, clock=clock)
    try:
        plan, org = open_cycle(engine, data, ref)
        scenario = generate(engine, ref, plan, org, seed)
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

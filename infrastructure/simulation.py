"""Simulated time: a cycle of the real engine on Temporal's time-skipping test server.

Used by ``arsplan simulate`` and by the workflow tests. Scenarios run on their own
dates (e.g. 2022): a Timeline maps them onto the server's clock. Each step moves
simulated time, lets a person act through ``Arsplaner.execute``, lets the follower
deliver, and waits until every workflow has caught up.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.deps import ActivityDeps
from domain.application import Arsplaner
from domain.commands import Command
from domain.ids import unit_report_id
from infrastructure.follower import Follower
from infrastructure.positions import PositionStore
from infrastructure.settings import Settings
from infrastructure.sidecar import sidecar_for
from infrastructure.timeline import Timeline
from worker import build_worker
from workflows.cycle import CycleWorkflow
from workflows.ids import unit_report_workflow_id
from workflows.unit_report import UnitReportWorkflow


class SimulatedClock:
    """The application's clock in a simulation: set by the driver at each step."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


TEST_SERVER = shutil.which("temporal-test-server") or str(
    Path(sys.executable).parent / "temporal-test-server")


async def start_env() -> WorkflowEnvironment:
    return await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter, test_server_existing_path=TEST_SERVER)


@dataclass
class Simulation:
    env: WorkflowEnvironment
    app: Arsplaner
    clock: Any  # SimulatedClock or any object with a settable ``now``
    timeline: Timeline
    deps: ActivityDeps
    settings: Settings
    store_env: dict[str, str]
    task_queue: str = field(default_factory=lambda: f"tq-{uuid.uuid4()}")
    follower: Follower | None = None
    worker: Worker | None = None
    _worker_task: asyncio.Task[None] | None = None
    quiet_rounds: int = 3

    @property
    def client(self) -> Client:
        return self.env.client

    def make_follower(self) -> Follower:
        positions = PositionStore(sidecar_for(self.store_env, "follower"))
        return Follower(self.app, self.client, positions, timeline=self.timeline,
                        task_queue=self.task_queue)

    async def start_worker(self, **options: Any) -> None:
        self.worker = await build_worker(self.client, self.app, self.settings,
                                         task_queue=self.task_queue, timeline=self.timeline,
                                         deps=self.deps, **options)
        self._worker_task = asyncio.create_task(self.worker.run())

    async def stop_worker(self) -> None:
        assert self.worker is not None and self._worker_task is not None
        await self.worker.shutdown()
        await self._worker_task
        self.worker = None

    async def now(self) -> datetime:
        return self.timeline.to_domain(await self.env.get_current_time())

    async def advance_to(self, instant: datetime, *handles: WorkflowHandle[Any, Any]) -> None:
        delta = self.timeline.to_workflow(instant) - await self.env.get_current_time()
        if delta.total_seconds() > 0:
            await self.env.sleep(delta)
        self.clock.now = instant
        await self.settle(*handles)

    async def act(self, person_id: str, command: Command,
                  *handles: WorkflowHandle[Any, Any]) -> None:
        self.app.execute(command, person_id)
        await self.deliver(*handles)

    async def deliver(self, *handles: WorkflowHandle[Any, Any]) -> None:
        assert self.follower is not None
        await self.follower.poll_once()
        await self.settle(*handles)

    async def settle(self, *handles: WorkflowHandle[Any, Any]) -> None:
        """Waits until no workflow has an activity, child start or progress signal in flight."""
        quiet, quiet_rounds = 0, self.quiet_rounds
        for _ in range(600):
            busy = False
            for handle in await self.all_handles(*handles):
                status = await handle.query("status")
                busy = busy or bool(status["busy"])
            quiet = 0 if busy else quiet + 1
            if quiet >= quiet_rounds:
                return
            await asyncio.sleep(0.02)
        raise TimeoutError("workflows did not settle")

    async def all_handles(self, *handles: WorkflowHandle[Any, Any]
                          ) -> list[WorkflowHandle[Any, Any]]:
        out = list(handles)
        for handle in handles:
            if handle.id.startswith("cycle-"):
                status = await handle.query(CycleWorkflow.status)
                cycle_id = uuid.UUID(status.cycle_id)
                out += [self.client.get_workflow_handle(
                    unit_report_workflow_id(unit_report_id(cycle_id, u))) for u in status.started]
                # Avdelning workflows relay their reports' progress: busy while one is in flight.
                out += [self.client.get_workflow_handle(a) for a in status.avdelningar]
        return out

    def report_handle(self, cycle_id: uuid.UUID, unit_id: str) -> WorkflowHandle[Any, Any]:
        return self.client.get_workflow_handle_for(
            UnitReportWorkflow.run, unit_report_workflow_id(unit_report_id(cycle_id, unit_id)))


@asynccontextmanager
async def simulation(settings: Settings, app: Arsplaner, clock: Any, store_env: dict[str, str],
                     start: datetime, **worker_options: Any) -> AsyncIterator[Simulation]:
    """A time-skipping server whose clock reads ``start``, with worker and follower."""
    env = await start_env()
    try:
        timeline = Timeline.starting(start, await env.get_current_time())
        deps = ActivityDeps.from_settings(app, settings, timeline,
                                          sidecar=sidecar_for(store_env, "outbox"))
        s = Simulation(env, app, clock, timeline, deps, settings, store_env)
        s.follower = s.make_follower()
        await s.start_worker(**worker_options)
        try:
            yield s
        finally:
            if s.worker is not None:
                await s.stop_worker()
    finally:
        await env.shutdown()


@dataclass(frozen=True)
class SimulationReport:
    cycle_id: str
    phase: str
    events_by_type: dict[str, int]
    notifications: int
    drop_dir: Path
    wall_seconds: float


async def simulate_cycle(settings: Settings, store_env: dict[str, str] | None = None,
                         on_step: Callable[[datetime, str, str], None] | None = None
                         ) -> SimulationReport:
    """Plays the Delårsbokslut 2022 VON script on a fresh store (in memory by default)."""
    from infrastructure.simulation_script import SCENARIO_START, run_cycle, setup_store

    started = time.monotonic()
    env = store_env or {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    clock = SimulatedClock(SCENARIO_START)
    app = Arsplaner(env=env, clock=clock)
    setup_store(app, settings.data_dir / "von")

    async def progress(i: int, s: Simulation) -> None:
        if on_step is not None:
            on_step(s.clock.now, *_step_label(i))

    try:
        async with simulation(settings, app, clock, env, SCENARIO_START) as s:
            handle = await run_cycle(s, after_step=progress)
            final = await handle.result()
            notifications = len(s.deps.notifier.outbox.all())
        counts: dict[str, int] = {}
        for n in app.recorder.select_notifications(1, 100_000):
            name = n.topic.rsplit(".", 1)[-1]
            counts[name] = counts.get(name, 0) + 1
        return SimulationReport(final.cycle_id, final.phase, counts, notifications,
                                settings.drop_dir, time.monotonic() - started)
    finally:
        app.close()


def _step_label(i: int) -> tuple[str, str]:
    from infrastructure.simulation_script import STEPS

    _, person, command = STEPS[i]
    return person, type(command).__name__

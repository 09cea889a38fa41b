"""Simulated time: a cycle of the real engine on Temporal's time-skipping test server.

Used by ``arsplan simulate`` and by the workflow tests. Scenarios run on their own
dates (e.g. 2022): a Timeline maps them onto the server's clock. Each step moves
simulated time, lets a person act through the command bus, lets the follower deliver,
and waits until every workflow has caught up.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import uuid
from collections.abc import AsyncIterator
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
from bootstrap import Engine, build_activity_deps, build_follower, build_worker
from domain.commands import Command
from domain.ids import unit_report_id
from follower.follower import Follower
from infrastructure.eventstore.sidecar import sidecar_for
from infrastructure.timeline import Timeline
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
    engine: Engine
    clock: Any  # SimulatedClock or any object with a settable ``now``
    timeline: Timeline
    deps: ActivityDeps
    store_env: dict[str, str]
    task_queue: str = field(default_factory=lambda: f"tq-{uuid.uuid4()}")
    follower: Follower | None = None
    worker: Worker | None = None
    _worker_task: asyncio.Task[None] | None = None
    quiet_rounds: int = 3

    @property
    def client(self) -> Client:
        return self.env.client

    @property
    def store(self) -> Any:
        return self.engine.store

    def make_follower(self) -> Follower:
        return build_follower(self.engine, self.client, self.timeline,
                              task_queue=self.task_queue,
                              positions=sidecar_for(self.store_env, "follower"))

    async def start_worker(self, **options: Any) -> None:
        self.worker = build_worker(self.client, self.deps, self.task_queue, **options)
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
        self.engine.execute(command, person_id)
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
async def simulation(engine: Engine, clock: Any, store_env: dict[str, str], start: datetime,
                     **worker_options: Any) -> AsyncIterator[Simulation]:
    """A time-skipping server whose clock reads ``start``, with worker and follower."""
    env = await start_env()
    try:
        timeline = Timeline.starting(start, await env.get_current_time())
        deps = build_activity_deps(engine, timeline, outbox=sidecar_for(store_env, "outbox"))
        s = Simulation(env, engine, clock, timeline, deps, store_env)
        s.follower = s.make_follower()
        await s.start_worker(**worker_options)
        try:
            yield s
        finally:
            if s.worker is not None:
                await s.stop_worker()
    finally:
        await env.shutdown()

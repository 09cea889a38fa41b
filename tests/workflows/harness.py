"""A time-skipping Temporal environment with the real worker, store and follower.

Scenarios run on 2022 dates: a Timeline maps them onto the test server's clock.
Each step moves simulated time, lets a person act through ``Arsplaner.execute``,
lets the follower deliver, and waits until every workflow has caught up.
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
from domain.application import Arsplaner
from domain.commands import Command
from domain.ids import unit_report_id
from infrastructure.follower import Follower
from infrastructure.positions import PositionStore
from infrastructure.settings import Settings
from infrastructure.sidecar import sidecar_for
from infrastructure.timeline import Timeline
from tests.support.clock import ManualClock
from worker import build_worker
from workflows.cycle import CycleWorkflow
from workflows.ids import unit_report_workflow_id
from workflows.unit_report import UnitReportWorkflow

TEST_SERVER = shutil.which("temporal-test-server") or str(
    Path(sys.executable).parent / "temporal-test-server")


async def start_env() -> WorkflowEnvironment:
    return await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter, test_server_existing_path=TEST_SERVER)


def test_settings(tmp_path: Path) -> Settings:
    return Settings(drop_dir=tmp_path / "drop", data_dir=Path("data"), var_dir=tmp_path / "var",
                    event_store="memory")


@dataclass
class Scenario:
    env: WorkflowEnvironment
    app: Arsplaner
    clock: ManualClock
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
        return Follower(self.app, self.client, positions, timeline=self.timeline)

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
        return out

    def report_handle(self, cycle_id: uuid.UUID, unit_id: str) -> WorkflowHandle[Any, Any]:
        return self.client.get_workflow_handle_for(
            UnitReportWorkflow.run, unit_report_workflow_id(unit_report_id(cycle_id, unit_id)))


@asynccontextmanager
async def scenario(tmp_path: Path, app: Arsplaner, clock: ManualClock,
                   store_env: dict[str, str], start: datetime,
                   **worker_options: Any) -> AsyncIterator[Scenario]:
    env = await start_env()
    try:
        timeline = Timeline.starting(start, await env.get_current_time())
        settings = test_settings(tmp_path)
        deps = ActivityDeps.from_settings(app, settings, timeline,
                                          sidecar=sidecar_for(store_env, "outbox"))
        s = Scenario(env, app, clock, timeline, deps, settings, store_env)
        s.follower = s.make_follower()
        await s.start_worker(**worker_options)
        try:
            yield s
        finally:
            if s.worker is not None:
                await s.stop_worker()
    finally:
        await env.shutdown()

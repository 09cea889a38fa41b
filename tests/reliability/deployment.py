"""A live deployment for fault tests: a real Temporal dev server, a SQLite event store and
`arsplan worker` / `arsplan follow` as separate processes that a test can SIGKILL."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError, RPCStatusCode

from application.cycles import ensure_report_template
from bootstrap import Engine, build_engine, connect
from domain.base import Actor
from domain.command_identity import key_of
from infrastructure.settings import Settings
from tests.support.engine import test_settings
from tests.support.org import DELAR_2022, TEMPLATE, build_organisation
from workflows.cycle import CycleWorkflow
from workflows.ids import cycle_workflow_id, unit_report_workflow_id
from workflows.payloads import CycleInput
from workflows.unit_report import UnitReportWorkflow

BIN = Path(sys.executable).parent
EventKey = tuple[UUID, str, str | None]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Callable[[], bool], what: str, timeout: float = 45.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def event_keys(engine: Engine) -> Counter[EventKey]:
    """The store as a multiset of (aggregate, event type, command id or idempotency key)."""
    keys: Counter[EventKey] = Counter()
    start = 1
    while batch := engine.store.recorder.select_notifications(start, 1000):
        for notification in batch:
            event = engine.store.mapper.to_domain_event(notification)
            keys[(event.originator_id, type(event).__qualname__,
                  key_of(getattr(event, "command_id", None)))] += 1
        start = batch[-1].id + 1
    return keys


def has_event(engine: Engine, aggregate_id: UUID, event_type: str) -> bool:
    return any(type(e).__name__ == event_type
               for e in engine.store.aggregate_events(aggregate_id))


@dataclass
class Deployment:
    """One event store and one Temporal server address; processes started on demand.

    The test acts through ``engine`` (bootstrap.build_engine on the same settings the
    processes read from their ARSPLAN_* environment)."""

    tmp_path: Path
    settings: Settings = field(init=False)
    env: dict[str, str] = field(init=False)
    engine: Engine = field(init=False)
    cycle_id: UUID = field(init=False)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    started: int = 0

    def __post_init__(self) -> None:
        store = self.tmp_path / "events.sqlite"
        address = f"127.0.0.1:{free_port()}"
        task_queue = f"tq-{uuid.uuid4()}"
        self.env = {
            **os.environ,
            "ARSPLAN_EVENT_STORE": "sqlite", "ARSPLAN_SQLITE_PATH": str(store),
            "ARSPLAN_TEMPORAL_ADDRESS": address,
            "ARSPLAN_TEMPORAL_DB": str(self.tmp_path / "temporal.sqlite"),
            "ARSPLAN_VAR_DIR": str(self.tmp_path / "var"), "ARSPLAN_TASK_QUEUE": task_queue,
            "ARSPLAN_FOLLOWER_POLL_SECONDS": "0.2",
            # Reminders no earlier than a working day ahead: none may fire during the test.
            "ARSPLAN_REMINDER_WORKING_DAYS_BEFORE": "[1]",
        }
        self.settings = test_settings(event_store="sqlite", sqlite_path=store,
                                      temporal_address=address,
                                      temporal_db=self.tmp_path / "temporal.sqlite",
                                      var_dir=self.tmp_path / "var", task_queue=task_queue)
        self.engine = build_engine(self.settings)
        build_organisation(self.engine)  # type: ignore[arg-type]
        today = datetime.now(tz=UTC).date()
        live = DELAR_2022.model_copy(update={
            "year": today.year, "enhet_deadline": today + timedelta(days=10),
            "avdelning_deadline": today + timedelta(days=15),
            "forvaltning_deadline": today + timedelta(days=20),
            "underlag_date": today + timedelta(days=21),
            "beslut_date": today + timedelta(days=30)})
        ensure_report_template(self.engine.store, "VON", TEMPLATE, Actor.system("import"))
        self.cycle_id = self.engine.execute(live, "gun").aggregate_id  # the controller

    def start_cycle_workflow(self) -> None:
        async def start() -> None:
            client = await connect(self.settings)
            await client.start_workflow(
                CycleWorkflow.run, CycleInput(cycle_id=str(self.cycle_id)),
                id=cycle_workflow_id(self.cycle_id), task_queue=self.settings.task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
        asyncio.run(start())

    def query_cycle(self) -> Any:
        async def query() -> Any:
            client = await connect(self.settings)
            handle = client.get_workflow_handle(cycle_workflow_id(self.cycle_id))
            return await handle.query(CycleWorkflow.status)
        return asyncio.run(query())

    def report_phase(self, report_id: UUID) -> str | None:
        """The report workflow's phase, with "busy" while an activity is in flight; None
        while it is not started yet."""
        async def query() -> str | None:
            client = await connect(self.settings)
            handle = client.get_workflow_handle(unit_report_workflow_id(report_id))
            try:
                status = await handle.query(UnitReportWorkflow.status)
                return "busy" if status.busy else str(status.phase)
            except RPCError as exc:
                if exc.status == RPCStatusCode.NOT_FOUND:
                    return None
                raise
        return asyncio.run(query())

    def phase_is(self, report_id: UUID, phase: str) -> bool:
        return self.report_phase(report_id) == phase

    def start(self, command: str) -> None:
        """Starts `arsplan worker` or `arsplan follow`."""
        self.started += 1
        log = (self.tmp_path / f"{self.started:02d}-{command}.log").open("wb")
        self.processes[command] = subprocess.Popen(
            [str(BIN / "arsplan"), command], env=self.env, stdout=log, stderr=log)
        log.close()

    def kill(self, command: str) -> None:
        """SIGKILL: no shutdown hook runs, in-flight tasks and positions are left as they were."""
        process = self.processes.pop(command)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> dict[str, int]:
        for process in self.processes.values():
            process.send_signal(signal.SIGTERM)
        codes = {name: p.wait(timeout=30) for name, p in self.processes.items()}
        self.processes.clear()
        return codes

"""A worker SIGKILLed inside an activity: another worker runs it again well before the
activity's start-to-close timeout (30 minutes here), because the dead worker's heartbeats
stop; while its worker lives, the activity outlasts the heartbeat timeout unretried (real
dev server, workers as processes)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType, TimeoutType
from temporalio.testing import WorkflowEnvironment

from infrastructure.devserver import temporal_cli
from tests.reliability.slow_step_workflow import SlowStepWorkflow
from workflows.activity_options import HEARTBEAT_TIMEOUT

pytestmark = pytest.mark.slow
# Far below the 30-minute start-to-close timeout: only a heartbeat timeout gets there.
WITHIN_SECONDS = 90


def _worker(address: str, queue: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.slow_step_worker", address, queue],
            stdout=out, stderr=out)


def _wait_for_marker(markers: Path, worker: subprocess.Popen[bytes]) -> Path:
    deadline = time.monotonic() + WITHIN_SECONDS
    while time.monotonic() < deadline:
        found = list(markers.glob("attempt-1-*"))
        if found:
            return found[0]
        assert worker.poll() is None, "the first worker exited"
        time.sleep(0.1)
    pytest.fail("the first worker never started the activity")


async def test_an_activity_of_a_killed_worker_is_retried_by_another_worker(
        tmp_path: Path) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    queue = f"tq-{uuid.uuid4()}"
    async with await WorkflowEnvironment.start_local(
            dev_server_existing_path=temporal_cli()) as env:
        address = env.client.service_client.config.target_host
        first = _worker(address, queue, tmp_path / "worker-1.log")
        second: subprocess.Popen[bytes] | None = None
        try:
            handle = await env.client.start_workflow(
                SlowStepWorkflow.run, str(markers), id=f"slow-{uuid.uuid4()}",
                task_queue=queue)
            marker = await asyncio.to_thread(_wait_for_marker, markers, first)
            assert marker.name == f"attempt-1-pid-{first.pid}"
            # Alive, the worker's heartbeats keep the attempt going past the timeout.
            await asyncio.sleep(HEARTBEAT_TIMEOUT.total_seconds() + 2)
            assert [m.name for m in markers.iterdir()] == [marker.name]
            os.kill(first.pid, signal.SIGKILL)
            first.wait()
            second = _worker(address, queue, tmp_path / "worker-2.log")
            result = await asyncio.wait_for(handle.result(), timeout=WITHIN_SECONDS)
            history = await handle.fetch_history()
        finally:
            for process in (first, second):
                if process is not None and process.poll() is None:
                    process.kill()
                    process.wait()

    assert result == f"attempt 2 in {second.pid}"
    started = [e.activity_task_started_event_attributes for e in history.events
               if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED]
    assert [s.attempt for s in started] == [2]
    # The first attempt ended by its missing heartbeats, not by the start-to-close timeout.
    failure = started[0].last_failure
    assert failure.timeout_failure_info.timeout_type == TimeoutType.TIMEOUT_TYPE_HEARTBEAT

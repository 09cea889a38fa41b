"""After a klarmarkering, the attest request does not wait for the parent's progress signal.

Both commands go out in the workflow task that handles the klarmarkering (patched
``attest-without-waiting-for-progress``); histories recorded before the patch signal first
and schedule ``request_attestation`` a workflow task later, and still replay. Record the
new-shape history with ``ARSPLAN_RECORD_HISTORIES=1 pytest
tests/workflows/test_attest_with_progress.py``.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowExecutionStatus, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from bootstrap import WORKFLOWS
from simulation.delarsbokslut_2022 import PARENT, klarmarkera
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.workflows import delarsbokslut as d
from tests.workflows.conftest import SCENARIO_START
from tests.workflows.harness import scenario
from workflows import activity_names as act
from workflows.ids import avdelning_workflow_id
from workflows.unit_report import ATTEST_WITH_PROGRESS_PATCH

HISTORIES = Path(__file__).parent / "histories"
NEW_SHAPE = "delarsbokslut_2022_by_avdelning_unit_report_attest_with_progress"
# Recorded before the patch: progress signalled, then request_attestation a task later.
OLD_SHAPE = ["delarsbokslut_2022_by_avdelning_own_timers_unit_report_late_enhet",
             "delarsbokslut_2022_unit_report_late_enhet",
             "delarsbokslut_2022_unit_report_atersand"]
ENHET = "enh-bjarkegarden"  # klarmarkerad 16 August 10:00, the script's first step


def attest_and_progress_tasks(history: WorkflowHistory) -> list[tuple[int, int]]:
    """Per request_attestation: the WorkflowTaskCompleted event id that scheduled it, and
    that of the last report_progress signal initiated at or before it."""
    pairs, last_signal = [], 0
    for e in history.events:
        if e.event_type == EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
            attrs = e.signal_external_workflow_execution_initiated_event_attributes
            if attrs.signal_name == "await_instants":  # the shared clock's, not progress
                continue
            assert attrs.signal_name == "report_progress"
            last_signal = attrs.workflow_task_completed_event_id
        elif (e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
              and e.activity_task_scheduled_event_attributes.activity_type.name
              == act.REQUEST_ATTESTATION):
            scheduled = e.activity_task_scheduled_event_attributes
            pairs.append((scheduled.workflow_task_completed_event_id, last_signal))
    return pairs


def patch_marked(history: WorkflowHistory) -> bool:
    return any(e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
               and ATTEST_WITH_PROGRESS_PATCH.encode() in e.SerializeToString()
               for e in history.events)


def load(name: str) -> WorkflowHistory:
    return WorkflowHistory.from_json(name, (HISTORIES / f"{name}.json").read_text())


async def replay(history: WorkflowHistory) -> None:
    replayer = Replayer(workflows=WORKFLOWS, data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure


async def test_klarmarkering_schedules_the_attest_request_with_the_progress_signal(
        tmp_path: Path, app: TestEngine, clock: ManualClock, store_env: dict[str, str]) -> None:
    d.setup_store(app)
    async with scenario(tmp_path, app, clock, store_env, SCENARIO_START) as s:
        await d.run_cycle_until(s, d.at("08-16", "11:00"))
        history = await s.report_handle(d.CYCLE, ENHET).fetch_history()
        if os.environ.get("ARSPLAN_RECORD_HISTORIES") == "1":
            (HISTORIES / f"{NEW_SHAPE}.json").write_text(history.to_json())

    # The parent is the AvdelningWorkflow; the signal and the activity share a task.
    parent = history.events[0].workflow_execution_started_event_attributes
    assert parent.parent_workflow_execution.workflow_id == avdelning_workflow_id(
        d.CYCLE, PARENT[ENHET])
    [(scheduled_by, signalled_by)] = attest_and_progress_tasks(history)
    assert scheduled_by == signalled_by
    assert patch_marked(history)
    await replay(history)


def test_the_recorded_new_shape_history_requests_attest_with_the_signal() -> None:
    history = load(NEW_SHAPE)
    assert patch_marked(history)
    assert [a == s for a, s in attest_and_progress_tasks(history)] == [True]


@pytest.mark.parametrize("name", OLD_SHAPE)
async def test_histories_that_awaited_the_signal_first_still_replay(name: str) -> None:
    history = load(name)
    pairs = attest_and_progress_tasks(history)
    assert pairs and all(scheduled > signalled for scheduled, signalled in pairs)
    assert not patch_marked(history)
    await replay(history)


async def test_a_gone_parent_still_fails_the_report_workflow_on_the_signal(
        tmp_path: Path, app: TestEngine, clock: ManualClock, store_env: dict[str, str]) -> None:
    d.setup_store(app)
    async with scenario(tmp_path, app, clock, store_env, SCENARIO_START) as s:
        await d.run_cycle_until(s, d.at("08-16", "09:00"))
        await s.client.get_workflow_handle(
            avdelning_workflow_id(d.CYCLE, PARENT[ENHET])).terminate("test: parent gone")
        when, person, command = klarmarkera(ENHET, d.at("08-16", "10:00"))
        clock.now = when
        app.execute(command, person)
        assert s.follower is not None
        await s.follower.poll_once()
        report = s.report_handle(d.CYCLE, ENHET)
        for _ in range(500):
            description = await report.describe()
            if description.status != WorkflowExecutionStatus.RUNNING:
                break
            await asyncio.sleep(0.02)
        history = await report.fetch_history()

    # As before the patch, the run fails on the signal. The request went out with it, so its
    # AttestationRequested may be in the store; before, the request was never sent.
    assert description.status == WorkflowExecutionStatus.FAILED
    failed = history.events[-1].workflow_execution_failed_event_attributes.failure
    assert "not found" in failed.message.lower(), failed

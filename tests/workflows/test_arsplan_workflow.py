"""ÅrsplanWorkflow: opens each cycle on its date, continues as new, starts once."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from cli.arsplan_commands import start_arsplan
from domain.calendar import STOCKHOLM, end_of_day
from domain.commands import MoveMilestone
from domain.cycle import Cycle
from domain.ids import arsplan_id, cycle_id
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.workflows.harness import import_von_plan, scenario
from workflows.arsplan import ArsplanWorkflow
from workflows.cycle import CycleWorkflow
from workflows.ids import arsplan_workflow_id, cycle_workflow_id
from workflows.payloads import ArsplanInput, ArsplanStatus, PlanChange

DATA = Path("data/von")
START = datetime(2022, 8, 1, 9, 0, tzinfo=STOCKHOLM)
DELAR = cycle_id("VON", "delarsbokslut", 2022)
CONTROLLER = "p-355f78"


async def test_opens_the_delarsbokslut_on_its_date_and_continues_as_new(
        tmp_path: Path, app: TestEngine, clock: ManualClock, store_env: dict[str, str]) -> None:
    import_von_plan(app, clock, START)
    inp = ArsplanInput(namnd_code="VON", label="2022/2023")
    async with scenario(tmp_path, app, clock, store_env, START) as s:
        handle = await s.client.start_workflow(
            ArsplanWorkflow.run, inp, id=arsplan_workflow_id("VON", "2022/2023"),
            task_queue=s.task_queue)
        first_run = handle.result_run_id
        await s.advance_to(datetime(2022, 8, 11, 12, 0, tzinfo=STOCKHOLM))
        assert not app.exists(DELAR)

        await s.advance_to(datetime(2022, 8, 12, 9, 0, tzinfo=STOCKHOLM))
        cycle = s.client.get_workflow_handle_for(CycleWorkflow.run, cycle_workflow_id(DELAR))
        await s.settle(cycle)
        cycle_status = await cycle.query(CycleWorkflow.status)
        first = await s.client.get_workflow_handle(handle.id, run_id=first_run).describe()
        latest = s.client.get_workflow_handle(handle.id)
        waiting = await latest.query(ArsplanWorkflow.status)
        with pytest.raises(WorkflowAlreadyStartedError):
            await s.client.start_workflow(ArsplanWorkflow.run, inp, id=handle.id,
                                          task_queue=s.task_queue)

    opened = app.get(DELAR, Cycle)
    assert opened.title == "Delårsbokslut 2022"
    opened_at = next(iter(app.aggregate_events(DELAR))).occurred_at
    assert opened_at.astimezone(STOCKHOLM).date().isoformat() == "2022-08-12"
    assert first.status == WorkflowExecutionStatus.CONTINUED_AS_NEW
    assert waiting.started == [str(DELAR)]
    # The planning process (Mål och budget 2023) is the plan's next cycle.
    assert waiting.waiting_for == "Mål och budget 2023"
    assert waiting.opens_at == s.timeline.to_workflow(
        datetime(2022, 11, 2, 7, 0, tzinfo=STOCKHOLM))
    # Every enhet of VON reports first; avdelningar wait for their enheter.
    assert cycle_status.phase == "reporting"
    assert {u for u in cycle_status.started if u.startswith("enh-")} == {
        u for u in opened.unit_ids if u.startswith("enh-")}
    assert not any(u.startswith("avd-") for u in cycle_status.started)


async def _waiting_until(handle: WorkflowHandle[Any, Any], opens_at: datetime) -> ArsplanStatus:
    """The latest run's status once it waits for ``opens_at`` (a plan change continues as
    new; the next run re-reads the plan in an activity)."""
    for _ in range(250):
        with contextlib.suppress(RPCError):
            status: ArsplanStatus = await handle.query(ArsplanWorkflow.status)
            if status.opens_at == opens_at:
                return status
        await asyncio.sleep(0.04)
    raise AssertionError(f"ÅrsplanWorkflow never waited for {opens_at}")


async def _signal_handled(run: WorkflowHandle[Any, Any]) -> None:
    """Until a workflow task has completed after the run's last signal."""
    for _ in range(250):
        events = [e async for e in run.fetch_history_events()]
        kinds = [e.WhichOneof("attributes") for e in events]
        last_signal = max(i for i, k in enumerate(kinds)
                          if k == "workflow_execution_signaled_event_attributes")
        if "workflow_task_completed_event_attributes" in kinds[last_signal:]:
            return
        await asyncio.sleep(0.04)
    raise AssertionError("the signal was never handled")


async def test_a_milestone_moved_while_it_sleeps_opens_the_cycle_on_the_new_date(
        tmp_path: Path, app: TestEngine, clock: ManualClock, store_env: dict[str, str]) -> None:
    import_von_plan(app, clock, START)
    async with scenario(tmp_path, app, clock, store_env, START) as s:
        handle = await s.client.start_workflow(
            ArsplanWorkflow.run, ArsplanInput(namnd_code="VON", label="2022/2023"),
            id=arsplan_workflow_id("VON", "2022/2023"), task_queue=s.task_queue)
        await _waiting_until(handle, s.timeline.to_workflow(
            datetime(2022, 8, 12, 7, 0, tzinfo=STOCKHOLM)))
        await s.advance_to(datetime(2022, 8, 5, 10, 0, tzinfo=STOCKHOLM))
        sleeping_run = (await handle.describe()).run_id

        # The nämnd moves the delårsbokslut a week; the controller moves the milestones.
        await s.act(CONTROLLER, MoveMilestone(
            namnd_code="VON", label="2022/2023", milestone_id="f-delar-2022-utfall-nyckeltal",
            start=date(2022, 8, 19), end=date(2022, 8, 19),
            reason="Nämnden flyttade delårsbokslutet en vecka"))
        await s.act(CONTROLLER, MoveMilestone(
            namnd_code="VON", label="2022/2023", milestone_id="f-delar-2022-enhetschefer",
            start=date(2022, 8, 19), end=date(2022, 8, 30),
            reason="Nämnden flyttade delårsbokslutet en vecka"))
        moved = await _waiting_until(handle, s.timeline.to_workflow(
            datetime(2022, 8, 19, 7, 0, tzinfo=STOCKHOLM)))
        rerun = (await handle.describe()).run_id

        # A redelivered signal (same domain event) wakes nothing.
        last_move = list(app.aggregate_events(arsplan_id("VON", "2022/2023")))[-1]
        run = s.client.get_workflow_handle(handle.id, run_id=rerun)
        await run.signal(ArsplanWorkflow.plan_changed,
                         PlanChange(event_id=str(last_move.event_id)))
        await _signal_handled(run)
        after_redelivery = await run.describe()

        await s.advance_to(datetime(2022, 8, 12, 9, 0, tzinfo=STOCKHOLM))
        opened_on_old_date = app.exists(DELAR)
        await s.advance_to(datetime(2022, 8, 19, 9, 0, tzinfo=STOCKHOLM))
        await s.settle(s.client.get_workflow_handle(cycle_workflow_id(DELAR)))

    assert sleeping_run != rerun
    assert after_redelivery.status == WorkflowExecutionStatus.RUNNING
    assert moved.waiting_for == "Delårsbokslut 2022"
    assert not opened_on_old_date
    opened_at = next(iter(app.aggregate_events(DELAR))).occurred_at
    assert opened_at.astimezone(STOCKHOLM).date() == date(2022, 8, 19)
    assert app.get(DELAR, Cycle).deadlines["enhet"] == end_of_day(date(2022, 8, 30))


async def test_started_after_a_cycles_beslut_day_it_leaves_that_cycle_closed(
        tmp_path: Path, app: TestEngine, clock: ManualClock, store_env: dict[str, str]) -> None:
    # The plan is started (`arsplan plan start`) after the delårsbokslut's nämnd beslut
    # (2022-09-27): its dates are gone, so it is not opened; the next cycle is awaited.
    start = datetime(2022, 10, 3, 9, 0, tzinfo=STOCKHOLM)
    import_von_plan(app, clock, start)
    async with scenario(tmp_path, app, clock, store_env, start) as s:
        workflow_id = await start_arsplan(s.client, "VON", "2022/2023", s.task_queue)
        handle = s.client.get_workflow_handle(workflow_id)
        status = await _waiting_until(handle, s.timeline.to_workflow(
            datetime(2022, 11, 2, 7, 0, tzinfo=STOCKHOLM)))
        first_run = (await handle.describe()).run_id
        again = await start_arsplan(s.client, "VON", "2022/2023", s.task_queue)
        still = (await handle.describe()).run_id

    assert again == workflow_id == arsplan_workflow_id("VON", "2022/2023")
    assert still == first_run  # the second start found the running one
    assert status.waiting_for == "Mål och budget 2023"
    assert status.started == []
    assert not app.exists(DELAR)

"""ÅrsplanWorkflow: opens each cycle on its date, continues as new, starts once."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from temporalio.client import WorkflowExecutionStatus
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain.application import Arsplaner
from domain.calendar import STOCKHOLM
from domain.cycle import Cycle
from domain.ids import cycle_id
from infrastructure.importer import import_arsplan, import_organisation, import_report_template
from tests.support.clock import ManualClock
from tests.workflows.harness import scenario
from workflows.arsplan import ArsplanWorkflow
from workflows.cycle import CycleWorkflow
from workflows.ids import arsplan_workflow_id, cycle_workflow_id
from workflows.payloads import ArsplanInput

DATA = Path("data/von")
START = datetime(2022, 8, 1, 9, 0, tzinfo=STOCKHOLM)
DELAR = cycle_id("VON", "delarsbokslut", 2022)


async def test_opens_the_delarsbokslut_on_its_date_and_continues_as_new(
        tmp_path: Path, app: Arsplaner, clock: ManualClock, store_env: dict[str, str]) -> None:
    clock.now = START
    import_organisation(app, DATA / "organisation.yaml")
    import_report_template(app, "VON", DATA / "report_template.yaml")
    import_arsplan(app, DATA / "arsplan_2022_2023.yaml")
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
    assert waiting.waiting_for == "Årsbokslut 2022"
    assert waiting.opens_at == s.timeline.to_workflow(
        datetime(2023, 1, 12, 7, 0, tzinfo=STOCKHOLM))
    # Every enhet of VON reports first; avdelningar wait for their enheter.
    assert cycle_status.phase == "reporting"
    assert {u for u in cycle_status.started if u.startswith("enh-")} == {
        u for u in opened.unit_ids if u.startswith("enh-")}
    assert not any(u.startswith("avd-") for u in cycle_status.started)

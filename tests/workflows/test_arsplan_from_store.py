"""The ÅrsplanWorkflow reads its plan from the store: a milestone moved through the API moves
the cycle's opening, and the data file the plan came from plays no part once imported."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import httpx

from api.app import create_app
from domain.calendar import STOCKHOLM, end_of_day
from domain.cycle import Cycle
from domain.ids import cycle_id
from infrastructure.importer import import_arsplan, import_organisation, import_report_template
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.workflows.harness import VON_DATA, harness_settings, scenario
from workflows.arsplan import ArsplanWorkflow
from workflows.ids import arsplan_workflow_id, cycle_workflow_id
from workflows.payloads import ArsplanInput

START = datetime(2022, 8, 1, 9, 0, tzinfo=STOCKHOLM)
DELAR = cycle_id("VON", "delarsbokslut", 2022)
CONTROLLER_TOKEN = {"t-johan": "p-355f78"}


async def test_a_milestone_moved_over_http_moves_the_opening_with_no_data_file_left(
        tmp_path: Path, store_env: dict[str, str], clock: ManualClock) -> None:
    # The plan is imported from a copy of the data folder, which is then removed: whatever
    # opens the cycle can only have read the store.
    data = tmp_path / "data"
    shutil.copytree(VON_DATA, data / "von")
    app = TestEngine(env=store_env, clock=clock,
                     settings=harness_settings(tmp_path).model_copy(update={"data_dir": data}))
    clock.now = START
    import_organisation(app, data / "von" / "organisation.yaml")
    import_report_template(app, "VON", data / "von" / "report_template.yaml")
    import_arsplan(app, data / "von" / "arsplan_2022_2023.yaml")
    shutil.rmtree(data)
    api = create_app(app.store, app.bus, CONTROLLER_TOKEN)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=api),
                             base_url="http://arsplan.test")
    try:
        async with scenario(tmp_path, app, clock, store_env, START) as s:
            handle = await s.client.start_workflow(
                ArsplanWorkflow.run, ArsplanInput(namnd_code="VON", label="2022/2023"),
                id=arsplan_workflow_id("VON", "2022/2023"), task_queue=s.task_queue)
            await s.advance_to(datetime(2022, 8, 5, 10, 0, tzinfo=STOCKHOLM))
            for milestone, start, end in (("f-delar-2022-utfall-nyckeltal", "2022-08-19",
                                           "2022-08-19"),
                                          ("f-delar-2022-enhetschefer", "2022-08-19",
                                           "2022-08-30")):
                response = await http.post(
                    "/api/commands/move-milestone", headers={"Authorization": "Bearer t-johan"},
                    json={"namnd_code": "VON", "label": "2022/2023", "milestone_id": milestone,
                          "start": start, "end": end, "reason": "Nämnden flyttade en vecka"})
                assert response.status_code == 200, response.text
            await s.deliver()
            await s.advance_to(datetime(2022, 8, 12, 9, 0, tzinfo=STOCKHOLM))
            opened_on_the_old_date = app.exists(DELAR)
            await s.advance_to(datetime(2022, 8, 19, 9, 0, tzinfo=STOCKHOLM))
            await s.settle(s.client.get_workflow_handle(cycle_workflow_id(DELAR)))
            status = await handle.query(ArsplanWorkflow.status)
        opened = app.get(DELAR, Cycle)
        opened_at = next(iter(app.aggregate_events(DELAR))).occurred_at
    finally:
        await http.aclose()
        app.close()

    assert not opened_on_the_old_date
    assert opened_at.astimezone(STOCKHOLM).date() == date(2022, 8, 19)
    assert opened.deadlines["enhet"] == end_of_day(date(2022, 8, 30))
    assert status.started == [str(DELAR)]

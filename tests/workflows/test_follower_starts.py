"""The follower starts the workflow of every opened cycle, scheduled meeting and beslut
anslaget on its own, once, however the fact was recorded (API, CLI, another workflow)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from uuid import UUID, uuid4

from temporalio.client import WorkflowExecutionStatus

from domain import delegation_commands as dc
from domain.calendar import STOCKHOLM
from domain.delegationsbeslut import Delegationsbeslut
from domain.ids import cycle_id
from domain.system_commands import protokoll_anslag_key
from follower.routes import beslut_anslaget
from infrastructure.timeline import REAL_TIME
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import CYCLE, build_organisation, open_delar_2022
from tests.unit.von_delegation import ORDFORANDE, SEKRETERARE, decide, load_von
from tests.unit.von_meetings import schedule
from tests.workflows.conftest import SCENARIO_START
from tests.workflows.harness import import_von_plan, scenario
from workflows.arsplan import ArsplanWorkflow
from workflows.cycle import CycleWorkflow
from workflows.ids import (
    arsplan_workflow_id,
    cycle_workflow_id,
    meeting_workflow_id,
    overklagande_workflow_id,
)
from workflows.payloads import ArsplanInput

AUTUMN = datetime(2022, 10, 3, 8, tzinfo=STOCKHOLM)
DATA = Path("data/von")
DELAR_VON = cycle_id("VON", "delarsbokslut", 2022)


class TestCycleOpened:
    async def test_a_cycle_opened_by_command_gets_its_cycle_workflow_once(
            self, tmp_path: Path, app: TestEngine, clock: ManualClock,
            store_env: dict[str, str]) -> None:
        build_organisation(app)
        open_delar_2022(app)
        async with scenario(tmp_path, app, clock, store_env, SCENARIO_START) as s:
            await s.deliver()
            cycle = s.client.get_workflow_handle_for(CycleWorkflow.run, cycle_workflow_id(CYCLE))
            await s.settle(cycle)
            status = await cycle.query(CycleWorkflow.status)
            first_run = (await cycle.describe()).run_id
            # A follower rebuilt from position 0 delivers Opened again: same run.
            await s.make_follower().poll_once()
            again = await s.client.get_workflow_handle(cycle.id).describe()

        assert status.phase == "reporting"
        assert set(status.started) == {"enh-ekhagen", "enh-bjorkliden", "enh-hemtjanst-norr"}
        assert again.run_id == first_run
        assert again.status == WorkflowExecutionStatus.RUNNING

    async def test_a_closed_cycle_workflow_is_not_started_again_on_redelivery(
            self, tmp_path: Path, app: TestEngine, clock: ManualClock,
            store_env: dict[str, str]) -> None:
        build_organisation(app)
        open_delar_2022(app)
        async with scenario(tmp_path, app, clock, store_env, SCENARIO_START) as s:
            await s.deliver()
            cycle = s.client.get_workflow_handle(cycle_workflow_id(CYCLE))
            await cycle.terminate("avslutad för testet")
            await s.make_follower().poll_once()
            after = await cycle.describe()

        assert after.status == WorkflowExecutionStatus.TERMINATED


class TestDelegationStarts:
    async def test_a_scheduled_meeting_gets_its_meeting_workflow(
            self, tmp_path: Path, app: TestEngine, clock: ManualClock,
            store_env: dict[str, str]) -> None:
        clock.now = AUTUMN
        load_von(app)
        mid = schedule(app, date(2022, 10, 25))
        async with scenario(tmp_path, app, clock, store_env, AUTUMN) as s:
            await s.follower.poll_once()  # type: ignore[union-attr]
            meeting = await s.client.get_workflow_handle(
                meeting_workflow_id(str(mid))).describe()

        assert meeting.status == WorkflowExecutionStatus.RUNNING
        assert meeting.workflow_type == "MeetingWorkflow"

    async def test_a_beslut_anslaget_on_its_own_gets_its_overklagande_timer(
            self, tmp_path: Path, app: TestEngine, clock: ManualClock,
            store_env: dict[str, str]) -> None:
        clock.now = AUTUMN
        load_von(app)
        beslut = decide(app, ORDFORANDE, "2.1.1", date(2022, 10, 3), laglighetsprovning=True,
                        command_id="appealable").aggregate_id
        app.execute(dc.AnslaDelegationsbeslut(
            beslut_id=beslut, anslag_date=date(2022, 10, 4)), SEKRETERARE)
        async with scenario(tmp_path, app, clock, store_env, AUTUMN) as s:
            await s.follower.poll_once()  # type: ignore[union-attr]
            timer = s.client.get_workflow_handle(overklagande_workflow_id(str(beslut)))
            await s.advance_to(datetime(2022, 10, 27, 9, tzinfo=STOCKHOLM))
            outcome = await timer.describe()

        assert outcome.status == WorkflowExecutionStatus.COMPLETED
        assert app.get(beslut, Delegationsbeslut).laga_kraft_on == date(2022, 10, 26)


def test_a_beslut_anslaget_with_its_protokoll_is_left_to_the_meeting_workflow() -> None:
    def anslaget(command_id: str) -> SimpleNamespace:
        return SimpleNamespace(originator_id=uuid4(), command_id=command_id,
                               laga_kraft_at=datetime(2022, 10, 26, tzinfo=STOCKHOLM))

    with_protokoll = anslaget(protokoll_anslag_key(UUID(int=7)))
    on_its_own = anslaget(str(uuid4()))
    assert beslut_anslaget(with_protokoll, REAL_TIME) == []
    [start] = beslut_anslaget(on_its_own, REAL_TIME)
    assert (start.kind, start.name) == ("start", "OverklagandeWorkflow")


async def test_a_cycle_the_arsplan_workflow_opened_keeps_its_one_workflow(
        tmp_path: Path, app: TestEngine, clock: ManualClock, store_env: dict[str, str]) -> None:
    start = datetime(2022, 8, 11, 9, 0, tzinfo=STOCKHOLM)
    import_von_plan(app, clock, start)
    arsplan_id = arsplan_workflow_id("VON", "2022/2023")
    async with scenario(tmp_path, app, clock, store_env, start) as s:
        await s.client.start_workflow(ArsplanWorkflow.run,
                                      ArsplanInput(namnd_code="VON", label="2022/2023"),
                                      id=arsplan_id, task_queue=s.task_queue)
        await s.advance_to(datetime(2022, 8, 12, 9, 0, tzinfo=STOCKHOLM))
        cycle = s.client.get_workflow_handle(cycle_workflow_id(DELAR_VON))
        child = await cycle.describe()
        await s.deliver(cycle)  # the follower sees the cycle's Opened
        after = await cycle.describe()

    assert child.parent_id == arsplan_id
    assert (after.run_id, after.status) == (child.run_id, WorkflowExecutionStatus.RUNNING)

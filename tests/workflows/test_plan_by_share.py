"""The cycle loads an outline and each avdelning workflow its own enheter, so no payload
holds every enhet's plan (``cycle-plan-by-avdelning-share``); cycles begun before load
the whole plan and still replay."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.worker import Worker

from activities.cycles import CycleActivities
from bootstrap import WORKFLOWS, Engine, build_activity_deps
from simulation.harness import start_env
from tests.support.engine import TestEngine
from tests.workflows import delarsbokslut as d
from tests.workflows.harness import harness_settings
from tests.workflows.test_shared_clock import DAY, OpenReports
from workflows import activity_names as act
from workflows.cycle import CycleWorkflow
from workflows.ids import avdelning_workflow_id
from workflows.levels import avdelning_groups
from workflows.payloads import AvdelningShareRequest, CycleInput, CyclePlan

HISTORIES = Path(__file__).parent / "histories"


async def test_the_outline_and_the_shares_are_the_whole_plan_split_by_avdelning(
        tmp_path: Path, app: TestEngine) -> None:
    d.setup_store(app)
    activities = CycleActivities(build_activity_deps(
        Engine(app.store, app.bus, harness_settings(tmp_path))))
    whole = await activities.load_cycle(str(d.CYCLE))
    outline = await activities.load_cycle_outline(str(d.CYCLE))

    groups = avdelning_groups(whole.units)
    assert outline.shares is not None and groups
    assert [(s.avdelning_id, s.avdelning) for s in outline.shares] == [
        (g.avdelning_id, g.avdelning) for g in groups]
    shares = {s.avdelning_id: (await activities.load_avdelning_share(AvdelningShareRequest(
        cycle_id=str(d.CYCLE), avdelning_id=s.avdelning_id))).enheter for s in outline.shares}
    # No enhet of a share is in the outline; outline and shares together are the plan.
    shared = [u for enheter in shares.values() for u in enheter]
    assert not {u.unit_id for u in shared} & {u.unit_id for u in outline.units}
    assert sorted([*outline.units, *shared], key=lambda u: u.unit_id) == sorted(
        whole.units, key=lambda u: u.unit_id)
    for group in groups:
        assert shares[group.avdelning_id] == group.enheter
    assert outline.model_copy(update={"units": [], "shares": None}) == whole.model_copy(
        update={"units": []})


def activities_scheduled(name: str) -> list[str]:
    history = WorkflowHistory.from_json(name, (HISTORIES / f"{name}.json").read_text())
    return [e.activity_task_scheduled_event_attributes.activity_type.name
            for e in history.events
            if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED]


def test_recorded_histories_cover_the_outline_and_the_whole_plan() -> None:
    # Both replay (tests/workflows/test_replay.py).
    assert activities_scheduled("delarsbokslut_2022_by_avdelning_cycle")[0] == (
        act.LOAD_CYCLE_OUTLINE)
    assert activities_scheduled("delarsbokslut_2022_by_avdelning_avdelning_aldreboende")[0] == (
        act.LOAD_AVDELNING_SHARE)
    assert activities_scheduled("delarsbokslut_2022_by_avdelning_whole_plan_cycle")[0] == (
        act.LOAD_CYCLE)
    assert act.LOAD_AVDELNING_SHARE not in activities_scheduled(
        "delarsbokslut_2022_by_avdelning_own_timers_avdelning_aldreboende")


class OutOfScopeAvdelning(OpenReports):
    """Enheter whose avdelning the cycle does not cover; their reports stay open."""

    @activity.defn(name=act.LOAD_CYCLE)
    async def load_cycle(self, cycle_id: str) -> CyclePlan:
        plan = await super().load_cycle(cycle_id)
        return plan.model_copy(update={
            "units": [u for u in plan.units if u.kind == "enhet"],
            "underlag_at": self.deadline - 2 * DAY})

    def all(self) -> list[Any]:
        return [self.load_cycle, *super().all()[1:]]


async def test_the_cycle_waits_for_every_share_to_be_done_before_the_underlag() -> None:
    async with await start_env() as env:
        stand_ins = OutOfScopeAvdelning((await env.get_current_time()) + 5 * DAY)
        queue, cycle_id = f"tq-{uuid.uuid4()}", uuid.uuid4().hex[:8]
        async with Worker(env.client, task_queue=queue, workflows=WORKFLOWS,
                          activities=stand_ins.all()):
            cycle = await env.client.start_workflow(
                CycleWorkflow.run, CycleInput(cycle_id=cycle_id), id=f"cycle-{cycle_id}",
                task_queue=queue)
            await env.sleep(4 * DAY)  # past the underlag instant
            status = await cycle.query(CycleWorkflow.status)
            await cycle.terminate()

    # The outline holds none of the units: only the share's relay can say they are done.
    assert status.avdelningar == [avdelning_workflow_id(cycle_id, "avd-a")]
    assert status.phase == "waiting_for_forvaltning" and not status.underlag_sent

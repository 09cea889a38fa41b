"""An avdelning's reports share one timer per instant; a report whose own deadline moved
keeps timers of its own (workflows/shared_clock.py).

Stand-in activities of the real names: every enhet's report has the level's deadline and
stays open, so its reminders, the deadline and the overdue reminder all fire.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle, WorkflowHistory
from temporalio.worker import Worker

from bootstrap import WORKFLOWS
from simulation.harness import start_env
from workflows import activity_names as act
from workflows.cycle import CycleWorkflow
from workflows.ids import avdelning_workflow_id, unit_report_workflow_id
from workflows.levels import outline_of, share_of
from workflows.payloads import (
    AvdelningShare,
    AvdelningShareRequest,
    CycleInput,
    CyclePlan,
    DeadlineChange,
    ReminderPlan,
    ReminderPlanRequest,
    ReportFact,
    ReportSnapshot,
    UnitRef,
)
from workflows.unit_report import UnitReportWorkflow

DAY = timedelta(days=1)
ENHETER = ["enh-1", "enh-2", "enh-3"]
MOVED = "enh-3"


def report_of(unit_id: str, cycle_id: str) -> str:
    return f"r-{cycle_id}-{unit_id}"


class OpenReports:
    """Reports that stay open; each reminder and passed deadline is recorded."""

    def __init__(self, deadline: datetime) -> None:
        self.deadline = deadline
        self.fired: list[tuple[str, str, datetime]] = []  # (report, what, at)

    def all(self) -> list[Any]:
        return [self.load_cycle, self.load_cycle_outline, self.load_avdelning_share,
                self.load_report, self.plan_reminders, self.send_reminder,
                self.deadline_passed]

    @activity.defn(name=act.LOAD_CYCLE)
    async def load_cycle(self, cycle_id: str) -> CyclePlan:
        units = [UnitRef(unit_id="avd-a", kind="avdelning", parent_unit_id=None,
                         report_id=report_of("avd-a", cycle_id), status="ej_paborjad",
                         done=False)]
        units += [UnitRef(unit_id=u, kind="enhet", parent_unit_id="avd-a",
                          report_id=report_of(u, cycle_id), status="ej_paborjad", done=False)
                  for u in ENHETER]
        return CyclePlan(cycle_id=cycle_id, namnd_code="VON", title="Klocka", status="open",
                         underlag_at=self.deadline + 30 * DAY,
                         beslut_date=(self.deadline + 40 * DAY).date(), units=units)

    @activity.defn(name=act.LOAD_CYCLE_OUTLINE)
    async def load_cycle_outline(self, cycle_id: str) -> CyclePlan:
        return outline_of(await self.load_cycle(cycle_id))

    @activity.defn(name=act.LOAD_AVDELNING_SHARE)
    async def load_avdelning_share(self, request: AvdelningShareRequest) -> AvdelningShare:
        return share_of(await self.load_cycle(request.cycle_id), request.avdelning_id)

    @activity.defn(name=act.LOAD_REPORT)
    async def load_report(self, report_id: str) -> ReportSnapshot:
        return ReportSnapshot(report_id=report_id, unit_id=report_id.split("-", 2)[2],
                              unit_kind="enhet", status="pagar", version=1,
                              deadline=self.deadline, attest_deadline=None, has_attester=True,
                              open_task="klarmarkera", done=False)

    @activity.defn(name=act.PLAN_REMINDERS)
    async def plan_reminders(self, request: ReminderPlanRequest) -> ReminderPlan:
        return ReminderPlan(before=[request.deadline - 3 * DAY, request.deadline - DAY],
                            overdue=[request.deadline + DAY])

    @activity.defn(name=act.SEND_REMINDER)
    async def send_reminder(self, fact: ReportFact) -> None:
        self.fired.append((fact.report_id, "overdue" if fact.overdue else "reminder",
                           fact.occurred_at))

    @activity.defn(name=act.DEADLINE_PASSED)
    async def deadline_passed(self, fact: ReportFact) -> None:
        self.fired.append((fact.report_id, "deadline", fact.occurred_at))


async def timers_started(client: Client, workflow_id: str) -> int:
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    return sum(e.event_type == EventType.EVENT_TYPE_TIMER_STARTED for e in history.events)


async def test_an_instant_shared_by_the_level_is_one_timer_and_one_reminder_per_report(
        ) -> None:
    async with await start_env() as env:
        start = await env.get_current_time()
        deadline = start + 5 * DAY
        stand_ins = OpenReports(deadline)
        queue, cycle_id = f"tq-{uuid.uuid4()}", uuid.uuid4().hex[:8]
        async with Worker(env.client, task_queue=queue, workflows=WORKFLOWS,
                          activities=stand_ins.all()):
            cycle: WorkflowHandle[Any, Any] = await env.client.start_workflow(
                CycleWorkflow.run, CycleInput(cycle_id=cycle_id), id=f"cycle-{cycle_id}",
                task_queue=queue)
            await env.sleep(timedelta(hours=1))
            moved = env.client.get_workflow_handle_for(
                UnitReportWorkflow.run, unit_report_workflow_id(report_of(MOVED, cycle_id)))
            # The controller gives this one enhet two more days.
            await moved.execute_update(UnitReportWorkflow.move_deadline, DeadlineChange(
                event_id="move-1", version=2, deadline_kind="klarmarkering",
                new_deadline=deadline + 2 * DAY))
            await env.sleep(9 * DAY)
            avdelning_timers = await timers_started(
                env.client, avdelning_workflow_id(cycle_id, "avd-a"))
            report_timers = {u: await timers_started(
                env.client, unit_report_workflow_id(report_of(u, cycle_id))) for u in ENHETER}
            await cycle.terminate()

    # Four instants (two reminders, the deadline, the overdue reminder) shared by the
    # level: one timer each in the avdelning, none in the reports that keep the deadline.
    assert avdelning_timers == 4
    assert report_timers == {"enh-1": 0, "enh-2": 0, MOVED: 4}
    moved_deadline = deadline + 2 * DAY
    expected = {
        "enh-1": [("reminder", deadline - 3 * DAY), ("reminder", deadline - DAY),
                  ("deadline", deadline), ("overdue", deadline + DAY)],
        MOVED: [("reminder", moved_deadline - 3 * DAY), ("reminder", moved_deadline - DAY),
                ("deadline", moved_deadline), ("overdue", moved_deadline + DAY)]}
    expected["enh-2"] = expected["enh-1"]
    for unit_id in ENHETER:
        fired = sorted((at, what) for report, what, at in stand_ins.fired
                       if report == report_of(unit_id, cycle_id))
        # Once each, at its instant (the tick comes within the same skipped moment).
        assert [what for _, what in fired] == [what for what, _ in expected[unit_id]], unit_id
        for (at, _), (_, due) in zip(fired, expected[unit_id], strict=True):
            assert due <= at < due + timedelta(minutes=1), (unit_id, at, due)


def test_recorded_histories_cover_both_shapes() -> None:
    """The current avdelning history ticks its reports; the one recorded before the shared
    clock (kept under ``own_timers``) has reports with timers of their own. Both replay
    (tests/workflows/test_replay.py)."""
    histories = Path(__file__).parent / "histories"

    def counts(name: str) -> Counter[str]:
        history = WorkflowHistory.from_json(name, (histories / f"{name}.json").read_text())
        return Counter(EventType.Name(e.event_type) for e in history.events)

    shared = counts("delarsbokslut_2022_by_avdelning_unit_report_late_enhet")
    own = counts("delarsbokslut_2022_by_avdelning_own_timers_unit_report_late_enhet")
    assert shared["EVENT_TYPE_TIMER_STARTED"] == 0 < own["EVENT_TYPE_TIMER_STARTED"]
    assert counts("delarsbokslut_2022_by_avdelning_avdelning_aldreboende")[
        "EVENT_TYPE_TIMER_STARTED"] > 0
    assert counts("delarsbokslut_2022_by_avdelning_own_timers_avdelning_aldreboende")[
        "EVENT_TYPE_TIMER_STARTED"] == 0

"""An activity whose worker died is retried after the heartbeat timeout: every activity
heartbeats, and every workflow schedules its activities with a short heartbeat timeout.

Temporal notices a SIGKILLed worker by its missing heartbeats (else only when the
activity's start-to-close timeout runs out). The time-skipping server does not skip time
while an activity runs, so this checks the timeouts every scheduled activity carries; the
end-to-end kill is tests/reliability/test_activity_heartbeat.py (and, for the cycle,
tests/reliability/test_process_kill.py).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import cast

from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.worker import Worker

from activities.deps import ActivityDeps
from activities.heartbeat import is_heartbeating
from bootstrap import build_activities
from simulation.harness import start_env
from workflows import activity_names as act
from workflows.activity_options import HEARTBEAT_TIMEOUT
from workflows.payloads import (
    ReminderPlan,
    ReminderPlanRequest,
    ReportSnapshot,
    UnitReportInput,
)
from workflows.unit_report import UnitReportWorkflow


@activity.defn(name=act.LOAD_REPORT)
async def load_report(report_id: str) -> ReportSnapshot:
    return ReportSnapshot(
        report_id=report_id, unit_id="enh-1", unit_kind="enhet", status="pagar", version=1,
        deadline=activity.info().scheduled_time + timedelta(days=10),
        attest_deadline=None, has_attester=True)


@activity.defn(name=act.PLAN_REMINDERS)
async def plan_reminders(request: ReminderPlanRequest) -> ReminderPlan:
    return ReminderPlan(before=[], overdue=[])


async def test_report_activities_are_retried_within_half_a_minute_of_a_lost_worker() -> None:
    async with await start_env() as env:
        queue = f"tq-{uuid.uuid4()}"
        async with Worker(env.client, task_queue=queue, workflows=[UnitReportWorkflow],
                          activities=[load_report, plan_reminders]):
            handle = await env.client.start_workflow(
                UnitReportWorkflow.run, UnitReportInput(report_id="r-1"),
                id=f"unit-report-{uuid.uuid4()}", task_queue=queue)
            await env.sleep(timedelta(hours=1))
            status = await handle.query(UnitReportWorkflow.status)
            history = await handle.fetch_history()

    scheduled = [e.activity_task_scheduled_event_attributes for e in history.events
                 if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED]
    assert status.phase == "klarmarkering"
    assert [a.activity_type.name for a in scheduled] == [act.LOAD_REPORT, act.PLAN_REMINDERS]
    for attributes in scheduled:
        assert attributes.start_to_close_timeout.ToTimedelta() <= timedelta(seconds=30)
        assert attributes.heartbeat_timeout.ToTimedelta() == HEARTBEAT_TIMEOUT
        assert attributes.retry_policy.maximum_attempts == 0  # retried until it succeeds


def test_every_activity_of_the_worker_heartbeats() -> None:
    activities = build_activities(cast(ActivityDeps, None))
    assert len(activities) == len([k for k in vars(act) if k.isupper()])
    assert [a.__name__ for a in activities if not is_heartbeating(a)] == []

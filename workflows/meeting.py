"""MeetingWorkflow: one sammanträde from the anmälan cut-off to expediering."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.activity_names import (
        ANSLA_PROTOKOLL,
        COMPILE_ANMALNINGSLISTA,
        EXPEDIERA_PROTOKOLL,
        LOAD_MEETING,
        REMIND_JUSTERING,
    )
    from workflows.activity_options import PATIENT_RETRY, ActivityRunner
    from workflows.delegation_payloads import (
        AnslagResult,
        EventNotice,
        JusteringState,
        MeetingInput,
        MeetingOutcome,
        MeetingPlan,
        MeetingStep,
        WorkflowStatus,
    )
    from workflows.ids import overklagande_workflow_id
    from workflows.overklagande import OverklagandeWorkflow

ACTIVITY_TIMEOUT = timedelta(minutes=1)
JUSTERAT_STATUSES = ("justerat", "anslaget", "expedierat")


@workflow.defn
class MeetingWorkflow:
    """Drives a sammanträde's fixed steps; people hold the meeting and justera.

    Sleeps until the cut-off, then has the anmälningslista compiled (every pending
    anmälningspliktigt delegationsbeslut, exactly once). After the meeting it reminds the
    ordförande and justerare until the protokoll is justerat (the follower signals
    ``justerat``; each reminder also re-reads the store), then anslår the protokoll,
    starts one OverklagandeWorkflow per anslaget delegationsbeslut, and expedierar.
    """

    def __init__(self) -> None:
        self._justerat = False
        self._activities = ActivityRunner(ACTIVITY_TIMEOUT, PATIENT_RETRY)
        self._phase = "vantar_pa_brytdag"
        self._reminders = 0

    @workflow.signal
    def justerat(self, notice: EventNotice) -> None:
        self._justerat = True

    @workflow.query
    def status(self) -> WorkflowStatus:
        return WorkflowStatus(busy=self._activities.busy, phase=self._phase)

    async def _step(self, name: str, arg: Any, result_type: type[Any]) -> Any:
        return await self._activities.run(name, arg, result_type)

    async def _sleep_until(self, instant: datetime) -> None:
        delta = instant - workflow.now()
        if delta > timedelta(0):
            await workflow.sleep(delta)

    @workflow.run
    async def run(self, inp: MeetingInput) -> MeetingOutcome:
        plan: MeetingPlan = await self._step(LOAD_MEETING, inp.meeting_id, MeetingPlan)
        await self._sleep_until(plan.cutoff_at)
        self._phase = "anmalningslista"
        anmalda: int = await self._step(
            COMPILE_ANMALNINGSLISTA, MeetingStep(meeting_id=inp.meeting_id, at=workflow.now()),
            int)
        self._phase = "vantar_pa_justering"
        await self._await_justering(plan)
        self._phase = "anslag"
        result: AnslagResult = await self._step(
            ANSLA_PROTOKOLL, MeetingStep(meeting_id=inp.meeting_id, at=workflow.now()),
            AnslagResult)
        timers = [
            await workflow.start_child_workflow(
                OverklagandeWorkflow.run, item, id=overklagande_workflow_id(item.beslut_id))
            for item in result.anslagna]
        await self._step(EXPEDIERA_PROTOKOLL,
                         MeetingStep(meeting_id=inp.meeting_id, at=workflow.now()), list)
        self._phase = "overklagandetid"
        # Stay open while the timers run: the time-skipping test server stops skipping
        # when a child completes after its parent has closed.
        await asyncio.gather(*timers)
        self._phase = "expedierat"
        return MeetingOutcome(anmalda=anmalda, overklagandetider=len(result.anslagna),
                              reminders=self._reminders)

    async def _await_justering(self, plan: MeetingPlan) -> None:
        """Durable timer or signal: each timeout re-reads the protokoll and reminds."""
        await self._sleep_until(plan.first_reminder_at)
        interval = timedelta(hours=plan.reminder_interval_hours)
        while not self._justerat:
            state: JusteringState = await self._step(
                REMIND_JUSTERING, MeetingStep(meeting_id=plan.meeting_id, at=workflow.now()),
                JusteringState)
            if state.status in JUSTERAT_STATUSES:
                return
            self._reminders += 1 if state.reminded else 0
            try:
                await workflow.wait_condition(lambda: self._justerat, timeout=interval)
            except TimeoutError:
                continue

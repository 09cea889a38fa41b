"""OverklagandeWorkflow: the three-week överklagandetid of one anslaget beslut."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.activity_names import RECORD_LAGA_KRAFT
    from workflows.activity_options import PATIENT_RETRY, ActivityRunner
    from workflows.delegation_payloads import (
        EventNotice,
        LagaKraftRequest,
        LagaKraftResult,
        OverklagandeInput,
        WorkflowStatus,
    )

ACTIVITY_TIMEOUT = timedelta(minutes=1)


@workflow.defn
class OverklagandeWorkflow:
    """Waits on a durable timer until the överklagandetid has run out, or for an överklagande.

    Started by the MeetingWorkflow when the protokoll that anmäler the beslut is anslaget.
    The follower signals ``overklagat`` when a Delegationsbeslut.Overklagat event is
    recorded; otherwise, at midnight after the last day, the beslut vinner laga kraft
    (the activity re-checks the store, so a late signal cannot make a wrong fact).
    """

    def __init__(self) -> None:
        self._overklagat = False
        self._activities = ActivityRunner(ACTIVITY_TIMEOUT, PATIENT_RETRY)
        self._phase = "overklagandetid"

    @workflow.signal
    def overklagat(self, notice: EventNotice) -> None:
        self._overklagat = True

    @workflow.query
    def status(self) -> WorkflowStatus:
        return WorkflowStatus(busy=self._activities.busy, phase=self._phase)

    @workflow.run
    async def run(self, inp: OverklagandeInput) -> str:
        remaining = inp.laga_kraft_at - workflow.now()
        try:
            await workflow.wait_condition(lambda: self._overklagat,
                                          timeout=max(remaining, timedelta(seconds=1)))
            self._phase = "overklagat"
            return self._phase
        except TimeoutError:
            pass
        result: LagaKraftResult = await self._activities.run(
            RECORD_LAGA_KRAFT, LagaKraftRequest(beslut_id=inp.beslut_id, at=workflow.now()),
            LagaKraftResult)
        self._phase = result.status
        return result.status

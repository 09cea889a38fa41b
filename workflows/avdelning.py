"""AvdelningWorkflow: one avdelning's reports in a cycle, so the cycle fans out by level."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.workflow import ChildWorkflowHandle

with workflow.unsafe.imports_passed_through():
    from workflows import activity_names as act
    from workflows import legacy
    from workflows.activity_options import ActivityRunner
    from workflows.children import CONCURRENT_STARTS, start_all, start_unit_report
    from workflows.ids import unit_report_workflow_id
    from workflows.payloads import (
        AvdelningInput,
        AvdelningProgress,
        AvdelningShare,
        AvdelningShareRequest,
        AvdelningState,
        AvdelningStatus,
        ClockRequest,
        ReportProgress,
        UnitRef,
    )
    from workflows.shared_clock import SHARED_CLOCK, LevelClock
    from workflows.unit_report import UnitReportWorkflow

ACTIVITY_TIMEOUT = timedelta(minutes=1)


@workflow.defn
class AvdelningWorkflow:
    """Starts an avdelning's enhet reports, then its own report once they are godkända.

    Its children signal ``report_progress`` here; changes are relayed to the cycle in
    batches (``AvdelningProgress``, numbered so the cycle drops a repeat). The cycle
    signals ``close`` after the underlag; this closes its reports and ends. With
    this level between them, no workflow has more children than an avdelning has
    enheter plus one, whatever the size of the förvaltning.

    Shared clock (``SHARED_CLOCK``): the reports it starts wait for its ``tick`` at their
    reminder and deadline moments, and it keeps one timer per distinct instant
    (workflows/shared_clock.py) instead of a timer per report and instant.

    Started with ``load_share`` (the cycle loaded only its outline), it loads its enheter
    itself and relays ``complete`` (every report done) for the cycle's last wait.
    """

    @workflow.init
    def __init__(self, inp: AvdelningInput) -> None:
        units = [*inp.enheter, *([inp.avdelning] if inp.avdelning else [])]
        self._inp = inp
        # The cycle knows the plan's statuses already: only changes are relayed.
        self._state = inp.state or AvdelningState(
            unit_status={u.unit_id: u.status for u in units},
            relayed_status={u.unit_id: u.status for u in units},
            unit_done={u.unit_id: u.done for u in units if u.done is not None})
        self._kinds = {u.unit_id: u.kind for u in units}
        self._report_ids = {u.unit_id: u.report_id for u in units}
        self._activities = ActivityRunner(ACTIVITY_TIMEOUT)
        # Reports started by this run (not by one before a continue-as-new).
        self._children: dict[str, ChildWorkflowHandle[Any, Any]] = {}
        self._phase = "starting"
        self._busy = 0
        self._clock = LevelClock(self._state.wakes)
        self._shared_clock = False

    @workflow.run
    async def run(self, inp: AvdelningInput) -> AvdelningStatus:
        state = self._state
        self._phase = "reporting"
        self._shared_clock = workflow.patched(SHARED_CLOCK)
        if inp.load_share and not inp.share_loaded:
            await self._load_share()
        inp = self._inp
        clock = (asyncio.create_task(self._clock.run(lambda: state.closing))
                 if self._shared_clock else None)
        if workflow.patched(CONCURRENT_STARTS):
            await self._start_reports(inp.enheter)
        else:
            for unit in inp.enheter:
                await self._start_report(unit)
        while True:
            if self._avdelning_ready():
                assert inp.avdelning is not None
                await self._start_report(inp.avdelning)
            if self._unrelayed():
                await self._relay()
                continue
            if state.closing:
                break
            await self._wait_for_news()
        self._phase = "closing"
        for unit_id in state.started:
            await workflow.get_external_workflow_handle(
                unit_report_workflow_id(self._report_ids[unit_id])).signal(UnitReportWorkflow.close)
        # Ending before the reports it started have ended leaves their completion with no
        # open parent to record it in (the time-skipping server then stops skipping time).
        await asyncio.gather(*self._children.values())
        if clock is not None:
            await clock
        self._phase = "closed"
        return self.status()

    async def _load_share(self) -> None:
        """Loads this avdelning's enheter; the cycle has not seen their statuses, so the
        first relay carries them all."""
        share: AvdelningShare = await self._activities.run(
            act.LOAD_AVDELNING_SHARE, AvdelningShareRequest(
                cycle_id=self._inp.cycle_id, avdelning_id=self._inp.avdelning_id),
            AvdelningShare)
        self._inp = self._inp.model_copy(update={"enheter": share.enheter,
                                                 "share_loaded": True})
        for unit in share.enheter:
            self._state.unit_status[unit.unit_id] = unit.status
            if unit.done is not None:
                self._state.unit_done[unit.unit_id] = unit.done
            self._kinds[unit.unit_id] = unit.kind
            self._report_ids[unit.unit_id] = unit.report_id

    def _complete(self) -> bool | None:
        """Every report done (a loaded share only: the cycle without the enheter in its
        plan waits for this); None otherwise."""
        if not self._inp.load_share:
            return None
        return all(self._done(u) for u in self._state.unit_status)

    def _avdelning_ready(self) -> bool:
        own = self._inp.avdelning
        return (own is not None and own.unit_id not in self._state.started
                and all(self._done(u.unit_id) for u in self._inp.enheter))

    def _done(self, unit_id: str) -> bool:
        done = self._state.unit_done.get(unit_id)
        if done is None:  # progress recorded before the domain's answer was passed along
            return legacy.is_done(self._kinds[unit_id], self._state.unit_status.get(unit_id))
        return done

    def _unrelayed(self) -> bool:
        state = self._state
        return (state.relayed_started < len(state.started)
                or state.relayed_status != state.unit_status
                or state.relayed_complete != self._complete())

    async def _wait_for_news(self) -> None:
        """Waits for a status change or close; continues as new first if the history grew."""
        if workflow.info().is_continue_as_new_suggested():
            await workflow.wait_condition(
                lambda: workflow.all_handlers_finished() and not self._clock.busy)
            workflow.continue_as_new(self._inp.model_copy(update={"state": self._state}))
        state = self._state
        await workflow.wait_condition(
            lambda: state.closing or self._unrelayed() or self._avdelning_ready())

    async def _relay(self) -> None:
        state = self._state
        changed = {u: s for u, s in state.unit_status.items() if state.relayed_status.get(u) != s}
        started = state.started[state.relayed_started:]
        state.sequence += 1
        progress = AvdelningProgress(
            avdelning_id=self._inp.avdelning_id, sequence=state.sequence, unit_status=changed,
            started=started,
            unit_done={u: state.unit_done[u] for u in changed if u in state.unit_done},
            complete=self._complete())
        state.relayed_complete = progress.complete
        # Marked relayed before the await: changes arriving meanwhile go in the next batch.
        state.relayed_status = {**state.relayed_status, **changed}
        state.relayed_started += len(started)
        parent = workflow.info().parent
        assert parent is not None, "an avdelning workflow runs as a cycle's child"
        self._busy += 1
        try:
            await workflow.get_external_workflow_handle(parent.workflow_id).signal(
                "avdelning_progress", progress)
        finally:
            self._busy -= 1

    async def _start_reports(self, units: list[UnitRef]) -> None:
        todo = [u for u in units if u.unit_id not in self._state.started]
        self._busy += 1
        try:
            handles = await start_all([start_unit_report(u, self._shared_clock) for u in todo])
        finally:
            self._busy -= 1
        for unit, handle in zip(todo, handles, strict=True):
            self._record_start(unit, handle)

    async def _start_report(self, unit: UnitRef) -> None:
        if unit.unit_id in self._state.started:
            return
        self._busy += 1
        try:
            handle = await start_unit_report(unit, self._shared_clock)
        finally:
            self._busy -= 1
        self._record_start(unit, handle)

    def _record_start(self, unit: UnitRef, handle: ChildWorkflowHandle[Any, Any] | None) -> None:
        # No handle: started before (an earlier run, by hand or by the follower).
        if handle is not None:
            self._children[unit.unit_id] = handle
        self._state.started.append(unit.unit_id)

    @workflow.signal
    def report_progress(self, progress: ReportProgress) -> None:
        self._state.unit_status[progress.unit_id] = progress.status
        if progress.done is None:
            self._state.unit_done.pop(progress.unit_id, None)
        else:
            self._state.unit_done[progress.unit_id] = progress.done

    @workflow.signal
    def await_instants(self, request: ClockRequest) -> None:
        self._clock.ask(request)

    @workflow.signal
    def close(self) -> None:
        self._state.closing = True

    @workflow.query
    def status(self) -> AvdelningStatus:
        return AvdelningStatus(
            avdelning_id=self._inp.avdelning_id, phase=self._phase,
            unit_status=dict(self._state.unit_status), started=list(self._state.started),
            busy=(self._busy > 0 or self._unrelayed() or self._clock.busy
                  or self._activities.busy))

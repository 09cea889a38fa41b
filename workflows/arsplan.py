"""ÅrsplanWorkflow: one per nämnd and planning year; starts each cycle on its date."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows import activity_names as act
    from workflows.activity_options import PATIENT_RETRY, ActivityRunner
    from workflows.children import start_detached
    from workflows.cycle import CycleWorkflow
    from workflows.ids import cycle_workflow_id
    from workflows.payloads import (
        ArsplanInput,
        ArsplanStatus,
        CycleInput,
        CycleOpening,
        OpenCycleRequest,
        PlanChange,
    )

ACTIVITY_TIMEOUT = timedelta(minutes=2)
# Histories begun before the plan_changed signal (histories/arsplan_2022_run_before_plan_
# changed_signal.json) replay their plain timer.
PLAN_CHANGED_PATCH = "arsplan-plan-changed-signal"
# Histories begun before closed cycles were skipped (the same recorded run) replay without it.
SKIP_CLOSED_PATCH = "arsplan-skips-closed-cycles"
# Memo key: plan changes already honoured, carried over continue-as-new so a redelivered
# signal does not wake the next run (the last few are enough: moves are rare).
PLAN_CHANGES_MEMO = "plan_changes_seen"
PLAN_CHANGES_KEPT = 50


@workflow.defn
class ArsplanWorkflow:
    """Sleeps until the next cycle's opening date, opens it, starts its CycleWorkflow.

    Each run handles one cycle and then continues as new, so a year-long history
    stays a handful of events per run. The plan is read from the store (the Arsplan
    aggregate, with its moved milestones) on every run; the
    follower signals ``plan_changed`` when a milestone is moved, and a run woken by
    it continues as new at once, so the move is honoured while its cycle waits.
    """

    def __init__(self) -> None:
        self._inp: ArsplanInput | None = None
        self._next: CycleOpening | None = None
        self._plan_changed = False
        self._activities = ActivityRunner(ACTIVITY_TIMEOUT, PATIENT_RETRY)
        # Read here, not in run: a signal may be handled before run starts.
        self._plan_changes_seen: list[str] = list(
            workflow.memo_value(PLAN_CHANGES_MEMO, [], type_hint=list[str]))

    @workflow.run
    async def run(self, inp: ArsplanInput) -> ArsplanStatus:
        self._inp = inp
        openings: list[CycleOpening] = await self._activities.run(
            act.ARSPLAN_OPENINGS, inp, list[CycleOpening])
        pending = [o for o in openings if o.cycle_id not in inp.started]
        if workflow.patched(SKIP_CLOSED_PATCH):
            # A plan driven after a cycle's beslut day (adopted late, or started on an old
            # plan) cannot meet that cycle's dates: open it by hand if it must be recorded.
            closed = [o for o in pending if o.closed_before(workflow.now())]
            for o in closed:
                workflow.logger.info("cycle_closed_before_its_plan_ran",
                                     extra={"cycle_id": o.cycle_id})
            pending = [o for o in pending if o not in closed]
        if not pending:
            return self.status()
        self._next = pending[0]
        wait = self._next.opens_at - workflow.now()
        if workflow.patched(PLAN_CHANGED_PATCH):
            if wait > timedelta(0):
                with contextlib.suppress(TimeoutError):
                    await workflow.wait_condition(lambda: self._plan_changed, timeout=wait)
            if self._plan_changed:
                workflow.continue_as_new(inp, memo={
                    PLAN_CHANGES_MEMO: self._plan_changes_seen[-PLAN_CHANGES_KEPT:]})
        elif wait > timedelta(0):
            await workflow.sleep(wait)
        opening = self._next
        await self._activities.run(
            act.OPEN_CYCLE, OpenCycleRequest(namnd_code=inp.namnd_code, label=inp.label,
                                             process=opening.process, year=opening.year,
                                             occurred_at=workflow.now()))
        # Started by hand or by an earlier run: one cycle, one workflow.
        await start_detached(CycleWorkflow.run, CycleInput(cycle_id=opening.cycle_id),
                             cycle_workflow_id(opening.cycle_id))
        workflow.continue_as_new(ArsplanInput(namnd_code=inp.namnd_code, label=inp.label,
                                              started=[*inp.started, opening.cycle_id]))

    @workflow.signal
    def plan_changed(self, change: PlanChange) -> None:
        if change.event_id in self._plan_changes_seen:
            return
        self._plan_changes_seen.append(change.event_id)
        self._plan_changed = True

    @workflow.query
    def status(self) -> ArsplanStatus:
        inp = self._inp
        return ArsplanStatus(
            namnd_code=inp.namnd_code if inp else "", label=inp.label if inp else "",
            started=list(inp.started) if inp else [],
            waiting_for=self._next.title if self._next else None,
            opens_at=self._next.opens_at if self._next else None)

"""CycleWorkflow: one cycle (e.g. Delårsbokslut 2022 VON) from opening to diarium."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from workflows import activity_names as act
    from workflows.ids import unit_report_workflow_id
    from workflows.payloads import (
        BeslutNotice,
        CycleFact,
        CycleInput,
        CyclePlan,
        CycleState,
        CycleStatus,
        ReportProgress,
        UnitRef,
        UnitReportInput,
    )
    from workflows.unit_report import UnitReportWorkflow

ACTIVITY_TIMEOUT = timedelta(minutes=5)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))


@workflow.defn
class CycleWorkflow:
    """Opens the unit reports level by level, sends the underlag, exports the beslut.

    Enheter start at once; an avdelning once its enheter are godkända; the
    förvaltning once every avdelning is. On the underlag instant (and once the
    förvaltning has klarmarkerat) the underlag goes to KLK and the reports close;
    then the cycle waits for the nämnd's beslut (signalled by the follower) and
    exports the beslut package to the diarium. State survives continue-as-new.
    """

    @workflow.init
    def __init__(self, inp: CycleInput) -> None:
        self._cycle_id = inp.cycle_id
        self._state: CycleState | None = inp.state
        self._early_progress: dict[str, str] = {}
        self._early_beslut: BeslutNotice | None = None
        self._phase = "starting"
        self._busy = 0
        self._children_index: tuple[list[UnitRef], dict[str, list[UnitRef]]] | None = None
        self._report_ids: tuple[list[UnitRef], dict[str, str]] | None = None

    @workflow.run
    async def run(self, inp: CycleInput) -> CycleStatus:
        if self._state is None:
            plan: CyclePlan = await self._activity(act.LOAD_CYCLE, inp.cycle_id, CyclePlan)
            self._state = CycleState(plan=plan,
                                     unit_status={u.unit_id: u.status for u in plan.units})
        state = self._state
        state.unit_status.update(self._early_progress)
        state.beslut = state.beslut or self._early_beslut
        plan = state.plan

        self._phase = "reporting"
        await self._open_levels()
        self._phase = "waiting_for_underlag_date"
        remaining = plan.underlag_at - workflow.now()
        if remaining > timedelta(0):
            await workflow.sleep(remaining)
        self._phase = "waiting_for_forvaltning"
        await self._wait(lambda: all(self._done(u) for u in plan.units))
        if not state.underlag_sent:
            self._phase = "sending_underlag"
            await self._activity(act.SEND_UNDERLAG, self._fact("underlag"), None)
            state.underlag_sent = True
        if not state.children_closed:
            for unit_id in state.started:
                await workflow.get_external_workflow_handle(
                    unit_report_workflow_id(self._report_id(unit_id))
                ).signal(UnitReportWorkflow.close)
            state.children_closed = True
        self._phase = "waiting_for_beslut"
        await self._wait(lambda: state.beslut is not None)
        if not state.exported:
            self._phase = "exporting_beslut"
            await self._activity(act.EXPORT_BESLUT, self._fact("beslut-export"), None)
            state.exported = True
        self._phase = "closed"
        return self.status()

    async def _open_levels(self) -> None:
        state = self._require_state()
        while True:
            for unit in state.plan.units:
                if unit.unit_id not in state.started and self._children_done(unit):
                    await self._start_child(unit)
            if len(state.started) == len(state.plan.units):
                return
            await self._wait(lambda: any(u.unit_id not in state.started and
                                         self._children_done(u) for u in state.plan.units))

    async def _start_child(self, unit: UnitRef) -> None:
        self._busy += 1
        try:
            await workflow.start_child_workflow(
                UnitReportWorkflow.run, UnitReportInput(report_id=unit.report_id),
                id=unit_report_workflow_id(unit.report_id),
                # Children outlive a continue-as-new; the cycle closes them itself.
                parent_close_policy=ParentClosePolicy.ABANDON,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )
        except WorkflowAlreadyStartedError:
            pass
        finally:
            self._busy -= 1
        self._require_state().started.append(unit.unit_id)

    async def _wait(self, condition: Any) -> None:
        """Waits for the condition; continues as new first if the history grew large."""
        while True:
            try:
                await workflow.wait_condition(condition, timeout=timedelta(days=1))
                return
            except TimeoutError:
                pass
            if workflow.info().is_continue_as_new_suggested():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(CycleInput(cycle_id=self._cycle_id, state=self._state))

    def _done(self, unit: UnitRef) -> bool:
        status = self._require_state().unit_status.get(unit.unit_id)
        return status == "godkand" or (unit.kind == "forvaltning" and status == "klarmarkerad")

    def _children_done(self, unit: UnitRef) -> bool:
        return all(self._done(u) for u in self._children_of().get(unit.unit_id, []))

    def _report_id(self, unit_id: str) -> str:
        units = self._require_state().plan.units
        if self._report_ids is None or self._report_ids[0] is not units:
            self._report_ids = (units, {u.unit_id: u.report_id for u in units})
        return self._report_ids[1][unit_id]

    def _children_of(self) -> dict[str, list[UnitRef]]:
        """Units by parent, built once per plan: scanning every unit for every unit was
        quadratic (10^8 steps per pass for 10,000 enheter). Pure: replays alike."""
        units = self._require_state().plan.units
        if self._children_index is None or self._children_index[0] is not units:
            index: dict[str, list[UnitRef]] = {}
            for u in units:
                if u.parent_unit_id is not None:
                    index.setdefault(u.parent_unit_id, []).append(u)
            self._children_index = (units, index)
        return self._children_index[1]

    def _fact(self, what: str) -> CycleFact:
        return CycleFact(cycle_id=self._cycle_id, key=f"{workflow.info().workflow_id}:{what}",
                         occurred_at=workflow.now())

    def _require_state(self) -> CycleState:
        assert self._state is not None
        return self._state

    @workflow.signal
    def report_progress(self, progress: ReportProgress) -> None:
        if self._state is None:
            self._early_progress[progress.unit_id] = progress.status
        else:
            self._state.unit_status[progress.unit_id] = progress.status

    @workflow.signal
    def beslut_recorded(self, notice: BeslutNotice) -> None:
        if self._state is None:
            self._early_beslut = self._early_beslut or notice
        elif self._state.beslut is None:
            self._state.beslut = notice

    @workflow.query
    def status(self) -> CycleStatus:
        state = self._state
        return CycleStatus(
            cycle_id=self._cycle_id, phase=self._phase,
            unit_status=dict(state.unit_status) if state else {},
            started=list(state.started) if state else [],
            underlag_sent=bool(state and state.underlag_sent),
            beslut_event_id=state.beslut.event_id if state and state.beslut else None,
            exported=bool(state and state.exported), busy=self._busy > 0,
        )

    async def _activity(self, name: str, arg: Any, result_type: type | None) -> Any:
        self._busy += 1
        try:
            return await workflow.execute_activity(
                name, arg, result_type=result_type, start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=RETRY)
        finally:
            self._busy -= 1

"""CycleWorkflow: one cycle (e.g. Delårsbokslut 2022 VON) from opening to diarium."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows import activity_names as act
    from workflows import legacy
    from workflows.activity_options import ActivityRunner
    from workflows.avdelning import AvdelningWorkflow
    from workflows.children import (
        CONCURRENT_STARTS,
        start_all,
        start_detached,
        start_unit_report,
    )
    from workflows.ids import avdelning_workflow_id, unit_report_workflow_id
    from workflows.levels import AvdelningGroup, avdelning_groups
    from workflows.payloads import (
        AvdelningInput,
        AvdelningProgress,
        BeslutNotice,
        CycleFact,
        CycleInput,
        CyclePlan,
        CycleState,
        CycleStatus,
        ReportProgress,
        UnitRef,
    )
    from workflows.unit_report import UnitReportWorkflow

ACTIVITY_TIMEOUT = timedelta(minutes=5)
# Cycle histories begun before the fan-out by avdelning (histories/delarsbokslut_2022_cycle.json)
# start every report themselves on replay.
FAN_OUT_BY_AVDELNING = "cycle-fan-out-by-avdelning"
# Cycles begun before it load the whole plan; since, the cycle loads an outline and each
# avdelning workflow its own enheter, so no payload holds every enhet's plan.
PLAN_BY_SHARE = "cycle-plan-by-avdelning-share"


@workflow.defn
class CycleWorkflow:
    """Opens the unit reports level by level, sends the underlag, exports the beslut.

    Enheter start at once; an avdelning once its enheter are godkända; the
    förvaltning once every avdelning is. On the underlag instant (and once the
    förvaltning has klarmarkerat) the underlag goes to KLK and the reports close;
    then the cycle waits for the nämnd's beslut (signalled by the follower) and
    exports the beslut package to the diarium. State survives continue-as-new.

    Fan-out by level (``FAN_OUT_BY_AVDELNING``): each avdelning with enheter in
    scope gets an ``AvdelningWorkflow`` that starts its enheter and its own report
    and relays their progress here (``avdelning_progress``); the cycle starts the
    rest (the förvaltning, avdelningar without enheter) itself. Temporal caps a
    workflow at 2,000 pending children, so a large förvaltning needs this level.

    Plan by share (``PLAN_BY_SHARE``): the cycle loads an outline (``load_cycle_outline``:
    every unit but the enheter of those avdelningar, ``CyclePlan.shares``); each
    avdelning workflow loads its enheter and relays whether all its reports are done.
    """

    @workflow.init
    def __init__(self, inp: CycleInput) -> None:
        self._cycle_id = inp.cycle_id
        self._state: CycleState | None = inp.state
        self._early_progress: dict[str, ReportProgress] = {}
        self._early_beslut: BeslutNotice | None = None
        self._phase = "starting"
        self._busy = 0  # child starts in flight
        self._activities = ActivityRunner(ACTIVITY_TIMEOUT)
        self._children_index: tuple[list[UnitRef], dict[str, list[UnitRef]]] | None = None
        self._report_ids: tuple[list[UnitRef], dict[str, str]] | None = None
        self._groups: tuple[list[UnitRef], list[AvdelningGroup], set[str]] | None = None

    @workflow.run
    async def run(self, inp: CycleInput) -> CycleStatus:
        if self._state is None:
            by_avdelning = workflow.patched(FAN_OUT_BY_AVDELNING)
            by_share = by_avdelning and workflow.patched(PLAN_BY_SHARE)
            plan: CyclePlan = await self._activities.run(
                act.LOAD_CYCLE_OUTLINE if by_share else act.LOAD_CYCLE, inp.cycle_id, CyclePlan)
            self._state = CycleState(
                plan=plan, unit_status={u.unit_id: u.status for u in plan.units},
                unit_done={u.unit_id: u.done for u in plan.units if u.done is not None},
                by_avdelning=by_avdelning)
        state = self._state
        for progress in self._early_progress.values():
            self._note_progress(state, progress)
        state.beslut = state.beslut or self._early_beslut
        plan = state.plan
        if state.by_avdelning:
            return await self._run_by_avdelning()

        self._phase = "reporting"
        await self._open_levels(plan.units)
        self._phase = "waiting_for_underlag_date"
        remaining = plan.underlag_at - workflow.now()
        if remaining > timedelta(0):
            await workflow.sleep(remaining)
        self._phase = "waiting_for_forvaltning"
        await self._wait(lambda: all(self._done(u) for u in plan.units))
        if not state.underlag_sent:
            await self._send_underlag()
        if not state.children_closed:
            await self._close_reports(state.started)
            state.children_closed = True
        self._phase = "waiting_for_beslut"
        await self._wait(lambda: state.beslut is not None)
        return await self._export()

    async def _run_by_avdelning(self) -> CycleStatus:
        """The same steps as ``run``; waits wake on signals and continue as new when suggested."""
        state = self._require_state()
        plan = state.plan
        self._phase = "reporting"
        _, groups, delegated = self._avdelning_groups()
        todo = [g for g in groups if g.avdelning_id not in state.avdelningar]
        if workflow.patched(CONCURRENT_STARTS):
            await self._start_avdelningar(todo)
        else:
            for group in todo:
                await self._start_avdelning(group)
        own_units = [u for u in plan.units if u.unit_id not in delegated]
        await self._open_levels(own_units, self._wait_or_continue)
        self._phase = "waiting_for_underlag_date"
        await self._wait_or_continue(lambda: False, until=plan.underlag_at)
        self._phase = "waiting_for_forvaltning"
        await self._wait_or_continue(
            lambda: all(self._done(u) for u in plan.units) and self._shares_complete())
        if not state.underlag_sent:
            await self._send_underlag()
        if not state.children_closed:
            for avdelning_id in state.avdelningar:
                await workflow.get_external_workflow_handle(
                    avdelning_workflow_id(self._cycle_id, avdelning_id)
                ).signal(AvdelningWorkflow.close)
            # Only the reports the cycle started: the avdelning workflows close theirs.
            own_ids = {u.unit_id for u in own_units}
            await self._close_reports([u for u in state.started if u in own_ids])
            state.children_closed = True
        self._phase = "waiting_for_beslut"
        await self._wait_or_continue(lambda: state.beslut is not None)
        return await self._export()

    async def _send_underlag(self) -> None:
        self._phase = "sending_underlag"
        await self._activities.run(act.SEND_UNDERLAG, self._fact("underlag"))
        self._require_state().underlag_sent = True

    async def _close_reports(self, unit_ids: list[str]) -> None:
        for unit_id in unit_ids:
            await workflow.get_external_workflow_handle(
                unit_report_workflow_id(self._report_id(unit_id))
            ).signal(UnitReportWorkflow.close)

    async def _export(self) -> CycleStatus:
        state = self._require_state()
        if not state.exported:
            self._phase = "exporting_beslut"
            await self._activities.run(act.EXPORT_BESLUT, self._fact("beslut-export"))
            state.exported = True
        self._phase = "closed"
        return self.status()

    async def _open_levels(self, units: list[UnitRef],
                           wait: Callable[[Callable[[], bool]], Any] | None = None) -> None:
        """Starts each unit's report once its sub-units are done, until all are started."""
        state = self._require_state()
        wait = wait or self._wait
        while True:
            for unit in units:
                if unit.unit_id not in state.started and self._children_done(unit):
                    await self._start_child(unit)
            started = set(state.started)
            if all(u.unit_id in started for u in units):
                return
            await wait(lambda: any(u.unit_id not in state.started and
                                   self._children_done(u) for u in units))

    async def _start_avdelningar(self, groups: list[AvdelningGroup]) -> None:
        self._busy += 1
        try:
            await start_all([self._start_avdelning_workflow(g) for g in groups])
        finally:
            self._busy -= 1
        self._require_state().avdelningar.extend(g.avdelning_id for g in groups)

    async def _start_avdelning(self, group: AvdelningGroup) -> None:
        self._busy += 1
        try:
            await self._start_avdelning_workflow(group)
        finally:
            self._busy -= 1
        self._require_state().avdelningar.append(group.avdelning_id)

    async def _start_avdelning_workflow(self, group: AvdelningGroup) -> None:
        await start_detached(
            AvdelningWorkflow.run,
            AvdelningInput(cycle_id=self._cycle_id, avdelning_id=group.avdelning_id,
                           avdelning=group.avdelning, enheter=group.enheter,
                           load_share=self._require_state().plan.shares is not None),
            avdelning_workflow_id(self._cycle_id, group.avdelning_id))

    async def _start_child(self, unit: UnitRef) -> None:
        self._busy += 1
        try:
            await start_unit_report(unit)
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

    async def _wait_or_continue(self, condition: Callable[[], bool],
                                until: datetime | None = None) -> None:
        """Waits for the condition, or for ``until`` to pass if one is given; continues as
        new as soon as the server suggests it, so relayed progress never outgrows the
        history limit."""
        def suggested() -> bool:
            return workflow.info().is_continue_as_new_suggested()
        while not condition():
            if suggested():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(CycleInput(cycle_id=self._cycle_id, state=self._state))
            timeout = None if until is None else until - workflow.now()
            if timeout is not None and timeout <= timedelta(0):
                return
            try:
                await workflow.wait_condition(lambda: condition() or suggested(),
                                              timeout=timeout)
            except TimeoutError:
                return  # ``until`` has passed: its timer, not a clock comparison, decides

    def _done(self, unit: UnitRef) -> bool:
        state = self._require_state()
        done = state.unit_done.get(unit.unit_id)
        if done is None:  # progress recorded before the domain's answer was passed along
            return legacy.is_done(unit.kind, state.unit_status.get(unit.unit_id))
        return done

    def _shares_complete(self) -> bool:
        """Every avdelning that loaded its own enheter has relayed them all done."""
        state = self._require_state()
        shares = state.plan.shares or []
        return all(state.shares_complete.get(s.avdelning_id, False) for s in shares)

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

    def _avdelning_groups(self) -> tuple[list[UnitRef], list[AvdelningGroup], set[str]]:
        """The plan's avdelning groups and the units they cover, once per plan."""
        plan = self._require_state().plan
        units = plan.units
        if self._groups is None or self._groups[0] is not units:
            groups = avdelning_groups(units) if plan.shares is None else [
                AvdelningGroup(s.avdelning_id, s.avdelning, []) for s in plan.shares]
            self._groups = (units, groups, {u for g in groups for u in g.unit_ids()})
        return self._groups

    def _fact(self, what: str) -> CycleFact:
        return CycleFact(cycle_id=self._cycle_id, key=f"{workflow.info().workflow_id}:{what}",
                         occurred_at=workflow.now())

    def _require_state(self) -> CycleState:
        assert self._state is not None
        return self._state

    @staticmethod
    def _note_progress(state: CycleState, progress: ReportProgress) -> None:
        state.unit_status[progress.unit_id] = progress.status
        if progress.done is None:
            state.unit_done.pop(progress.unit_id, None)
        else:
            state.unit_done[progress.unit_id] = progress.done

    @workflow.signal
    def report_progress(self, progress: ReportProgress) -> None:
        if self._state is None:
            self._early_progress[progress.unit_id] = progress
        else:
            self._note_progress(self._state, progress)

    @workflow.signal
    def avdelning_progress(self, progress: AvdelningProgress) -> None:
        state = self._state
        # A relay seen before (same or lower sequence) is dropped; relays arrive only
        # after the plan is loaded, since the avdelning workflows start after that.
        if state is None or progress.sequence <= state.relayed.get(progress.avdelning_id, 0):
            return
        state.relayed[progress.avdelning_id] = progress.sequence
        state.unit_status.update(progress.unit_status)
        for unit_id in progress.unit_status:
            if unit_id in progress.unit_done:
                state.unit_done[unit_id] = progress.unit_done[unit_id]
            else:
                state.unit_done.pop(unit_id, None)
        state.started.extend(progress.started)
        if progress.complete is not None:
            state.shares_complete[progress.avdelning_id] = progress.complete

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
            exported=bool(state and state.exported),
            busy=self._busy > 0 or self._activities.busy,
            avdelningar=[avdelning_workflow_id(self._cycle_id, a) for a in state.avdelningar]
            if state else [],
        )

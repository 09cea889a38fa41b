"""Stand-in activities (same names as the real ones) and a bare twin of the cycle.

The cycle benchmark measures orchestration only: these activities do no domain
work; the ones at a reminder or deadline signal the unit's workflow as the
follower would (klarmarkerad, then godkänd), half after the first reminder and
half after the deadline passed. Every enhet has the level's deadline (ten days after
the plan is loaded), as a cycle's enheter have. The bare twin has the same fan-out
(cycle -> avdelning -> enhet, ``per_avdelning`` enheter each), activities and signals,
and the same shared clock: each unit tells its avdelning its three instants, the
avdelning keeps one timer per instant and signals the units at it; none of our logic.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from workflows import activity_names as act
    from workflows.ids import unit_report_workflow_id
    from workflows.levels import outline_of, share_of
    from workflows.payloads import (
        AvdelningShare,
        AvdelningShareRequest,
        BeslutNotice,
        CycleFact,
        CyclePlan,
        ReminderPlan,
        ReminderPlanRequest,
        ReportEvent,
        ReportFact,
        ReportSnapshot,
        UnitRef,
    )

DAY = timedelta(days=1)
TIMEOUT = timedelta(minutes=2)


def report_id(run: str, n: int) -> str:
    return f"{run}-{n}"


def unit_number(report: str) -> int:
    return int(report.rsplit("-", 1)[1])


class StandIns:
    """Activities bound to a client (they signal like the follower) and a unit count."""

    def __init__(self, client: Client, run: str, enheter: int,
                 per_avdelning: int = 20) -> None:
        self.client, self.run = client, run
        self.enheter, self.per_avdelning = enheter, per_avdelning
        self.deadline: datetime | None = None  # the level's, set when the plan is loaded
        self.plan: CyclePlan | None = None

    def activities(self) -> list[Callable[..., Any]]:
        return [self.load_cycle, self.load_cycle_outline, self.load_avdelning_share,
                self.load_report, self.plan_reminders, self.send_reminder,
                self.deadline_passed, self.request_attestation, self.send_underlag,
                self.export_beslut, self.bare_fire, self.bare_noop]

    @activity.defn(name=act.LOAD_CYCLE)
    async def load_cycle(self, cycle_id: str) -> CyclePlan:
        now = activity.info().scheduled_time
        self.deadline = now + 10 * DAY
        units = [UnitRef(unit_id=f"enh-{n}", kind="enhet",
                         parent_unit_id=f"avd-{n // self.per_avdelning}",
                         report_id=report_id(self.run, n), status="ej_paborjad",
                         done=False)
                 for n in range(self.enheter)]
        self.plan = CyclePlan(cycle_id=cycle_id, namnd_code="VON", title="Bench",
                              status="open", underlag_at=now + 30 * DAY,
                              beslut_date=(now + 40 * DAY).date(), units=units)
        return self.plan

    @activity.defn(name=act.LOAD_CYCLE_OUTLINE)
    async def load_cycle_outline(self, cycle_id: str) -> CyclePlan:
        return outline_of(await self.load_cycle(cycle_id))

    @activity.defn(name=act.LOAD_AVDELNING_SHARE)
    async def load_avdelning_share(self, request: AvdelningShareRequest) -> AvdelningShare:
        assert self.plan is not None, "the plan is loaded before any share"
        return share_of(self.plan, request.avdelning_id)

    @activity.defn(name=act.LOAD_REPORT)
    async def load_report(self, report: str) -> ReportSnapshot:
        return ReportSnapshot(report_id=report, unit_id=f"enh-{unit_number(report)}",
                              unit_kind="enhet", status="pagar", version=1,
                              deadline=self._deadline(),
                              attest_deadline=None, has_attester=True,
                              open_task="klarmarkera", done=False)

    def _deadline(self) -> datetime:
        assert self.deadline is not None, "the plan is loaded before any report"
        return self.deadline

    @activity.defn(name=act.PLAN_REMINDERS)
    async def plan_reminders(self, request: ReminderPlanRequest) -> ReminderPlan:
        return ReminderPlan(before=[request.deadline - 3 * DAY, request.deadline - DAY],
                            overdue=[])

    @activity.defn(name=act.SEND_REMINDER)
    async def send_reminder(self, fact: ReportFact) -> None:
        if unit_number(fact.report_id) % 2 == 0:
            await self._attestera(unit_report_workflow_id(fact.report_id))

    @activity.defn(name=act.DEADLINE_PASSED)
    async def deadline_passed(self, fact: ReportFact) -> None:
        await self._attestera(unit_report_workflow_id(fact.report_id))

    @activity.defn(name=act.REQUEST_ATTESTATION)
    async def request_attestation(self, fact: ReportFact) -> datetime:
        return fact.deadline + 7 * DAY

    @activity.defn(name=act.SEND_UNDERLAG)
    async def send_underlag(self, fact: CycleFact) -> None:
        handle = self.client.get_workflow_handle(activity.info().workflow_id or "")
        await handle.signal("beslut_recorded", BeslutNotice(event_id="beslut", version=1,
                                                            beslut="Godkänt"))

    @activity.defn(name=act.EXPORT_BESLUT)
    async def export_beslut(self, fact: CycleFact) -> None:
        return None

    @activity.defn(name="bench_bare_fire")
    async def bare_fire(self, step: int) -> None:
        """The bare unit's reminder/deadline activity: signals it like the stand-ins."""
        workflow_id = activity.info().workflow_id or ""
        if step == 2 or (step == 0 and unit_number(workflow_id) % 2 == 0):
            await self.client.get_workflow_handle(workflow_id).signal("attestera")

    @activity.defn(name="bench_bare_noop")
    async def bare_noop(self, n: int) -> None:
        return None

    async def _attestera(self, workflow_id: str) -> None:
        handle = self.client.get_workflow_handle(workflow_id)
        await handle.signal("report_event", ReportEvent(
            event_id=f"{workflow_id}-2", version=2, kind="klarmarkerad", status="klarmarkerad",
            open_task="attestera", done=False))
        await handle.signal("report_event", ReportEvent(
            event_id=f"{workflow_id}-3", version=3, kind="godkand", status="godkand",
            open_task=None, done=True))


@workflow.defn
class BareUnit:
    """Load, plan, ask the avdelning for three instants, at each tick an activity,
    progress to the parent, close."""

    def __init__(self) -> None:
        self.godkand = False
        self.closed = False
        self.ticked: datetime | None = None

    @workflow.run
    async def run(self, n: int, deadline: datetime) -> None:
        for _load_then_plan in range(2):
            await workflow.execute_activity("bench_bare_noop", n, start_to_close_timeout=TIMEOUT)
        parent = workflow.info().parent
        assert parent is not None
        avdelning = workflow.get_external_workflow_handle(parent.workflow_id)
        instants = [deadline - 3 * DAY, deadline - DAY, deadline]
        await avdelning.signal("ask", args=[workflow.info().workflow_id, instants])
        for step, at in enumerate(instants):
            await workflow.wait_condition(functools.partial(self._reached, at))
            if self.godkand:
                break
            await workflow.execute_activity("bench_bare_fire", step,
                                            start_to_close_timeout=TIMEOUT)
        await workflow.wait_condition(lambda: self.godkand)
        await avdelning.signal("progress", n)
        await workflow.wait_condition(lambda: self.closed)

    def _reached(self, at: datetime) -> bool:
        return self.godkand or (self.ticked is not None and self.ticked >= at)

    @workflow.signal
    def attestera(self) -> None:
        self.godkand = True

    @workflow.signal
    def tick(self, at: datetime) -> None:
        self.ticked = at

    @workflow.signal
    def close(self) -> None:
        self.closed = True


@workflow.defn
class BareAvdelning:
    """Starts its units, ticks the instants they ask for (one timer per instant), relays
    each one's progress to the cycle, closes them on close."""

    def __init__(self) -> None:
        self.closing = False
        self.unrelayed: list[int] = []
        self.wakes: dict[datetime, list[str]] = {}

    @workflow.run
    async def run(self, run: str, units: list[int], deadline: datetime) -> None:
        # Started in one workflow task, as ours does (``start_all``).
        children = await asyncio.gather(*(workflow.start_child_workflow(
            BareUnit.run, args=[n, deadline], id=f"bare-{run}-{n}",
            parent_close_policy=ParentClosePolicy.ABANDON) for n in units))
        clock = asyncio.create_task(self._clock())
        parent = workflow.info().parent
        assert parent is not None
        cycle = workflow.get_external_workflow_handle(parent.workflow_id)
        while True:
            await workflow.wait_condition(lambda: self.closing or bool(self.unrelayed))
            while self.unrelayed:
                await cycle.signal("progress", self.unrelayed.pop(0))
            if self.closing:
                break
        for n in units:
            await workflow.get_external_workflow_handle(f"bare-{run}-{n}").signal("close")
        await asyncio.gather(*children, clock)

    async def _clock(self) -> None:
        while True:
            await workflow.wait_condition(lambda: self.closing or bool(self.wakes))
            if self.closing:
                return
            due = min(self.wakes)
            if due > workflow.now():
                try:
                    await workflow.wait_condition(lambda: self.closing,
                                                  timeout=due - workflow.now())
                    return
                except TimeoutError:
                    pass
            await asyncio.gather(*(workflow.get_external_workflow_handle(w).signal("tick", due)
                                   for w in self.wakes.pop(due)))

    @workflow.signal
    def ask(self, workflow_id: str, instants: list[datetime]) -> None:
        for at in instants:
            self.wakes.setdefault(at, []).append(workflow_id)

    @workflow.signal
    def progress(self, n: int) -> None:
        self.unrelayed.append(n)

    @workflow.signal
    def close(self) -> None:
        self.closing = True


@workflow.defn
class BareCycle:
    """One BareAvdelning per ``per_avdelning`` units (our fan-out shape); waits for every
    unit's progress, then closes the avdelningar."""

    def __init__(self) -> None:
        self.done: set[int] = set()

    @workflow.run
    async def run(self, run: str, enheter: int, per_avdelning: int) -> int:
        avdelningar = range(0, enheter, per_avdelning)
        deadline = workflow.now() + 10 * DAY  # the level's, as the stand-ins' plan has it
        await asyncio.gather(*(workflow.start_child_workflow(
            BareAvdelning.run,
            args=[run, list(range(first, min(first + per_avdelning, enheter))), deadline],
            id=f"bare-avd-{run}-{first}", parent_close_policy=ParentClosePolicy.ABANDON)
            for first in avdelningar))
        await workflow.wait_condition(lambda: len(self.done) == enheter)
        for first in avdelningar:
            await workflow.get_external_workflow_handle(f"bare-avd-{run}-{first}").signal("close")
        return len(self.done)

    @workflow.signal
    def progress(self, n: int) -> None:
        self.done.add(n)

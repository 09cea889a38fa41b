"""Stand-in activities (same names as the real ones) and a bare twin of the cycle.

The cycle benchmark measures orchestration only: these activities do no domain
work; the ones at a reminder or deadline signal the unit's workflow as the
follower would (klarmarkerad, then godkänd), half after the first reminder and
half after the deadline passed. The bare twin has the same fan-out (cycle ->
avdelning -> enhet, ``per_avdelning`` enheter each), timers, activities and
signals with none of our logic.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from workflows import activity_names as act
    from workflows.ids import unit_report_workflow_id
    from workflows.payloads import (
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

    def activities(self) -> list[Callable[..., Any]]:
        return [self.load_cycle, self.load_report, self.plan_reminders, self.send_reminder,
                self.deadline_passed, self.request_attestation, self.send_underlag,
                self.export_beslut, self.bare_fire, self.bare_noop]

    @activity.defn(name=act.LOAD_CYCLE)
    async def load_cycle(self, cycle_id: str) -> CyclePlan:
        now = activity.info().scheduled_time
        units = [UnitRef(unit_id=f"enh-{n}", kind="enhet",
                         parent_unit_id=f"avd-{n // self.per_avdelning}",
                         report_id=report_id(self.run, n), status="ej_paborjad",
                         done=False)
                 for n in range(self.enheter)]
        return CyclePlan(cycle_id=cycle_id, namnd_code="VON", title="Bench", status="open",
                         underlag_at=now + 30 * DAY, beslut_date=(now + 40 * DAY).date(),
                         units=units)

    @activity.defn(name=act.LOAD_REPORT)
    async def load_report(self, report: str) -> ReportSnapshot:
        return ReportSnapshot(report_id=report, unit_id=f"enh-{unit_number(report)}",
                              unit_kind="enhet", status="pagar", version=1,
                              deadline=activity.info().scheduled_time + 10 * DAY,
                              attest_deadline=None, has_attester=True,
                              open_task="klarmarkera", done=False)

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
    """Load, plan, three timers each firing an activity, progress to the parent, close."""

    def __init__(self) -> None:
        self.godkand = False
        self.closed = False

    @workflow.run
    async def run(self, n: int) -> None:
        for _load_then_plan in range(2):
            await workflow.execute_activity("bench_bare_noop", n, start_to_close_timeout=TIMEOUT)
        for step in range(3):
            if self.godkand:
                break
            try:
                await workflow.wait_condition(lambda: self.godkand, timeout=7 * DAY / 3)
            except TimeoutError:
                await workflow.execute_activity("bench_bare_fire", step,
                                                start_to_close_timeout=TIMEOUT)
        await workflow.wait_condition(lambda: self.godkand)
        parent = workflow.info().parent
        assert parent is not None
        await workflow.get_external_workflow_handle(parent.workflow_id).signal("progress", n)
        await workflow.wait_condition(lambda: self.closed)

    @workflow.signal
    def attestera(self) -> None:
        self.godkand = True

    @workflow.signal
    def close(self) -> None:
        self.closed = True


@workflow.defn
class BareAvdelning:
    """Starts its units, relays each one's progress to the cycle, closes them on close."""

    def __init__(self) -> None:
        self.closing = False
        self.unrelayed: list[int] = []

    @workflow.run
    async def run(self, run: str, units: list[int]) -> None:
        # Started in one workflow task, as ours does (``start_all``).
        children = await asyncio.gather(*(workflow.start_child_workflow(
            BareUnit.run, n, id=f"bare-{run}-{n}", parent_close_policy=ParentClosePolicy.ABANDON)
            for n in units))
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
        await asyncio.gather(*children)

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
        await asyncio.gather(*(workflow.start_child_workflow(
            BareAvdelning.run, args=[run, list(range(first, min(first + per_avdelning, enheter)))],
            id=f"bare-avd-{run}-{first}", parent_close_policy=ParentClosePolicy.ABANDON)
            for first in avdelningar))
        await workflow.wait_condition(lambda: len(self.done) == enheter)
        for first in avdelningar:
            await workflow.get_external_workflow_handle(f"bare-avd-{run}-{first}").signal("close")
        return len(self.done)

    @workflow.signal
    def progress(self, n: int) -> None:
        self.done.add(n)

"""The cycle fans out by level: one AvdelningWorkflow per avdelning with enheter in scope.

Stand-in activities of the real names: every report is godkänd (the förvaltning
klarmarkerad) as soon as it loads, so the cycle runs through without people.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from bootstrap import WORKFLOWS
from simulation.harness import start_env
from workflows import activity_names as act
from workflows.avdelning import AvdelningWorkflow
from workflows.cycle import CycleWorkflow
from workflows.ids import avdelning_workflow_id
from workflows.levels import avdelning_groups, outline_of, share_of
from workflows.payloads import (
    AvdelningProgress,
    AvdelningShare,
    AvdelningShareRequest,
    BeslutNotice,
    CycleFact,
    CycleInput,
    CyclePlan,
    ReportSnapshot,
    UnitRef,
)

ENHETER_PER_AVDELNING = 4
AVDELNINGAR_WITH_ENHETER = ["avd-a", "avd-b", "avd-c"]


def plan_units() -> list[UnitRef]:
    def ref(unit_id: str, kind: str, parent: str | None) -> UnitRef:
        return UnitRef(unit_id=unit_id, kind=kind, parent_unit_id=parent,
                       report_id=f"r-{unit_id}", status="ej_paborjad")
    units = [ref("forv", "forvaltning", None), ref("avd-utan-enheter", "avdelning", "forv")]
    for avd in AVDELNINGAR_WITH_ENHETER:
        units.append(ref(avd, "avdelning", "forv"))
        units += [ref(f"enh-{avd}-{n}", "enhet", avd) for n in range(ENHETER_PER_AVDELNING)]
    return units


class FakeCycleActivities:
    """Records which reports load, in order; signals the beslut once the underlag is sent."""

    def __init__(self, client: Client, signal_beslut: bool = True) -> None:
        self.client, self.signal_beslut = client, signal_beslut
        self.loaded: list[str] = []
        self.cycle_facts: list[str] = []

    def all(self) -> list[Any]:
        return [self.load_cycle, self.load_cycle_outline, self.load_avdelning_share,
                self.load_report, self.send_underlag, self.export_beslut]

    @activity.defn(name=act.LOAD_CYCLE)
    async def load_cycle(self, cycle_id: str) -> CyclePlan:
        now = activity.info().scheduled_time
        return CyclePlan(cycle_id=cycle_id, namnd_code="VON", title="Fan-out", status="open",
                         underlag_at=now + timedelta(days=2),
                         beslut_date=(now + timedelta(days=9)).date(), units=plan_units())

    @activity.defn(name=act.LOAD_CYCLE_OUTLINE)
    async def load_cycle_outline(self, cycle_id: str) -> CyclePlan:
        return outline_of(await self.load_cycle(cycle_id))

    @activity.defn(name=act.LOAD_AVDELNING_SHARE)
    async def load_avdelning_share(self, request: AvdelningShareRequest) -> AvdelningShare:
        return share_of(await self.load_cycle(request.cycle_id), request.avdelning_id)

    @activity.defn(name=act.LOAD_REPORT)
    async def load_report(self, report_id: str) -> ReportSnapshot:
        unit = next(u for u in plan_units() if u.report_id == report_id)
        self.loaded.append(unit.unit_id)
        return ReportSnapshot(
            report_id=report_id, unit_id=unit.unit_id, unit_kind=unit.kind,
            status="klarmarkerad" if unit.kind == "forvaltning" else "godkand", version=3,
            deadline=activity.info().scheduled_time + timedelta(days=1),
            attest_deadline=None, has_attester=unit.kind != "forvaltning")

    @activity.defn(name=act.SEND_UNDERLAG)
    async def send_underlag(self, fact: CycleFact) -> None:
        self.cycle_facts.append("underlag")
        if self.signal_beslut:
            handle = self.client.get_workflow_handle(activity.info().workflow_id or "")
            await handle.signal(CycleWorkflow.beslut_recorded,
                                BeslutNotice(event_id="beslut-1", version=1, beslut="Godkänt"))

    @activity.defn(name=act.EXPORT_BESLUT)
    async def export_beslut(self, fact: CycleFact) -> None:
        self.cycle_facts.append("export")


async def started_children(handle: WorkflowHandle[Any, Any]) -> list[str]:
    history = await handle.fetch_history()
    return [e.start_child_workflow_execution_initiated_event_attributes.workflow_id
            for e in history.events
            if e.event_type == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED]


@asynccontextmanager
async def cycle_on_stand_ins(signal_beslut: bool = True) -> AsyncIterator[
        tuple[WorkflowEnvironment, FakeCycleActivities, str, WorkflowHandle[Any, Any]]]:
    """A CycleWorkflow started on a worker with the stand-in activities."""
    async with await start_env() as env:
        fakes = FakeCycleActivities(env.client, signal_beslut=signal_beslut)
        queue, cycle_id = f"tq-{uuid.uuid4()}", str(uuid.uuid4())
        async with Worker(env.client, task_queue=queue, workflows=WORKFLOWS,
                          activities=fakes.all()):
            handle = await env.client.start_workflow(
                CycleWorkflow.run, CycleInput(cycle_id=cycle_id), id=f"cycle-{cycle_id}",
                task_queue=queue)
            yield env, fakes, cycle_id, handle


class TestFanOutByAvdelning:
    async def test_a_cycle_of_several_avdelningar_runs_through_with_no_workflow_holding_all(
            self) -> None:
        async with cycle_on_stand_ins() as (env, fakes, cycle_id, handle):
            final = await handle.result()
            cycle_children = await started_children(handle)
            avdelning_children = {
                avd: await started_children(env.client.get_workflow_handle(
                    avdelning_workflow_id(cycle_id, avd)))
                for avd in AVDELNINGAR_WITH_ENHETER}

        units = plan_units()
        assert final.phase == "closed" and final.exported
        assert final.avdelningar == [avdelning_workflow_id(cycle_id, a)
                                     for a in AVDELNINGAR_WITH_ENHETER]
        assert sorted(final.started) == sorted(u.unit_id for u in units)
        assert fakes.cycle_facts == ["underlag", "export"]
        # The cycle starts the avdelning workflows, the avdelning without enheter and the
        # förvaltning; each avdelning workflow its enheter and then its own report.
        assert len(cycle_children) == len(AVDELNINGAR_WITH_ENHETER) + 2
        for avd, children in avdelning_children.items():
            assert len(children) == ENHETER_PER_AVDELNING + 1, avd
        assert max(len(c) for c in [cycle_children, *avdelning_children.values()]) < len(units)
        # Level order: an avdelning after its enheter, the förvaltning after every avdelning.
        for avd in AVDELNINGAR_WITH_ENHETER:
            enheter = [i for i, u in enumerate(fakes.loaded) if u.startswith(f"enh-{avd}-")]
            assert len(enheter) == ENHETER_PER_AVDELNING
            assert fakes.loaded.index(avd) > max(enheter)
        assert fakes.loaded[-1] == "forv"

    async def test_a_repeated_relay_from_an_avdelning_does_not_undo_newer_progress(
            self) -> None:
        async with cycle_on_stand_ins(signal_beslut=False) as (env, _fakes, cycle_id, handle):
            await env.sleep(timedelta(days=3))  # past the underlag: waiting for the beslut
            avdelning = await env.client.get_workflow_handle_for(
                AvdelningWorkflow.run, avdelning_workflow_id(cycle_id, "avd-a")).result()
            # The avdelning's first relay again, as a redelivery would bring it.
            await handle.signal(CycleWorkflow.avdelning_progress, AvdelningProgress(
                avdelning_id="avd-a", sequence=1, unit_status={"enh-avd-a-0": "pagar"},
                started=["enh-avd-a-0"]))
            status = await handle.query(CycleWorkflow.status)

        assert avdelning.phase == "closed"
        assert status.phase == "waiting_for_beslut"
        assert status.unit_status["enh-avd-a-0"] == "godkand"
        assert status.started.count("enh-avd-a-0") == 1


class TestAvdelningGroups:
    def test_enheter_directly_under_the_forvaltning_stay_with_the_cycle(self) -> None:
        units = [UnitRef(unit_id=u, kind=k, parent_unit_id=p, report_id=f"r-{u}",
                         status="ej_paborjad")
                 for u, k, p in (("forv", "forvaltning", None), ("enh-stab-1", "enhet", "forv"),
                                 ("enh-stab-2", "enhet", "forv"))]
        assert avdelning_groups(units) == []
        assert [g.avdelning_id for g in avdelning_groups(plan_units())] == (
            AVDELNINGAR_WITH_ENHETER)

    def test_enheter_whose_avdelning_is_out_of_scope_still_get_their_own_workflow(
            self) -> None:
        units = [UnitRef(unit_id=f"enh-{n}", kind="enhet", parent_unit_id=f"avd-{n // 2}",
                         report_id=f"r-{n}", status="ej_paborjad") for n in range(5)]
        groups = avdelning_groups(units)
        assert [(g.avdelning_id, g.avdelning, len(g.enheter)) for g in groups] == [
            ("avd-0", None, 2), ("avd-1", None, 2), ("avd-2", None, 1)]

"""Activities of the ÅrsplanWorkflow: which cycles open when, and opening one.

The data file defines the cycles; their dates come from the stored Arsplan when it
exists, so a milestone moved with MoveMilestone is what opens the cycle and dates it.
"""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

from temporalio import activity

from activities.deps import ActivityDeps, in_domain
from domain.arsplan import Arsplan
from domain.base import Actor
from domain.calendar import STOCKHOLM, end_of_day
from domain.ids import arsplan_id, cycle_id
from infrastructure.importer import CyclePlan, cycle_plans
from infrastructure.logging import get_logger
from workflows import activity_names as names
from workflows.payloads import ArsplanInput, CycleOpening, OpenCycleRequest

OPENING_HOUR = 7


class ArsplanActivities:
    def __init__(self, deps: ActivityDeps) -> None:
        self.deps = deps

    def _plan_file(self, namnd_code: str, label: str) -> Path:
        return (self.deps.data_dir / namnd_code.lower()
                / f"arsplan_{label.replace('/', '_')}.yaml")

    def _plans(self, namnd_code: str, label: str) -> list[CyclePlan]:
        app = self.deps.app
        plan_id = arsplan_id(namnd_code, label)
        stored = app.get(plan_id, Arsplan) if app.exists(plan_id) else None
        return cycle_plans(self._plan_file(namnd_code, label), stored)

    @activity.defn(name=names.ARSPLAN_OPENINGS)
    async def arsplan_openings(self, inp: ArsplanInput) -> list[CycleOpening]:
        plans = await in_domain(lambda: self._plans(inp.namnd_code, inp.label))
        openings = [
            CycleOpening(
                cycle_id=str(cycle_id(p.command.namnd_code, p.command.process, p.command.year)),
                process=p.command.process, year=p.command.year, title=p.command.title,
                opens_at=self.deps.timeline.to_workflow(
                    datetime.combine(p.opens_on, time(OPENING_HOUR), tzinfo=STOCKHOLM)),
                closes_at=self.deps.timeline.to_workflow(end_of_day(p.command.beslut_date)))
            for p in plans]
        return sorted(openings, key=lambda o: o.opens_at)

    @activity.defn(name=names.OPEN_CYCLE)
    async def open_cycle(self, request: OpenCycleRequest) -> str:
        """Opens the cycle and its reports in the store (idempotent by command id)."""
        app = self.deps.app
        plans = await in_domain(lambda: self._plans(request.namnd_code, request.label))
        plan = next(p for p in plans
                    if p.command.process == request.process and p.command.year == request.year)
        cid = cycle_id(request.namnd_code, request.process, request.year)
        command = plan.command.model_copy(
            update={"occurred_at": self.deps.timeline.to_domain(request.occurred_at)})

        def open_it() -> None:
            if app.exists(cid):
                return  # opened by hand or by an earlier attempt
            app.open_cycle(command, Actor.system("arsplan"),
                           app.report_template(request.namnd_code))

        await in_domain(open_it)
        get_logger(cycle_id=str(cid)).info("cycle_opened", title=plan.command.title)
        return str(cid)

"""Activities of the ÅrsplanWorkflow: which cycles open when, and opening one.

Both read the stored Arsplan (its planned cycles and milestones as they stand, moves
included); the data file it was imported from plays no part.
"""

from __future__ import annotations

from datetime import datetime, time

from temporalio import activity

from activities.deps import ActivityDeps, in_domain
from activities.heartbeat import heartbeating
from domain import system_commands as sc
from domain.arsplan import Arsplan
from domain.calendar import STOCKHOLM, end_of_day
from domain.ids import arsplan_id, cycle_id
from infrastructure.logging import get_logger
from workflows import activity_names as names
from workflows.payloads import ArsplanInput, CycleOpening, OpenCycleRequest

OPENING_HOUR = 7


class ArsplanActivities:
    def __init__(self, deps: ActivityDeps) -> None:
        self.deps = deps

    @activity.defn(name=names.ARSPLAN_OPENINGS)
    @heartbeating
    async def arsplan_openings(self, inp: ArsplanInput) -> list[CycleOpening]:
        plan = await in_domain(
            lambda: self.deps.store.get(arsplan_id(inp.namnd_code, inp.label), Arsplan))
        tl = self.deps.timeline
        openings = [
            CycleOpening(
                cycle_id=str(cycle_id(inp.namnd_code, s.process, s.year)), process=s.process,
                year=s.year, title=s.title,
                opens_at=tl.to_workflow(
                    datetime.combine(s.opens_on, time(OPENING_HOUR), tzinfo=STOCKHOLM)),
                closes_at=tl.to_workflow(end_of_day(s.beslut_date)))
            for s in plan.schedules()]
        return sorted(openings, key=lambda o: o.opens_at)

    @activity.defn(name=names.OPEN_CYCLE)
    @heartbeating
    async def open_cycle(self, request: OpenCycleRequest) -> str:
        """Opens the cycle and its reports in the store (idempotent by command id)."""
        command = sc.OpenPlannedCycle(
            command_id=sc.open_planned_cycle_key(request.namnd_code, request.process,
                                                 request.year),
            occurred_at=self.deps.timeline.to_domain(request.occurred_at),
            namnd_code=request.namnd_code, label=request.label, process=request.process,
            year=request.year)
        result = await in_domain(lambda: self.deps.bus.execute_system(command))
        get_logger(cycle_id=str(result.aggregate_id)).info(
            "cycle_opened", process=request.process, year=request.year,
            duplicate=result.duplicate)
        return str(result.aggregate_id)

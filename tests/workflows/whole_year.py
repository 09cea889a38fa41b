"""Driving Årsplan 2022/2023 of VON and SN over the whole year on the time-skipping server,
with the people of the organisations acting, and counting the facts it recorded
(tests/workflows/test_whole_year_two_namnder.py)."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from temporalio.api.testservice.v1 import UnlockTimeSkippingRequest
from temporalio.client import WorkflowHandle

from domain import delegation_commands as dc
from domain.arsplan import Arsplan, CycleSchedule
from domain.calendar import STOCKHOLM, local_date
from domain.commands import Command
from domain.cycle import Cycle
from domain.ids import arsplan_id, cycle_id, meeting_id, unit_report_id
from domain.kommun import KOMMUN_CODE, kommun_steps
from domain.kommun_commands import RecordKommunSteg
from domain.organisation import Organisation
from domain.working_days import add_working_days
from infrastructure.importer import import_arsplan, import_organisation, import_report_template
from simulation.scenario import CycleRef, Step, generate
from tests.support.engine import TestEngine
from tests.workflows.harness import VON_DATA, Scenario
from workflows.arsplan import ArsplanWorkflow
from workflows.cycle import CycleWorkflow
from workflows.ids import arsplan_workflow_id, avdelning_workflow_id, cycle_workflow_id
from workflows.payloads import ArsplanInput, ArsplanStatus, CycleStatus

LABEL = "2022/2023"
FOLDERS = {"VON": VON_DATA, "SN": VON_DATA.parent / "sn"}
KOMMUN_DATA = VON_DATA.parent / "kommun"
START = datetime(2022, 4, 25, 9, 0, tzinfo=STOCKHOLM)
END = datetime(2023, 2, 21, 12, 0, tzinfo=STOCKHOLM)  # the day after the last beslut
PLANNED = [("fordjupad_manadsuppfoljning", 2022), ("delarsbokslut", 2022), ("budget", 2023),
           ("arsbokslut", 2022)]
YEARS = (2022, 2023)  # the kommun view's years of the plan's cycles
SEED = 2022  # the generated scenarios' (simulation.scenario.DEFAULT_SEED)


def import_namnd(app: TestEngine, code: str) -> None:
    """The nämnd's organisation, every report template and its Årsplan 2022/2023."""
    folder = FOLDERS[code]
    import_organisation(app, folder / "organisation.yaml")
    for template in sorted(folder.glob("report_template*.yaml")):
        import_report_template(app, code, template)
    import_arsplan(app, folder / "arsplan_2022_2023.yaml")


def schedules(app: TestEngine) -> dict[UUID, CycleSchedule]:
    return {cycle_id(code, s.process, s.year): s for code in FOLDERS
            for s in app.get(arsplan_id(code, LABEL), Arsplan).schedules()}


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=STOCKHOLM)


async def start_arsplaner(s: Scenario) -> list[WorkflowHandle[Any, ArsplanStatus]]:
    return [await s.client.start_workflow(
        ArsplanWorkflow.run, ArsplanInput(namnd_code=code, label=LABEL),
        id=arsplan_workflow_id(code, LABEL), task_queue=s.task_queue) for code in FOLDERS]


def cycle_handle(s: Scenario, the_cycle: UUID) -> WorkflowHandle[Any, CycleStatus]:
    return s.client.get_workflow_handle_for(CycleWorkflow.run, cycle_workflow_id(the_cycle))


def cycle_steps(app: TestEngine, the_cycle: UUID, plan: CycleSchedule) -> list[Step]:
    """Who does what when in the opened cycle, as the simulation generates it, with the
    sammanträde's protokoll justerat (``with_justering``)."""
    code = app.get(the_cycle, Cycle).namnd_code
    org = app.organisation(code)
    return with_justering(org, generate(
        app, CycleRef(code, plan.process, plan.year), plan, org, SEED).steps)  # type: ignore[arg-type]


def with_justering(org: Organisation, steps: list[Step]) -> list[Step]:
    """The sekreterare names the vice ordförande justerare as the sammanträde opens and
    the nämnd also decides on the anmälningar; the ordförande and the justerare sign two
    working days later. Unjusterat, the protokoll is reminded every other day for the
    rest of the year (MeetingWorkflow)."""
    namnd = next(u.unit_id for u in org.units.values() if u.kind == "namnd")
    anmalan: dict[UUID, str] = {}
    out: list[Step] = []
    for when, who, command in steps:
        if isinstance(command, dc.ScheduleMeeting):
            anmalan[meeting_id(command.namnd_code, command.meeting_date)] = command.anmalan_dnr
        if isinstance(command, dc.OpenProtokoll):
            day = local_date(when)
            chair, justerare = (org.holders(role, namnd, day)[0].person_id
                                for role in ("ordforande", "vice_ordforande"))
            out.append((when, who, dc.DesignateJusterare(
                meeting_id=command.meeting_id, justerare=justerare, occurred_at=when)))
            signed = at(add_working_days(day, 2), 10)
            out += [(signed, person, dc.Justera(meeting_id=command.meeting_id,
                                                on=local_date(signed), occurred_at=signed))
                    for person in (chair, justerare)]
            out.append((when, who, command))
            command = dc.RecordArendeBeslut(
                meeting_id=command.meeting_id, dnr=anmalan[command.meeting_id],
                beslut="Anmälningarna läggs till handlingarna", occurred_at=when)
        out.append((when, who, command))
    return sorted(out, key=lambda step: step[0])


def kommun_acts(app: TestEngine) -> list[Step]:
    """KLK's controller records each kommun step of the plan's years the working day after
    its last day at 10:00 (the steps before the run on its first morning)."""
    klk = app.organisation(KOMMUN_CODE)
    plan = app.get(arsplan_id("VON", LABEL), Arsplan)
    out: list[Step] = []
    for n, step in enumerate(kommun_steps(plan.milestones.values()).values(), start=100):
        if step.year in YEARS:
            when = max(START, at(add_working_days(step.end, 1), 10))
            controller = klk.holders("klk_controller", "klk", local_date(when))[0]
            out.append((when, controller.person_id, RecordKommunSteg(
                command_id=f"klk:{step.milestone_id}", milestone_id=step.milestone_id,
                done_on=step.end, reference=f"{step.responsible} § {n}", occurred_at=when)))
    return out


async def act_the_year(s: Scenario, app: TestEngine
                       ) -> tuple[list[ArsplanStatus], dict[UUID, CycleStatus]]:
    """Every act of the year in time order: at noon of a cycle's opening day its people's
    acts join the queue. Each act waits for the workflows it concerns (``Watch``); the
    other cycles' timers fire while the server skips time."""
    handles = await start_arsplaner(s)
    plans = schedules(app)
    order = itertools.count()
    queue: list[tuple[datetime, int, UUID | None, str, Command | None]] = [
        (at(plan.opens_on, 12), next(order), c, "", None) for c, plan in plans.items()]
    queue += [(when, next(order), None, who, command) for when, who, command in kommun_acts(app)]
    heapq.heapify(queue)
    watches: dict[UUID, Watch] = {}
    while queue:
        when, _, the_cycle, person, command = heapq.heappop(queue)
        if command is None:  # a cycle's opening day
            assert the_cycle is not None
            await s.advance_to(when, cycle_handle(s, the_cycle))  # every workflow of it
            assert app.exists(the_cycle), plans[the_cycle].title
            watches[the_cycle] = await Watch.start(s, app, the_cycle)
            for step_at, who, act in cycle_steps(app, the_cycle, plans[the_cycle]):
                assert step_at > when
                heapq.heappush(queue, (step_at, next(order), the_cycle, who, act))
            continue
        watch = watches[the_cycle] if the_cycle else None
        unit = watch.unit_of(command) if watch else None
        # Timers fire at whole hours (reminders at 08:00, deadlines at 23:59), never at an
        # act's instant, and the server skips no time while their activities run.
        await advance(s, when)
        s.engine.execute(command, person)
        assert s.follower is not None
        await s.follower.poll_once()
        if watch:
            await watch.settle(unit)
    await s.advance_to(END)
    finished = [await h.result() for h in handles]
    return finished, {c: await cycle_handle(s, c).result() for c in plans}


async def advance(s: Scenario, instant: datetime) -> None:
    delta = s.timeline.to_workflow(instant) - await s.env.get_current_time()
    if delta > timedelta(0):
        await s.env.sleep(delta)
    s.clock.now = instant


@dataclass
class Watch:
    """Waits for one cycle's workflows that an act sets to work: the cycle, the act's
    report and its avdelning's relay, and any report started meanwhile. Querying all of
    the cycle's workflows three times per act, as ``Simulation.settle`` does, took most
    of the run (each query is a workflow task on the worker)."""

    s: Scenario
    cycle: WorkflowHandle[Any, CycleStatus]
    cycle_id: UUID
    units: dict[UUID, str]  # report id -> unit id
    parents: dict[str, str | None]
    started: set[str]
    ended: bool = False

    @classmethod
    async def start(cls, s: Scenario, app: TestEngine, the_cycle: UUID) -> Watch:
        cycle = app.get(the_cycle, Cycle)
        org = app.organisation(cycle.namnd_code)
        handle = cycle_handle(s, the_cycle)
        status = await handle.query(CycleWorkflow.status)
        return cls(s, handle, the_cycle,
                   {unit_report_id(the_cycle, u): u for u in cycle.unit_ids},
                   {u: org.unit(u).parent_id for u in cycle.unit_ids}, set(status.started))

    def unit_of(self, command: Command) -> str | None:
        report = getattr(command, "report_id", None)
        return self.units.get(report) if isinstance(report, UUID) else None

    async def settle(self, unit: str | None) -> None:
        quiet = 0
        for _ in range(600):
            status = await self.cycle.query(CycleWorkflow.status)
            new, self.started = set(status.started) - self.started, set(status.started)
            units = new | ({unit} if unit else set())
            relays = {avdelning_workflow_id(self.cycle_id, u)
                      for x in units for u in (x, self.parents.get(x)) if u}
            watched = [self.s.report_handle(self.cycle_id, u) for u in units] + [
                self.s.client.get_workflow_handle(a) for a in status.avdelningar if a in relays]
            busy = [status.busy, *[(await h.query("status"))["busy"] for h in watched]]
            quiet = 0 if any(busy) or new else quiet + 1
            if quiet >= self.s.quiet_rounds:
                break
            await asyncio.sleep(0.02)
        else:
            raise TimeoutError("workflows did not settle")
        if not self.ended and status.phase == "closed":
            self.ended = True
            await release_skipping(self.s)


async def release_skipping(s: Scenario) -> None:
    """A CycleWorkflow ends after the ÅrsplanWorkflow run that started it has continued as
    new; the time-skipping test server then keeps time skipping locked (temporalio/sdk-java
    #1540, #2392), while a real server has nothing to hold. Unlocks it once."""
    await s.env.client.test_service.unlock_time_skipping(UnlockTimeSkippingRequest())


def events_of(app: TestEngine) -> list[Any]:
    head = app.recorder.max_notification_id() or 0
    return [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(1, head)]


def by_kind(events: Iterable[Any]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for e in events:
        out.setdefault(type(e).__qualname__, []).append(e)
    return out


def minute(instant: datetime) -> datetime:
    """To the nearest minute: the test server's clock runs a little past each timer."""
    return (instant + timedelta(seconds=30)).astimezone(UTC).replace(second=0, microsecond=0)


# What makes a fact the same fact, per kind; "command" is every event's command id.
FACT_KEYS: dict[str, Callable[[Any], Hashable]] = {
    "Cycle.Opened": lambda e: e.originator_id,
    "Cycle.UnderlagSent": lambda e: e.originator_id,
    "Cycle.BeslutRecorded": lambda e: e.originator_id,
    "Cycle.BeslutExported": lambda e: e.originator_id,
    "UnitReport.ReminderSent": lambda e: (e.originator_id, e.task, e.deadline,
                                          minute(e.occurred_at)),
    "UnitReport.DeadlinePassed": lambda e: (e.originator_id, e.task, e.deadline),
    "UnitReport.Escalated": lambda e: (e.originator_id, e.task),
    "KommunSteg.Recorded": lambda e: e.originator_id,
}


def fact_counts(events: Iterable[Any]) -> dict[str, tuple[int, int]]:
    """Per kind of fact: (events, distinct keys); a fact recorded twice makes them differ."""
    keys: dict[str, list[Hashable]] = {kind: [] for kind in [*FACT_KEYS, "command"]}
    for e in events:
        kind = type(e).__qualname__
        if kind in FACT_KEYS:
            keys[kind].append(FACT_KEYS[kind](e))
        if getattr(e, "command_id", None):
            keys["command"].append((e.originator_id, kind, e.command_id))
    return {kind: (len(found), len(set(found))) for kind, found in keys.items()}

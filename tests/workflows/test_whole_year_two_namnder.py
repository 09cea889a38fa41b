"""Årsplan 2022/2023 for VON and SN together, the whole year on the time-skipping server.

Both ÅrsplanWorkflows start in late April 2022 and time runs to the day after the last
beslut (2023-02-20), with nobody acting. Every planned cycle of both nämnder opens on its
plan date; the reports the cycle starts are reminded, pass their deadline and are reminded
daily after it, each fact recorded once. Nobody klarmarkerar, so no report of the levels
above the first is started (the förvaltning's least of all), and the underlag, which goes
once the förvaltning has klarmarkerat (README's CycleWorkflow row), is never sent: each cycle
stays in its reporting phase, with no beslut and no export.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Hashable, Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from domain.arsplan import Arsplan, CycleSchedule
from domain.calendar import STOCKHOLM
from domain.cycle import Cycle
from domain.ids import arsplan_id, cycle_id, unit_report_id
from domain.process_kinds import process_kind
from domain.unit_report import UnitReport
from domain.working_days import ReminderSchedule
from infrastructure.importer import import_arsplan, import_organisation, import_report_template
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.workflows.harness import VON_DATA, Scenario, scenario
from workflows.arsplan import ArsplanWorkflow
from workflows.cycle import CycleWorkflow
from workflows.ids import arsplan_workflow_id, cycle_workflow_id
from workflows.payloads import ArsplanInput, ArsplanStatus, CycleStatus

LABEL = "2022/2023"
FOLDERS = {"VON": VON_DATA, "SN": VON_DATA.parent / "sn"}
START = datetime(2022, 4, 25, 9, 0, tzinfo=STOCKHOLM)
END = datetime(2023, 2, 21, 12, 0, tzinfo=STOCKHOLM)  # the day after the last beslut
PLANNED = [("fordjupad_manadsuppfoljning", 2022), ("delarsbokslut", 2022), ("budget", 2023),
           ("arsbokslut", 2022)]


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


def checkpoints(plans: Iterable[CycleSchedule]) -> list[datetime]:
    """Noon of each plan day a cycle opens, sends its underlag or is decided, then END."""
    days = {d for s in plans for d in (s.opens_on, s.underlag_date, s.beslut_date)}
    return [*sorted(datetime(d.year, d.month, d.day, 12, tzinfo=STOCKHOLM) for d in days), END]


async def run_the_year(s: Scenario, app: TestEngine
                       ) -> tuple[list[ArsplanStatus], dict[UUID, CycleStatus]]:
    handles = [await s.client.start_workflow(
        ArsplanWorkflow.run, ArsplanInput(namnd_code=code, label=LABEL),
        id=arsplan_workflow_id(code, LABEL), task_queue=s.task_queue) for code in FOLDERS]
    plans = schedules(app)
    for instant in checkpoints(plans.values()):
        await s.advance_to(instant)
        opened = [s.client.get_workflow_handle_for(CycleWorkflow.run, cycle_workflow_id(c))
                  for c in plans if app.exists(c)]
        await s.settle(*opened)
    finished = [await h.result() for h in handles]
    cycles = {c: await s.client.get_workflow_handle_for(
        CycleWorkflow.run, cycle_workflow_id(c)).query(CycleWorkflow.status) for c in plans}
    return finished, cycles


def events_of(app: TestEngine) -> list[Any]:
    head = app.recorder.max_notification_id() or 0
    return [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(1, head)]


def instant(at: datetime) -> datetime:
    """To the second: the timeline's mapping of the test server's clock adds milliseconds."""
    return (at + timedelta(milliseconds=500)).astimezone(UTC).replace(microsecond=0)


def duplicates(keys: Iterable[Hashable]) -> list[Hashable]:
    return [k for k, n in Counter(keys).items() if n > 1]


async def test_the_whole_arsplan_runs_for_von_and_sn_without_duplicates(
        tmp_path: Path, app: TestEngine, clock: ManualClock, store_env: dict[str, str]) -> None:
    clock.now = START
    for code in FOLDERS:
        import_namnd(app, code)
    began = time.monotonic()
    async with scenario(tmp_path, app, clock, store_env, START) as s:
        finished, cycle_status = await run_the_year(s, app)
    wall = time.monotonic() - began
    print(f"whole year, VON and SN: {wall:.1f} s wall time")

    plans = schedules(app)
    assert sorted((p.process, p.year) for p in plans.values()) == sorted(PLANNED * 2)
    assert all(app.exists(c) for c in plans)
    for arsplan in finished:  # each ÅrsplanWorkflow opened its four cycles in date order
        assert arsplan.started == [str(cycle_id(arsplan.namnd_code, p, y)) for p, y in
                                   sorted(PLANNED, key=lambda py: plan_of(plans, arsplan, py))]
        assert arsplan.waiting_for is None

    events = events_of(app)
    by_type: dict[str, list[Any]] = {}
    for e in events:
        by_type.setdefault(type(e).__qualname__, []).append(e)
    print(f"{len(events)} events, {len(by_type['UnitReport.ReminderSent'])} reminders")
    reminders = ReminderSchedule()
    for the_cycle, plan in plans.items():
        cycle = app.get(the_cycle, Cycle)
        opened = [e for e in by_type["Cycle.Opened"] if e.originator_id == the_cycle]
        assert len(opened) == 1, cycle.title
        assert instant(opened[0].occurred_at) == instant(datetime(  # 07:00 of its plan day
            plan.opens_on.year, plan.opens_on.month, plan.opens_on.day, 7, tzinfo=STOCKHOLM))
        # Nobody klarmarkerar: the cycle still waits to start the reports above the first
        # level, so it never reaches its underlag date; no underlag, no beslut, no export.
        assert cycle.status == "open" and cycle.underlag_reference is None
        status = cycle_status[the_cycle]
        assert (status.phase, status.underlag_sent, status.exported) == (
            "reporting", False, False), cycle.title
        first = first_level(plan.process)
        org = app.organisation(cycle.namnd_code)
        started = sorted(status.started)
        assert started == sorted(u for u in cycle.unit_ids if org.unit(u).kind == first)
        deadline = cycle.deadlines[first]
        expected = sorted(instant(at) for at in
                          reminders.before(deadline) + reminders.overdue(deadline))
        assert expected[-1] < END  # every overdue reminder falls within the year
        for unit in cycle.unit_ids:
            report_id = unit_report_id(the_cycle, unit)
            report = app.get(report_id, UnitReport)
            sent = sorted(instant(e.occurred_at) for e in by_type["UnitReport.ReminderSent"]
                          if e.originator_id == report_id)
            if unit in started:
                assert sent == expected, (cycle.title, unit)
                assert report.deadlines_passed == ["klarmarkera"], (cycle.title, unit)
                assert report.escalations == 1, (cycle.title, unit)
            else:
                assert (report.deadlines_passed, sent) == ([], []), (cycle.title, unit)
    passed = by_type["UnitReport.DeadlinePassed"]
    assert all(instant(e.occurred_at) == instant(e.deadline) for e in passed)
    assert not {"Cycle.UnderlagSent", "Cycle.BeslutRecorded", "Cycle.BeslutExported"} & set(
        by_type)

    # No fact recorded twice: per kind, as many distinct keys as events.
    assert len(by_type["Cycle.Opened"]) == len(plans) == 2 * len(PLANNED)
    assert duplicates(e.originator_id for e in by_type["Cycle.Opened"]) == []
    assert duplicates((e.originator_id, e.task, e.deadline, instant(e.occurred_at))
                      for e in by_type["UnitReport.ReminderSent"]) == []
    assert duplicates((e.originator_id, e.task, e.deadline) for e in passed) == []
    assert duplicates((e.originator_id, e.task) for e in by_type["UnitReport.Escalated"]) == []
    assert duplicates((e.originator_id, type(e).__qualname__, e.command_id)
                      for e in events if getattr(e, "command_id", None)) == []


def first_level(process: str) -> str:
    """The level whose reports a cycle starts at once (the enheter, unless they do not report)."""
    return "enhet" if process_kind(process).reports("enhet") else "avdelning"


def plan_of(plans: dict[UUID, CycleSchedule], status: ArsplanStatus,
            process_year: tuple[str, int]) -> date:
    return plans[cycle_id(status.namnd_code, *process_year)].opens_on

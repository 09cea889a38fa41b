"""Årsplan 2022/2023 for VON and SN together, the whole year on the time-skipping server.

Both ÅrsplanWorkflows start in late April 2022 and time runs to the day after the last
beslut (2023-02-21); every planned cycle of both nämnder opens on its plan date.

- Nobody acting: the reports the cycle starts are reminded, pass their deadline and are
  reminded daily after it. Nobody klarmarkerar, so no report above the first level starts
  and the underlag, which goes once the förvaltning has klarmarkerat (README's CycleWorkflow
  row), is never sent: a silent enhet blocks the underlag.
- People acting as in a real year, through the command bus as the organisations' role
  holders: each cycle's generated scenario (``simulation.scenario.generate``: enheter
  klarmarkera, a few after their deadline, one återsänd; the avdelningschefer attest and
  klarmarkera their avdelning; the förvaltning klarmarkerar; the nämnd decides at its
  sammanträde, whose protokoll is justerat), and KLK's controller records each kommun step
  the working day after it (``tests/workflows/whole_year.py``). KLK receives every
  underlag on its day, the kommun view shows each in time, every beslut is exported.

Either way no fact is recorded twice (``fact_counts``, itself tested on a hand-made
duplicate).
"""

from __future__ import annotations

import time as clock_time
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from domain import system_commands as sc
from domain.arsplan import CycleSchedule
from domain.calendar import in_stockholm, local_date
from domain.cycle import Cycle
from domain.ids import cycle_id, unit_report_id
from domain.process_kinds import process_kind
from domain.unit_report import UnitReport
from domain.working_days import ReminderSchedule
from infrastructure.importer import import_organisation
from projections.kommun import kommun_overview
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.kommun_world import load_kommun, year_2022
from tests.support.stores import sqlite_env
from tests.workflows.harness import Scenario, scenario
from tests.workflows.whole_year import (
    END,
    FOLDERS,
    KOMMUN_DATA,
    PLANNED,
    START,
    YEARS,
    act_the_year,
    at,
    by_kind,
    cycle_handle,
    events_of,
    fact_counts,
    import_namnd,
    minute,
    schedules,
    start_arsplaner,
)
from workflows.cycle import CycleWorkflow
from workflows.payloads import ArsplanStatus, CycleStatus


def checkpoints(plans: Iterable[CycleSchedule]) -> list[datetime]:
    """Noon of each plan day a cycle opens, sends its underlag or is decided, then END."""
    days = {d for s in plans for d in (s.opens_on, s.underlag_date, s.beslut_date)}
    return [*sorted(at(d, 12) for d in days), END]


async def run_the_year(s: Scenario, app: TestEngine
                       ) -> tuple[list[ArsplanStatus], dict[UUID, CycleStatus]]:
    handles = await start_arsplaner(s)
    plans = schedules(app)
    for instant in checkpoints(plans.values()):
        await s.advance_to(instant)
        await s.settle(*[cycle_handle(s, c) for c in plans if app.exists(c)])
    finished = [await h.result() for h in handles]
    cycles = {c: await cycle_handle(s, c).query(CycleWorkflow.status) for c in plans}
    return finished, cycles


def first_level(process: str) -> str:
    """The level whose reports a cycle starts at once (the enheter, unless they do not report)."""
    return "enhet" if process_kind(process).reports("enhet") else "avdelning"


def check_opened_in_plan_order(app: TestEngine, finished: list[ArsplanStatus],
                               by: dict[str, list[Any]]) -> dict[UUID, CycleSchedule]:
    """Each ÅrsplanWorkflow opened its four cycles in date order, each at 07:00 of its day."""
    plans = schedules(app)
    assert sorted((p.process, p.year) for p in plans.values()) == sorted(PLANNED * 2)
    for arsplan in finished:
        mine = {c: p for c, p in plans.items() if str(c) in arsplan.started}
        assert arsplan.started == [str(c) for c in sorted(mine, key=lambda c: mine[c].opens_on)]
        assert len(mine) == len(PLANNED) and arsplan.waiting_for is None
    opened = Counter(e.originator_id for e in by["Cycle.Opened"])
    assert opened == dict.fromkeys(plans, 1)
    for e in by["Cycle.Opened"]:
        assert minute(e.occurred_at) == minute(at(plans[e.originator_id].opens_on, 7))
    return plans


async def test_with_nobody_acting_no_underlag_is_sent(
        tmp_path: Path, app: TestEngine, clock: ManualClock, store_env: dict[str, str]) -> None:
    clock.now = START
    for code in FOLDERS:
        import_namnd(app, code)
    began = clock_time.monotonic()
    async with scenario(tmp_path, app, clock, store_env, START) as s:
        finished, cycle_status = await run_the_year(s, app)
    print(f"whole year, nobody acting: {clock_time.monotonic() - began:.1f} s wall time")

    events = events_of(app)
    by = by_kind(events)
    plans = check_opened_in_plan_order(app, finished, by)
    reminders = ReminderSchedule()
    for the_cycle, plan in plans.items():
        cycle = app.get(the_cycle, Cycle)
        # The cycle still waits to start the reports above the first level, so it never
        # reaches its underlag date; no underlag, no beslut, no export.
        assert cycle.status == "open" and cycle.underlag_reference is None
        status = cycle_status[the_cycle]
        assert (status.phase, status.underlag_sent, status.exported) == (
            "reporting", False, False), cycle.title
        first = first_level(plan.process)
        org = app.organisation(cycle.namnd_code)
        started = sorted(status.started)
        assert started == sorted(u for u in cycle.unit_ids if org.unit(u).kind == first)
        deadline = cycle.deadlines[first]
        expected = sorted(minute(t) for t in
                          reminders.before(deadline) + reminders.overdue(deadline))
        assert expected[-1] < END  # every overdue reminder falls within the year
        for unit in cycle.unit_ids:
            report_id = unit_report_id(the_cycle, unit)
            report = app.get(report_id, UnitReport)
            sent = sorted(minute(e.occurred_at) for e in by["UnitReport.ReminderSent"]
                          if e.originator_id == report_id)
            if unit in started:
                assert sent == expected, (cycle.title, unit)
                assert report.deadlines_passed == ["klarmarkera"], (cycle.title, unit)
                assert report.escalations == 1, (cycle.title, unit)
            else:
                assert (report.deadlines_passed, sent) == ([], []), (cycle.title, unit)
    assert all(minute(e.occurred_at) == minute(e.deadline)
               for e in by["UnitReport.DeadlinePassed"])
    assert not {"Cycle.UnderlagSent", "Cycle.BeslutRecorded", "Cycle.BeslutExported"} & set(by)

    counts = fact_counts(events)
    assert counts["Cycle.Opened"] == (len(plans), len(plans))
    assert all(n == distinct for n, distinct in counts.values()), counts


async def test_with_people_acting_klk_receives_every_underlag_in_time(
        tmp_path: Path, app: TestEngine, clock: ManualClock, store_env: dict[str, str]) -> None:
    clock.now = START
    for code in FOLDERS:
        import_namnd(app, code)
    import_organisation(app, KOMMUN_DATA / "organisation.yaml")
    began = clock_time.monotonic()
    async with scenario(tmp_path, app, clock, store_env, START) as s:
        finished, final = await act_the_year(s, app)
    print(f"whole year, people acting: {clock_time.monotonic() - began:.1f} s wall time")

    events = events_of(app)
    by = by_kind(events)
    plans = check_opened_in_plan_order(app, finished, by)
    n = len(plans)
    for the_cycle, plan in plans.items():
        cycle = app.get(the_cycle, Cycle)
        assert (final[the_cycle].phase, final[the_cycle].exported) == ("closed", True)
        assert cycle.status == "closed", cycle.title
        [sent] = [e for e in by["Cycle.UnderlagSent"] if e.originator_id == the_cycle]
        sent_at = in_stockholm(sent.occurred_at)
        assert sent_at.date() == plan.underlag_date and sent_at.hour >= 8, cycle.title
        [decided] = [e for e in by["Cycle.BeslutRecorded"] if e.originator_id == the_cycle]
        assert local_date(decided.occurred_at) == plan.beslut_date, cycle.title
        [exported] = [e for e in by["Cycle.BeslutExported"] if e.originator_id == the_cycle]
        assert exported.occurred_at >= decided.occurred_at
        # Every unit below the förvaltning attested by its chef above; the förvaltning
        # klarmarkerad before the underlag day.
        org = app.organisation(cycle.namnd_code)
        for unit in cycle.unit_ids:
            report = app.get(unit_report_id(the_cycle, unit), UnitReport)
            if org.unit(unit).kind == "forvaltning":
                signed = [e for e in by["UnitReport.Klarmarkerad"]
                        if e.originator_id == report.id]
                assert local_date(signed[-1].occurred_at) < plan.underlag_date, cycle.title
            else:
                assert report.status == "godkand", (cycle.title, unit, report.status)
    # Per nämnd, an enhet klarmarkerade after its deadline had passed (and was escalated),
    # yet every underlag went on its day: the late one shows and held nothing up.
    klar = {(e.originator_id, minute(e.occurred_at)) for e in by["UnitReport.Klarmarkerad"]}
    for code in FOLDERS:
        org = app.organisation(code)
        enheter = {unit_report_id(c, u) for c in plans for u in app.get(c, Cycle).unit_ids
                   if app.get(c, Cycle).namnd_code == code and org.unit(u).kind == "enhet"}
        assert any(report == e.originator_id and at_ > minute(e.deadline)
                   for e in by["UnitReport.DeadlinePassed"] if e.originator_id in enheter
                   for report, at_ in klar), code
    assert len(by["Meeting.ProtokollJusterat"]) == n  # each cycle's sammanträde
    assert len(list((tmp_path / "drop" / "klk").rglob("*.docx"))) == n
    assert len(list((tmp_path / "drop" / "platina").rglob("*.zip"))) == n

    rows, steps = 0, 0
    for year in YEARS:
        for process in kommun_overview(app, year).processes:
            for row in process.namnder:
                assert (row.underlag_status, row.beslut_status) == ("i_tid", "i_tid"), row
                rows += 1
            for step in process.steps:
                assert step.status == "i_tid" and step.done_on == step.end, step
                assert step.reference, step
                steps += 1
    assert rows == n and steps == len(by["KommunSteg.Recorded"]) > 0

    counts = fact_counts(events)
    for kind in ("Cycle.Opened", "Cycle.UnderlagSent", "Cycle.BeslutRecorded",
                 "Cycle.BeslutExported"):
        assert counts[kind] == (n, n), kind
    assert counts["UnitReport.ReminderSent"][0] > 0 and counts["UnitReport.Escalated"][0] > 0
    assert all(found == distinct for found, distinct in counts.values()), counts
    print(f"{len(events)} events: {counts}")


def test_fact_counts_finds_a_fact_recorded_twice(tmp_path: Path) -> None:
    """On a small real store (two nämnder's delårsbokslut, a reminder, a kommun step):
    every kind the year's tests check is counted, and one duplicate of it shows, whether
    recorded by the engine under a new command id or copied into the log by hand."""
    clock = ManualClock(datetime(2022, 1, 10, 8, tzinfo=UTC))
    app = TestEngine(env=sqlite_env(tmp_path / "events.sqlite"), clock=clock)
    try:
        load_kommun(app)
        year_2022(app, clock)
        the_cycle = cycle_id("VON", "delarsbokslut", 2022)
        report = unit_report_id(the_cycle, app.get(the_cycle, Cycle).unit_ids[0])
        deadline = app.get(the_cycle, Cycle).deadlines["enhet"]
        reminder = sc.RecordReminderSent(command_id="test:reminder:1", occurred_at=clock.now,
                                         report_id=report, task="klarmarkera",
                                         deadline=deadline)
        app.execute_system(reminder)
        app.execute_system(sc.RecordDeadlinePassed(
            command_id="test:deadline", occurred_at=clock.now, report_id=report,
            task="klarmarkera", deadline=deadline))
        app.execute_system(sc.RecordBeslutExported(
            command_id="test:export", occurred_at=clock.now, cycle_id=the_cycle,
            destination="platina", reference="P-1"))
        events = events_of(app)
        counts = fact_counts(events)
        assert all(found == distinct > 0 for found, distinct in counts.values()), counts

        for kind in counts:  # a copy of one fact of each kind, by hand
            one = next(e for e in events if kind in (type(e).__qualname__, "command")
                       and (kind != "command" or getattr(e, "command_id", None)))
            found, distinct = fact_counts([*events, one])[kind]
            assert found == distinct + 1, kind

        # The engine records the same reminder again under another command id.
        app.execute_system(reminder.model_copy(update={"command_id": "test:reminder:2"}))
        found, distinct = fact_counts(events_of(app))["UnitReport.ReminderSent"]
        assert found == distinct + 1
    finally:
        app.close()

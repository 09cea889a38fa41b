"""Deadlines per person and per unit, read from the cycles' reports, for calendar feeds.

Which deadline applies is the domain's answer (domain/report_flow.py): the report's own
klarmarkera deadline, and its attest deadline as report_flow.attest_due gives it; from a
klarmarkering on, the attest deadline that klarmarkering opens
(domain/working_days.attest_deadline), as the att-göra list shows it.

Each calendar event is folded from its report's and cycle's history: SEQUENCE counts the
times what the event shows changed (its deadline, the report's status, the deadline
passing with the task still open) and LAST-MODIFIED is when that last happened, so a
reminder, an edited text or another level's moved deadline leaves the event as it was.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.calendar import is_late, local_date
from domain.cycle import Cycle
from domain.errors import NotFoundError
from domain.ids import unit_report_id
from domain.organisation import Organisation
from domain.report_flow import STATUS_LABELS, Task, attest_due
from domain.unit_report import UnitReport
from domain.working_days import attest_deadline
from infrastructure.eventstore import ArsplanStore
from infrastructure.ical import DeadlineEntry
from infrastructure.person_directory import person_names
from infrastructure.settings import get_settings

_BATCH = 500
LATE_SUFFIX = " – försenad"


@dataclass(frozen=True)
class _Shown:
    """What one calendar event shows: when, the report's status, and whether it is late."""

    deadline: datetime
    status: str
    late: bool


class _Revisions:
    """One calendar event through its history: the last thing shown, how often and when
    that changed."""

    def __init__(self) -> None:
        self.shown: _Shown | None = None
        self.sequence = 0
        self.changed_at: datetime | None = None

    def see(self, shown: _Shown | None, at: datetime) -> None:
        if shown is None or shown == self.shown:
            return
        if self.shown is not None:
            self.sequence += 1
            if shown == replace(self.shown, late=True):
                at = shown.deadline  # only the deadline passed: that is when it changed
        self.shown, self.changed_at = shown, at


@dataclass(frozen=True)
class _Task:
    report: UnitReport
    cycle: Cycle
    task: Task
    deadline: datetime
    role: str
    unit_id: str  # the unit whose role holder acts: the report's own, or its parent
    revisions: _Revisions


def person_deadlines(app: ArsplanStore, namnd_code: str, person_id: str,
                     now: datetime | None = None) -> list[DeadlineEntry]:
    """Tasks the person holds on each deadline's date, ordinarie or as ersättare."""
    org = app.organisation(namnd_code)
    if person_id not in org.people:
        raise NotFoundError(f"Personen {person_id!r} finns inte i {namnd_code}")
    entries = []
    names = person_names(app, namnd_code)
    for t in _tasks(app, org, now or app.clock()):
        actor = org.acting_capacity(person_id, t.role, t.unit_id, local_date(t.deadline))
        if actor is not None:
            entries.append(_entry(org, names, t, responsible=None,
                                  on_behalf_of=actor.on_behalf_of))
    return entries


def unit_deadlines(app: ArsplanStore, namnd_code: str, unit_id: str,
                   now: datetime | None = None) -> list[DeadlineEntry]:
    """The unit's own reports to klarmarkera and its sub-units' reports to attestera."""
    org = app.organisation(namnd_code)
    org.unit(unit_id)  # raises NotFoundError for an unknown unit
    names = person_names(app, namnd_code)
    return [_entry(org, names, t, responsible=org.chef_of(t.unit_id, local_date(t.deadline)))
            for t in _tasks(app, org, now or app.clock()) if t.unit_id == unit_id]


def _tasks(app: ArsplanStore, org: Organisation, now: datetime) -> Iterator[_Task]:
    working_days = get_settings().attest_working_days
    for cid in cycle_ids(app):
        cycle_events = list(app.aggregate_events(cid))
        if cycle_events[0].namnd_code != org.code:
            continue
        for unit_id in cycle_events[0].unit_ids:
            report_events = app.aggregate_events(unit_report_id(cid, unit_id))
            yield from _fold(org, cycle_events, report_events, now, working_days)


def _fold(org: Organisation, cycle_events: list[Any], report_events: Iterator[Any],
          now: datetime, working_days: int) -> Iterator[_Task]:
    """Replays one report with its cycle, watching what each of its calendar events shows."""
    report: Any = None
    cycle: Any = None
    opened_attest: datetime | None = None  # the attest deadline a klarmarkering opened
    klarmarkera, attestera = _Revisions(), _Revisions()

    def attest_deadline_now() -> datetime | None:
        if report.attester_role is None or report.parent_unit_id is None:
            return None
        return opened_attest or attest_due(report.attest_deadline, cycle.deadlines,
                                           org.unit(report.parent_unit_id).kind)

    def watch(at: datetime) -> None:
        klarmarkera.see(_shown(report, "klarmarkera", report.deadline, at), at)
        attestera.see(_shown(report, "attestera", attest_deadline_now(), at), at)

    # Recording order; a cycle's event first where a save wrote both at one instant.
    for event in heapq.merge(cycle_events, report_events, key=lambda e: e.timestamp):
        if report is not None:
            watch(event.timestamp)  # a deadline that passed since the previous event
        if isinstance(event, Cycle.Event):
            cycle = event.mutate(cycle)
            continue
        report = event.mutate(report)
        if isinstance(event, UnitReport.Klarmarkerad) and report.attester_role is not None:
            opened_attest = attest_deadline(report.klarmarkerad_at, working_days)
        elif (isinstance(event, UnitReport.AttestationRequested | UnitReport.Atersand
                         | UnitReport.Reopened)
              or (isinstance(event, UnitReport.DeadlineMoved)
                  and event.deadline_kind == "attest")):
            opened_attest = None  # the report's own attest deadline speaks again
        watch(event.timestamp)
    if report is None:
        return
    watch(now)
    yield _Task(report, cycle, "klarmarkera", report.deadline, report.owner_role,
                report.unit_id, klarmarkera)
    due = attest_deadline_now()
    if due is not None and report.attester_role is not None:
        yield _Task(report, cycle, "attestera", due, report.attester_role,
                    report.parent_unit_id, attestera)


def _shown(report: UnitReport, task: Task, deadline: datetime | None,
           at: datetime) -> _Shown | None:
    if deadline is None:
        return None
    return _Shown(deadline, report.status,
                  report.open_task == task and is_late(deadline, at))


def cycle_ids(app: ArsplanStore) -> Iterator[UUID]:
    topic = get_topic(Cycle.Opened)
    start = 1
    while True:
        batch = app.recorder.select_notifications(start, _BATCH, topics=[topic])
        yield from (UUID(str(n.originator_id)) for n in batch)
        if len(batch) < _BATCH:
            return
        start = batch[-1].id + 1


def _entry(org: Organisation, names: dict[str, str], t: _Task, responsible: str | None,
           on_behalf_of: str | None = None) -> DeadlineEntry:
    unit = org.units.get(t.report.unit_id)
    shown, changed_at = t.revisions.shown, t.revisions.changed_at
    assert shown is not None and changed_at is not None
    return DeadlineEntry(
        report_id=str(t.report.id), task=t.task, cycle_title=t.cycle.title,
        unit_name=unit.name if unit else t.report.unit_id, deadline=t.deadline,
        sequence=t.revisions.sequence, last_modified=changed_at,
        status_label=STATUS_LABELS[shown.status] + (LATE_SUFFIX if shown.late else ""),
        responsible=_name(names, responsible), on_behalf_of=_name(names, on_behalf_of))


def _name(names: dict[str, str], person_id: str | None) -> str | None:
    if person_id is None:
        return None
    return names.get(person_id, person_id)

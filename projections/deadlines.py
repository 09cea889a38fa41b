"""Deadlines per person and per unit, read from the cycles' reports, for calendar feeds.

Which deadline applies is the domain's answer (domain/report_flow.py): the report's own
klarmarkera deadline, and its attest deadline as report_flow.attest_due gives it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.calendar import local_date
from domain.cycle import Cycle
from domain.errors import NotFoundError
from domain.ids import unit_report_id
from domain.organisation import Organisation
from domain.report_flow import STATUS_LABELS, attest_due
from domain.unit_report import UnitReport
from infrastructure.eventstore import ArsplanStore
from infrastructure.ical import DeadlineEntry

_BATCH = 500


@dataclass(frozen=True)
class _Task:
    report: UnitReport
    cycle: Cycle
    task: str
    deadline: datetime
    role: str
    unit_id: str  # the unit whose role holder acts: the report's own, or its parent


def person_deadlines(app: ArsplanStore, namnd_code: str, person_id: str) -> list[DeadlineEntry]:
    """Tasks the person holds on each deadline's date, ordinarie or as ersättare."""
    org = app.organisation(namnd_code)
    if person_id not in org.people:
        raise NotFoundError(f"Personen {person_id!r} finns inte i {namnd_code}")
    entries = []
    for t in _tasks(app, org):
        actor = org.acting_capacity(person_id, t.role, t.unit_id, local_date(t.deadline))
        if actor is not None:
            entries.append(_entry(org, t, responsible=None, on_behalf_of=actor.on_behalf_of))
    return entries


def unit_deadlines(app: ArsplanStore, namnd_code: str, unit_id: str) -> list[DeadlineEntry]:
    """The unit's own reports to klarmarkera and its sub-units' reports to attestera."""
    org = app.organisation(namnd_code)
    org.unit(unit_id)  # raises NotFoundError for an unknown unit
    return [_entry(org, t, responsible=org.chef_of(t.unit_id, local_date(t.deadline)))
            for t in _tasks(app, org) if t.unit_id == unit_id]


def _tasks(app: ArsplanStore, org: Organisation) -> Iterator[_Task]:
    for cid in cycle_ids(app):
        cycle = app.get(cid, Cycle)
        if cycle.namnd_code != org.code:
            continue
        for unit_id in cycle.unit_ids:
            report = app.get(unit_report_id(cycle.id, unit_id), UnitReport)
            yield _Task(report, cycle, "klarmarkera", report.deadline, report.owner_role,
                        report.unit_id)
            if report.attester_role is None or report.parent_unit_id is None:
                continue
            attest_deadline = attest_due(report.attest_deadline, cycle.deadlines,
                                         org.unit(report.parent_unit_id).kind)
            if attest_deadline is not None:
                yield _Task(report, cycle, "attestera", attest_deadline, report.attester_role,
                            report.parent_unit_id)


def cycle_ids(app: ArsplanStore) -> Iterator[UUID]:
    topic = get_topic(Cycle.Opened)
    start = 1
    while True:
        batch = app.recorder.select_notifications(start, _BATCH, topics=[topic])
        yield from (UUID(str(n.originator_id)) for n in batch)
        if len(batch) < _BATCH:
            return
        start = batch[-1].id + 1


def _entry(org: Organisation, t: _Task, responsible: str | None,
           on_behalf_of: str | None = None) -> DeadlineEntry:
    unit = org.units.get(t.report.unit_id)
    # Both versions only grow, so their sum rises whenever either side changes.
    return DeadlineEntry(
        report_id=str(t.report.id), task=t.task, cycle_title=t.cycle.title,
        unit_name=unit.name if unit else t.report.unit_id, deadline=t.deadline,
        sequence=t.report.version + t.cycle.version,
        last_modified=max(t.report.modified_on, t.cycle.modified_on),
        status_label=STATUS_LABELS[t.report.status],
        responsible=_name(org, responsible), on_behalf_of=_name(org, on_behalf_of))


def _name(org: Organisation, person_id: str | None) -> str | None:
    if person_id is None:
        return None
    person = org.people.get(person_id)
    return str(person["name"]) if person else person_id


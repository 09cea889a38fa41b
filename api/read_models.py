"""Aggregate-level reads for the API and dashboard, each answerable "as of" an instant.

As-of means "as recorded by then": an aggregate is loaded at the last version whose
recorded-at timestamp is not after ``as_of``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.utils import get_topic
from pydantic import BaseModel

from domain.application import Arsplaner
from domain.base import AuditedAggregate
from domain.calendar import local_date
from domain.cycle import Cycle
from domain.errors import NotFoundError
from domain.ids import organisation_id, unit_report_id
from domain.organisation import Organisation
from domain.unit_report import EJ_PABORJAD, KLARMARKERAD, PAGAR, STATUS_LABELS, UnitReport

A = TypeVar("A", bound=AuditedAggregate)
_NEVER = datetime.max.replace(tzinfo=UTC)
_ENVELOPE = {"originator_id", "originator_version", "timestamp", "event_id", "actor",
             "occurred_at", "command_id", "prev_hash", "chain_hash", "originator_topic"}


class ItemView(BaseModel):
    item_id: str
    kind: str
    title: str
    values: dict[str, Any]


class ReportView(BaseModel):
    report_id: UUID
    cycle_id: UUID
    unit_id: str
    unit_name: str
    unit_kind: str
    status: str
    status_label: str
    deadline: datetime
    attest_deadline: datetime | None
    klarmarkerad_at: datetime | None
    godkand_at: datetime | None
    reminders_sent: int
    escalations: int
    version: int
    items: list[ItemView]


class CycleSummary(BaseModel):
    cycle_id: UUID
    namnd_code: str
    title: str
    status: str
    deadlines: dict[str, datetime]
    version: int


class CycleView(CycleSummary):
    underlag_date: str
    beslut_date: str
    reports: list[ReportView]


class Task(BaseModel):
    task: str  # "klarmarkera" or "attestera"
    report_id: UUID
    cycle_id: UUID
    cycle_title: str
    unit_id: str
    unit_name: str
    status_label: str
    deadline: datetime | None
    version: int
    on_behalf_of: str | None


class HistoryEntry(BaseModel):
    aggregate_id: UUID
    version: int
    event: str
    recorded_at: datetime
    occurred_at: datetime
    person_id: str
    role: str
    unit_id: str | None
    on_behalf_of: str | None
    command_id: str | None
    chain_hash: str
    payload: dict[str, Any]


def load(app: Arsplaner, aggregate_id: UUID, kind: type[A], as_of: datetime | None) -> A:
    if as_of is None:
        return app.get(aggregate_id, kind)
    version = None
    for event in app.aggregate_events(aggregate_id):
        if event.timestamp > as_of:
            break
        version = event.originator_version
    if version is None:
        raise NotFoundError(f"{kind.__name__} {aggregate_id} fanns inte {as_of.isoformat()}")
    return app.get(aggregate_id, kind, version=version)


def cycle_ids(app: Arsplaner, as_of: datetime | None = None) -> Iterator[UUID]:
    topic = get_topic(Cycle.Opened)
    start = 1
    while True:
        batch = app.recorder.select_notifications(start, 500, topics=[topic])
        for n in batch:
            opened: Any = app.mapper.to_domain_event(n)
            if as_of is None or opened.timestamp <= as_of:
                yield UUID(str(n.originator_id))
        if len(batch) < 500:
            return
        start = batch[-1].id + 1


def list_cycles(app: Arsplaner, as_of: datetime | None = None) -> list[CycleSummary]:
    cycles = [load(app, cid, Cycle, as_of) for cid in cycle_ids(app, as_of)]
    return [_summary(cy) for cy in cycles]


def cycle_view(app: Arsplaner, cycle_id: UUID, as_of: datetime | None = None) -> CycleView:
    cy = load(app, cycle_id, Cycle, as_of)
    org = load(app, organisation_id(cy.namnd_code), Organisation, as_of)
    reports = [report_view(app, unit_report_id(cy.id, u), as_of, org) for u in cy.unit_ids]
    return CycleView(**_summary(cy).model_dump(), underlag_date=cy.underlag_date.isoformat(),
                     beslut_date=cy.beslut_date.isoformat(), reports=reports)


def report_view(app: Arsplaner, report_id: UUID, as_of: datetime | None = None,
                org: Organisation | None = None) -> ReportView:
    r = load(app, report_id, UnitReport, as_of)
    org = org or load(app, organisation_id(r.namnd_code), Organisation, as_of)
    unit = org.units.get(r.unit_id)
    return ReportView(
        report_id=r.id, cycle_id=r.cycle_id, unit_id=r.unit_id,
        unit_name=unit.name if unit else r.unit_id, unit_kind=r.unit_kind, status=r.status,
        status_label=STATUS_LABELS[r.status], deadline=r.deadline,
        attest_deadline=r.attest_deadline, klarmarkerad_at=r.klarmarkerad_at,
        godkand_at=r.godkand_at, reminders_sent=r.reminders_sent, escalations=r.escalations,
        version=r.version,
        items=[ItemView(item_id=i.item_id, kind=i.kind, title=i.title, values=dict(i.values))
               for i in r.items.values()],
    )


def tasks_for(app: Arsplaner, person_id: str, namnd_code: str,
              as_of: datetime | None = None) -> list[Task]:
    """The person's att-göra: reports to klarmarkera as chef, and to attestera as parent chef.

    Roles are those held (ordinarie or as ersättare) on the as-of date.
    """
    org = load(app, organisation_id(namnd_code), Organisation, as_of)
    on = local_date(as_of or app.clock())
    held = {(a.role, a.unit_id): a.substitute_for for a in org.roles_of(person_id, on)}
    tasks: list[Task] = []
    for cid in cycle_ids(app, as_of):
        cy = load(app, cid, Cycle, as_of)
        if cy.namnd_code != namnd_code:
            continue
        for unit_id in cy.unit_ids:
            r = load(app, unit_report_id(cy.id, unit_id), UnitReport, as_of)
            owner = (r.owner_role, r.unit_id)
            attester = (r.attester_role or "", r.parent_unit_id or "")
            deadline: datetime | None
            if r.status in (EJ_PABORJAD, PAGAR) and owner in held:
                task, deadline, behalf = "klarmarkera", r.deadline, held[owner]
            elif r.status == KLARMARKERAD and attester in held:
                task, deadline, behalf = "attestera", r.attest_deadline, held[attester]
            else:
                continue
            unit = org.units.get(unit_id)
            tasks.append(Task(task=task, report_id=r.id, cycle_id=cy.id, cycle_title=cy.title,
                              unit_id=unit_id, unit_name=unit.name if unit else unit_id,
                              status_label=STATUS_LABELS[r.status], deadline=deadline,
                              version=r.version, on_behalf_of=behalf))
    return sorted(tasks, key=lambda t: (t.deadline or _NEVER, t.unit_name))


def history(app: Arsplaner, aggregate_id: UUID,
            as_of: datetime | None = None) -> list[HistoryEntry]:
    entries = [_entry(e) for e in app.aggregate_events(aggregate_id)
               if as_of is None or e.timestamp <= as_of]
    if not entries:
        raise NotFoundError(f"{aggregate_id} har ingen historik")
    return entries


def recent_events(app: Arsplaner, limit: int = 50) -> list[HistoryEntry]:
    """The store's last ``limit`` events, newest first."""
    last = app.recorder.max_notification_id() or 0
    notifications = app.recorder.select_notifications(max(1, last - limit + 1), limit)
    return [_entry(app.mapper.to_domain_event(n)) for n in reversed(notifications)]


def _entry(e: Any) -> HistoryEntry:
    payload = {k: _plain(v) for k, v in vars(e).items() if k not in _ENVELOPE}
    return HistoryEntry(
        aggregate_id=e.originator_id, version=e.originator_version,
        event=type(e).__qualname__, recorded_at=e.timestamp, occurred_at=e.occurred_at,
        person_id=e.actor.person_id, role=e.actor.role, unit_id=e.actor.unit_id,
        on_behalf_of=e.actor.on_behalf_of, command_id=e.command_id,
        chain_hash=e.chain_hash, payload=payload)


def _summary(cy: Cycle) -> CycleSummary:
    return CycleSummary(cycle_id=cy.id, namnd_code=cy.namnd_code, title=cy.title,
                        status=cy.status, deadlines=dict(cy.deadlines), version=cy.version)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | UUID):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value

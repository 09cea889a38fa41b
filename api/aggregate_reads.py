"""Aggregate-level reads (a report with its items, the cycles), answerable "as of".

Att-göra, cycle boards, audit trails and reminders come from the projections
(``projections.queries``); these are the reads no read model covers.

As-of means "as recorded by then": an aggregate is loaded at the last version whose
recorded-at timestamp is not after ``as_of``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.utils import get_topic
from pydantic import BaseModel

from domain.base import AuditedAggregate
from domain.calendar import LocalInstant, iso_local
from domain.cycle import Cycle
from domain.errors import NotFoundError
from domain.ids import organisation_id
from domain.organisation import Organisation
from domain.report_flow import STATUS_LABELS
from domain.unit_report import UnitReport
from infrastructure.eventstore import ArsplanStore

A = TypeVar("A", bound=AuditedAggregate)

class ItemView(BaseModel):
    item_id: str
    kind: str
    title: str
    values: dict[str, Any]
    indicators: list[dict[str, Any]] = []


class ReportView(BaseModel):
    report_id: UUID
    cycle_id: UUID
    unit_id: str
    unit_name: str
    unit_kind: str
    status: str
    status_label: str
    deadline: LocalInstant
    attest_deadline: LocalInstant | None
    klarmarkerad_at: LocalInstant | None
    godkand_at: LocalInstant | None
    reminders_sent: int
    escalations: int
    version: int
    items: list[ItemView]
    arithmetic_slips: list[dict[str, Any]] = []  # ekonomi sums that do not add up


class CycleSummary(BaseModel):
    cycle_id: UUID
    namnd_code: str
    title: str
    status: str
    deadlines: dict[str, LocalInstant]
    version: int


def load(app: ArsplanStore, aggregate_id: UUID, kind: type[A], as_of: datetime | None) -> A:
    if as_of is None:
        return app.get(aggregate_id, kind)
    found = app.get_as_of(aggregate_id, kind, as_of)
    if found is None:
        raise NotFoundError(f"{kind.__name__} {aggregate_id} fanns inte {iso_local(as_of)}")
    return found


def cycle_ids(app: ArsplanStore, as_of: datetime | None = None) -> Iterator[UUID]:
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


def list_cycles(app: ArsplanStore, as_of: datetime | None = None) -> list[CycleSummary]:
    cycles = [load(app, cid, Cycle, as_of) for cid in cycle_ids(app, as_of)]
    return [_summary(cy) for cy in cycles]


def report_view(app: ArsplanStore, report_id: UUID, as_of: datetime | None = None,
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
        items=[ItemView(item_id=i.item_id, kind=i.kind, title=i.title, values=dict(i.values),
                        indicators=list(r.indicators.get(i.item_id, {}).values()))
               for i in r.items.values()],
        arithmetic_slips=r.arithmetic_slips,
    )


def _summary(cy: Cycle) -> CycleSummary:
    return CycleSummary(cycle_id=cy.id, namnd_code=cy.namnd_code, title=cy.title,
                        status=cy.status, deadlines=dict(cy.deadlines), version=cy.version)

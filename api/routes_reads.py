"""GET endpoints: health, the caller, cycles, boards, reports, att-göra, audit and reminders.

Every read takes ``?as_of=`` (an ISO instant with offset) to answer as recorded then.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from api import aggregate_reads as rm
from api.auth import Principal, current_principal, event_store, read_side
from api.params import IsoInstant
from api.read_side import ReadSide
from application.ports import AbstractTreeHeads
from audit.seals import published_heads
from audit.verify import IncrementalVerifier
from domain.calendar import local_date
from domain.errors import NotFoundError
from infrastructure.eventstore import ArsplanStore
from projections import queries as q
from projections.audit_trail import AuditTrailProjection
from projections.reminders import ReminderOutboxProjection
from projections.reporting import ReportingProjection

router = APIRouter(prefix="/api", tags=["läsmodeller"])


class Health(BaseModel):
    status: str


class Me(BaseModel):
    person_id: str
    name: str
    roles: list[dict[str, Any]]


class VerifyResult(BaseModel):
    ok: bool
    events_checked: int
    aggregates: int
    seal: str = Field(description="The store's head as verified, TREE_SIZE:ROOT (unsigned)")
    broken: dict[str, Any] | None
    problems: list[str] = []


class SealsResult(BaseModel):
    published: list[dict[str, Any]] = Field(
        description="Signed tree heads printed in justerade protokoll, oldest first")
    current: dict[str, Any] | None = Field(
        description="The log's head signed now (None without a signing key)")


@router.get("/health", response_model=Health, tags=["drift"])
def health() -> Health:
    return Health(status="ok")


@router.get("/me", response_model=Me)
def me(request: Request, as_of: IsoInstant | None = None,
       who: Principal = Depends(current_principal),
       app: ArsplanStore = Depends(event_store)) -> Me:
    org = app.organisation(request.app.state.namnd_code)
    on = local_date(as_of or app.clock())
    person = org.people.get(who.person_id, {})
    roles = [{"role": a.role, "unit_id": a.unit_id, "substitute_for": a.substitute_for}
             for a in org.roles_of(who.person_id, on)]
    return Me(person_id=who.person_id, name=person.get("name", who.person_id), roles=roles)


@router.get("/att-gora", response_model=list[q.Task])
def att_gora(as_of: IsoInstant | None = None, who: Principal = Depends(current_principal),
             app: ArsplanStore = Depends(event_store),
             reads: ReadSide = Depends(read_side)) -> list[q.Task]:
    if as_of is not None:
        return q.todo_for_as_of(app, who.person_id, as_of)
    return q.todo_for(reads.view(ReportingProjection), who.person_id, app.clock())


@router.get("/cycles", response_model=list[rm.CycleSummary])
def cycles(as_of: IsoInstant | None = None, _: Principal = Depends(current_principal),
           app: ArsplanStore = Depends(event_store)) -> list[rm.CycleSummary]:
    return rm.list_cycles(app, as_of)


@router.get("/cycles/{cycle_id}", response_model=q.CycleBoard)
def cycle_board(cycle_id: UUID, as_of: IsoInstant | None = None,
                _: Principal = Depends(current_principal),
                app: ArsplanStore = Depends(event_store),
                reads: ReadSide = Depends(read_side)) -> q.CycleBoard:
    if as_of is not None:
        board = q.cycle_board_as_of(app, cycle_id, as_of)
    else:
        board = q.cycle_board(reads.view(ReportingProjection), cycle_id, app.clock())
    if board is None:
        raise NotFoundError(f"Cykeln {cycle_id} finns inte" + (f" {as_of}" if as_of else ""))
    return board


@router.get("/reports/{report_id}", response_model=rm.ReportView)
def report(report_id: UUID, as_of: IsoInstant | None = None,
           _: Principal = Depends(current_principal),
           app: ArsplanStore = Depends(event_store)) -> rm.ReportView:
    return rm.report_view(app, report_id, as_of)


@router.get("/audit-trail", response_model=list[q.AuditEntry], tags=["revision"])
def audit_trail(aggregate_id: UUID | None = None, actor: str | None = None,
                cycle_id: UUID | None = None, as_of: IsoInstant | None = None,
                _: Principal = Depends(current_principal),
                app: ArsplanStore = Depends(event_store),
                reads: ReadSide = Depends(read_side)) -> list[q.AuditEntry]:
    """Every recorded event, in recording order, narrowed by aggregate, person or cycle."""
    if as_of is not None:
        return q.audit_trail_as_of(app, as_of, aggregate_id, actor, cycle_id)
    return q.audit_trail(app, reads.view(AuditTrailProjection), aggregate_id, actor, cycle_id)


@router.get("/history/{aggregate_id}", response_model=list[q.AuditEntry], tags=["revision"])
def history(aggregate_id: UUID, as_of: IsoInstant | None = None,
            who: Principal = Depends(current_principal),
            app: ArsplanStore = Depends(event_store),
            reads: ReadSide = Depends(read_side)) -> list[q.AuditEntry]:
    entries = audit_trail(aggregate_id, None, None, as_of, who, app, reads)
    if not entries:
        raise NotFoundError(f"{aggregate_id} har ingen historik")
    return entries


@router.get("/reminders", response_model=list[q.Reminder])
def reminders(recipient: str | None = None, cycle_id: UUID | None = None,
              as_of: IsoInstant | None = None, _: Principal = Depends(current_principal),
              app: ArsplanStore = Depends(event_store),
              reads: ReadSide = Depends(read_side)) -> list[q.Reminder]:
    """Påminnelser the workflows sent (the reminder outbox)."""
    if as_of is not None:
        return q.reminder_outbox_as_of(app, as_of, recipient, cycle_id)
    return q.reminder_outbox(reads.view(ReminderOutboxProjection), recipient, cycle_id)


@router.get("/verify", response_model=VerifyResult, tags=["revision"])
def verify(request: Request, _: Principal = Depends(current_principal)) -> VerifyResult:
    """The live store verified from where the last call stopped (the full walk, against
    every seal: ``arsplan verify``)."""
    verifier: IncrementalVerifier = request.app.state.verifier
    report = verifier.verify()
    broken = None
    if report.broken is not None:
        b = report.broken
        broken = {"notification_id": report.broken_notification_id,
                  "originator_id": b.originator_id, "originator_version": b.originator_version,
                  "event_type": b.event_type, "reason": b.reason}
    return VerifyResult(ok=report.ok, events_checked=report.events_checked,
                        aggregates=report.aggregates, broken=broken,
                        seal=f"{report.head.tree_size}:{report.head.root_hash}",
                        problems=report.problems())


@router.get("/seals", response_model=SealsResult, tags=["revision"])
def seals(request: Request, _: Principal = Depends(current_principal),
          app: ArsplanStore = Depends(event_store)) -> SealsResult:
    """The signed heads of the transparency log: check them with
    audit/standalone_verifier.py against the key published in the protokoll."""
    tree_heads: AbstractTreeHeads | None = request.app.state.tree_heads
    return SealsResult(published=[h.as_dict() for h in published_heads(app)],
                       current=tree_heads.current() if tree_heads is not None else None)
